#include <models/studies/sweep.hpp>

#include <eslabon/core/hdf5_writer.hpp>
#include <eslabon/core/runner.hpp>
#include <eslabon/core/version.hpp>
#include <models/config/loader.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <mutex>
#include <unistd.h>

namespace eslabon {

std::string sweep_fingerprint(const Sweep& sweep) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xFF;
    h *= 1099511628211ULL;
  };
  mix(sweep.text);
  mix(std::to_string(sweep.seed));
  mix(std::to_string(sweep.replications));
  for (const auto& p : sweep.points) mix(p.model.config_text);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

namespace {

// --- the journal: one JSON line per finished pair ---------------------------------------------
template <class Rows>
nlohmann::json rows_json(const Rows& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json r = nlohmann::json::array();
    for (double x : row) r.push_back(std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr));
    a.push_back(r);
  }
  return a;
}

template <std::size_t N>
void rows_from(const nlohmann::json& a, std::vector<std::array<double, N>>& rows) {
  rows.clear();
  for (const auto& r : a) {
    std::array<double, N> row{};
    if (r.size() != N) throw std::runtime_error("journal row of the wrong width");
    for (std::size_t i = 0; i < N; ++i) row[i] = r[i].is_null() ? std::nan("") : r[i].get<double>();
    rows.push_back(row);
  }
}

}  // namespace

