// Golden fingerprints: a hash of every result table of every example config, its
// scenarios, the example sweeps' points and the synthetic models in tests/golden/models,
// for fixed seeds, at full precision (the bits of every double).
//
//     eslabon_fingerprint --check tests/golden/fingerprints.txt   # ctest: exit 1 on a difference
//     eslabon_fingerprint --write tests/golden/fingerprints.txt   # regenerate (make fingerprints)
//
// A refactoring must leave every line unchanged. A change meant to move results regenerates
// the file in a commit of its own that says why.

#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/compare.hpp>
#include <models/studies/sweep.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace eslabon;

namespace {

constexpr int kMaxReplications = 4;

struct Fnv {
  std::uint64_t h = 1469598103934665603ull;
  void bytes(const void* p, std::size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= c[i];
      h *= 1099511628211ull;
    }
  }
  void u64(std::uint64_t v) { bytes(&v, sizeof v); }
  void f64(double v) { u64(std::isnan(v) ? 0x7ff8000000000000ull : std::bit_cast<std::uint64_t>(v)); }
  void str(const std::string& s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
};

std::string hash_table(const Table& t) {
  Fnv f;
  f.u64(t.rows());
  for (const Column& c : t.columns()) {
    f.str(c.name);
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          for (const auto& x : v) {
            if constexpr (std::is_same_v<V, std::vector<double>>)
              f.f64(x);
            else if constexpr (std::is_same_v<V, std::vector<std::int64_t>>)
              f.u64(static_cast<std::uint64_t>(x));
            else
              f.str(x);
          }
        },
        c.data);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(f.h));
  return buf;
}

// key ("MODEL TABLE") -> "ROWS HASH"
using Prints = std::map<std::string, std::string>;

void fingerprint(const std::string& name, const Model& model, int replications, Prints& out) {
  RunOptions opt;
  opt.replications = std::min(replications, kMaxReplications);
  opt.record_orders = true;
  const RunResult r = run_model(model, opt);
  const Table tables[] = {r.replications_table(), r.units_table(),        r.flows_table(),  r.links_table(),
                          r.origins_table(),      r.delay_causes_table(), r.orders_table(), r.delays_table()};
  for (const Table& t : tables) out[name + " " + t.name()] = std::to_string(t.rows()) + " " + hash_table(t);
}

std::vector<fs::path> yaml_files(const fs::path& dir) {
  std::vector<fs::path> v;
  if (!fs::is_directory(dir)) return v;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml") v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

Prints compute(const fs::path& root) {
  Prints out;
  std::vector<fs::path> models = yaml_files(root / "configs");
  for (const auto& p : yaml_files(root / "tests/golden/models")) models.push_back(p);
  for (const fs::path& p : models) {
    const std::string rel = fs::relative(p, root).generic_string();
    const Model m = load_model_file(p.string());
    fingerprint(rel, m, m.run.replications, out);
    for (const Scenario& s : m.scenarios)
      fingerprint(rel + "#" + s.name, scenario_model(m, s.name), m.run.replications, out);
  }
  for (const fs::path& p : yaml_files(root / "configs/sweeps")) {
    const std::string rel = fs::relative(p, root).generic_string();
    const Sweep sw = load_sweep_file(p.string());
    for (std::size_t i = 0; i < sw.points.size(); ++i) {
      Model m = point_model(sw, i);
      m.run.seed = sw.seed;
      fingerprint(rel + "#" + sw.points[i].id, m, 1, out);
    }
  }
  return out;
}

Prints read(const fs::path& file) {
  Prints v;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string model, table, rows, hash;
    ls >> model >> table >> rows >> hash;
    v[model + " " + table] = rows + " " + hash;
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "--check" && std::string(argv[1]) != "--write")) {
    std::cerr
        << "usage: eslabon_fingerprint --check|--write FILE (run from the repository root, or set ESLABON_SOURCE_DIR)\n";
    return 2;
  }
  const char* src = std::getenv("ESLABON_SOURCE_DIR");
  const fs::path root = src ? fs::path(src) : fs::current_path();
  const fs::path file = argv[2];
  try {
    const Prints now = compute(root);
    if (std::string(argv[1]) == "--write") {
      std::ofstream o(file);
      o << "# Golden fingerprints: MODEL[#SCENARIO|#POINT] TABLE ROWS FNV-1a-64 of the table at full precision.\n"
           "# Checked by ctest (golden_fingerprints); regenerate with `make fingerprints` only in a commit\n"
           "# meant to change results, and say why in its message.\n";
      for (const auto& [k, v] : now) o << k << " " << v << "\n";
      std::cout << "wrote " << now.size() << " fingerprints to " << file.string() << "\n";
      return o ? 0 : 1;
    }
    const Prints want = read(file);
    std::size_t bad = 0, added = 0;
    for (const auto& [k, v] : want) {
      auto it = now.find(k);
      if (it == now.end()) {
        std::cout << "MISSING  " << k << " (expected " << v << ")\n";
        ++bad;
      } else if (it->second != v) {
        std::cout << "CHANGED  " << k << ": expected " << v << ", got " << it->second << "\n";
        ++bad;
      }
    }
    for (const auto& [k, v] : now)
      if (!want.count(k)) {
        std::cout << "NEW      " << k << " " << v << " (not in " << file.string() << ")\n";
        ++added;
      }
    std::cout << (want.size() - bad) << " of " << want.size() << " fingerprints hold";
    if (added) std::cout << ", " << added << " new";
    std::cout << "\n";
    bad += added;
    return bad ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "eslabon_fingerprint: " << e.what() << "\n";
    return 2;
  }
}