std::string pair_to_line(std::size_t pair, const ReplicationResult& r) {
  nlohmann::json j;
  j["pair"] = pair;
  j["replication"] = r.replication;
  j["events"] = r.events;
  j["kpi"] = rows_json(std::vector<std::array<double, kKpiCount>>{r.kpi})[0];
  j["units"] = rows_json(r.units);
  j["flows"] = rows_json(r.flows);
  j["links"] = rows_json(r.links);
  j["origins"] = rows_json(r.origins);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool pair_from_line(const std::string& line, std::size_t& pair, ReplicationResult& r) {
  try {
    nlohmann::json j = nlohmann::json::parse(line);
    pair = j.at("pair").get<std::size_t>();
    r.replication = j.at("replication").get<std::uint64_t>();
    r.events = j.at("events").get<std::uint64_t>();
    std::vector<std::array<double, kKpiCount>> k;
    rows_from(nlohmann::json::array({j.at("kpi")}), k);
    r.kpi = k.at(0);
    rows_from(j.at("units"), r.units);
    rows_from(j.at("flows"), r.flows);
    rows_from(j.at("links"), r.links);
    rows_from(j.at("origins"), r.origins);
    return true;
  } catch (const std::exception&) {
    return false;  // a line cut short by a kill: that pair runs again
  }
}

namespace {

class Journal {
 public:
  Journal(const std::string& path, const std::string& fingerprint, bool keep) : path_(path) {
    if (!keep) {
      std::FILE* f = std::fopen(path_.c_str(), "w");
      if (!f) throw std::runtime_error("cannot write " + path_);
      std::fprintf(f, "{\"eslabon_sweep_journal\": \"%s\"}\n", fingerprint.c_str());
      std::fclose(f);
    }
    file_ = std::fopen(path_.c_str(), "a");
    if (!file_) throw std::runtime_error("cannot write " + path_);
  }
  ~Journal() {
    if (file_) std::fclose(file_);
  }
  void append(const std::string& line) {
    std::fputs(line.c_str(), file_);
    std::fputc('\n', file_);
    std::fflush(file_);
    ::fsync(::fileno(file_));  // on disk before the pair counts as done
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace

ReplicationResult simulate_pair(const Sweep& sweep, std::size_t pair, const SimOptions& options) {
  const std::size_t reps = static_cast<std::size_t>(sweep.replications);
  return simulate(sweep.points[pair / reps].model, sweep.seed, pair % reps, options);
}

SweepRun run_sweep(const Sweep& sweep, const RunOptions& options, const std::string& output, bool resume,
                   const PairExecutor& executor) {
  const std::size_t reps = static_cast<std::size_t>(sweep.replications);
  const std::size_t pairs = sweep.points.size() * reps;
  const std::string fingerprint = sweep_fingerprint(sweep);
  std::vector<ReplicationResult> all(pairs);
  std::vector<bool> have(pairs, false);
  SweepRun out;
  const std::string journal_path = output.empty() ? "" : output + ".journal";
  bool keep_journal = false;
  if (resume && !journal_path.empty()) {
    std::ifstream in(journal_path);
    std::string line;
    if (in && std::getline(in, line)) {
      if (line.find("\"" + fingerprint + "\"") == std::string::npos)
        throw ConfigError("--resume: " + journal_path + " belongs to another sweep (or another version of this one); " +
                          "expected the journal of " + sweep.source + ", run without --resume to start over");
      keep_journal = true;
      while (std::getline(in, line)) {
        std::size_t pair = 0;
        ReplicationResult r;
        if (pair_from_line(line, pair, r) && pair < pairs && !have[pair]) {
          all[pair] = std::move(r);
          have[pair] = true;
          ++out.resumed;
        }
      }
    }
  }
  std::unique_ptr<Journal> journal;
  if (!journal_path.empty()) journal = std::make_unique<Journal>(journal_path, fingerprint, keep_journal);

  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < pairs; ++i)
    if (!have[i]) todo.push_back(i);
  std::vector<std::size_t> done_per_point(sweep.points.size(), 0);
  for (std::size_t i = 0; i < pairs; ++i)
    if (have[i]) ++done_per_point[i / reps];

  auto assemble = [&](std::vector<bool>& complete) {
    std::vector<RunResult> results;
    complete.assign(sweep.points.size(), false);
    for (std::size_t p = 0; p < sweep.points.size(); ++p) {
      RunResult r = describe_run(sweep.points[p].model, sweep.seed);
      complete[p] = done_per_point[p] == reps;
      if (complete[p])
        for (std::size_t k = 0; k < reps; ++k) r.replications.push_back(all[p * reps + k]);
      results.push_back(std::move(r));
    }
    return results;
  };

  const PairDone done = [&](std::size_t i, const ReplicationResult& r) {  // one caller at a time
    all[i] = r;
    if (journal) journal->append(pair_to_line(i, r));
    if (++done_per_point[i / reps] == reps && !output.empty()) {
      std::vector<bool> complete;
      auto results = assemble(complete);
      write_sweep_hdf5(output, sweep, results, complete);
    }
  };
  if (executor) {
    executor(sweep, todo, done);
  } else {
    SimOptions sim;
    sim.stop = options.control.stop;
    if (options.progress) options.progress->reset(todo.size());
    run_replications<ReplicationResult>(
        todo.size(), options.threads,
        [&](std::size_t t) {
          SimOptions mine = sim;
          if (options.progress) mine.progress = options.progress->slot(t);
          return simulate_pair(sweep, todo[t], mine);
        },
        options.control, [&](std::size_t t, const ReplicationResult& r) { done(todo[t], r); });
  }
  std::vector<bool> complete;
  out.results = assemble(complete);
  if (!output.empty()) write_sweep_hdf5(output, sweep, out.results, complete);
  return out;
}

void write_sweep_hdf5(const std::string& path, const Sweep& sweep, const std::vector<RunResult>& results,
                      const std::vector<bool>& complete) {
  Hdf5Writer w(path);
  w.attribute("eslabon_version", std::string(version));
  w.attribute("sweep", sweep.text);
  w.attribute("fingerprint", sweep_fingerprint(sweep));
  w.attribute("seed", static_cast<std::int64_t>(sweep.seed));
  w.attribute("replications", static_cast<std::int64_t>(sweep.replications));
  std::int64_t all_complete = 1;
  for (bool c : complete) all_complete = all_complete && c;
  w.attribute("complete", all_complete);
  {
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char buf[32];
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    w.attribute("created", std::string(buf));
  }
  Table points = sweep.points_table();
  auto& c = points.i64("complete");
  for (bool x : complete) c.push_back(x ? 1 : 0);
  w.write("/scenarios", points);
  for (std::size_t p = 0; p < results.size(); ++p) {
    if (!complete[p]) continue;
    const std::string g = "/points/" + sweep.points[p].id;
    w.write(g + "/replications", results[p].replications_table());
    w.write(g + "/summary", results[p].summary_table());
    w.write(g + "/units", results[p].units_table());
    w.write(g + "/links", results[p].links_table());
    w.write(g + "/origins", results[p].origins_table());
  }
  w.commit();
}

}  // namespace eslabon
