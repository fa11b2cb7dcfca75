#include <eslabon/models/sweep.hpp>

#include <eslabon/core/hdf5_writer.hpp>
#include <eslabon/core/runner.hpp>
#include <eslabon/core/version.hpp>

#include <chrono>
#include <ctime>

namespace eslabon {

Table Sweep::points_table() const {
  Table t("scenarios");
  t.i64("point");
  t.str("id");
  t.str("scenario");
  for (const auto& f : factors) t.str(f);
  for (std::size_t p = 0; p < points.size(); ++p) {
    const SweepPoint& pt = points[p];
    t.i64("point").push_back(static_cast<std::int64_t>(p));
    t.str("id").push_back(pt.id);
    t.str("scenario").push_back(pt.scenario);
    for (const auto& f : factors) {
      std::string v;
      for (const auto& c : pt.changes)
        if (c.path == f) v = c.value;
      t.str(f).push_back(v);
    }
  }
  return t;
}

std::vector<RunResult> run_sweep(const Sweep& sweep, const RunOptions& options) {
  const std::size_t reps = static_cast<std::size_t>(sweep.replications);
  const std::size_t pairs = sweep.points.size() * reps;
  SimOptions sim;
  sim.stop = options.control.stop;
  if (options.progress) options.progress->reset(pairs);
  // Pair i is (point i / reps, replication i % reps): one queue over all pairs, so a slow
  // point does not leave a thread idle.
  std::vector<ReplicationResult> all = run_replications<ReplicationResult>(
      pairs, options.threads,
      [&](std::size_t i) {
        SimOptions mine = sim;
        if (options.progress) mine.progress = options.progress->slot(i);
        return simulate(sweep.points[i / reps].model, sweep.seed, i % reps, mine);
      },
      options.control);
  std::vector<RunResult> results;
  for (std::size_t p = 0; p < sweep.points.size(); ++p) {
    RunResult r = describe_run(sweep.points[p].model, sweep.seed);
    for (std::size_t k = 0; k < reps; ++k) r.replications.push_back(std::move(all[p * reps + k]));
    results.push_back(std::move(r));
  }
  return results;
}

void write_sweep_hdf5(const std::string& path, const Sweep& sweep, const std::vector<RunResult>& results) {
  Hdf5Writer w(path);
  w.attribute("eslabon_version", std::string(version));
  w.attribute("sweep", sweep.text);
  w.attribute("model", sweep.points.empty() ? std::string() : results.front().name);
  w.attribute("seed", static_cast<std::int64_t>(sweep.seed));
  w.attribute("replications", static_cast<std::int64_t>(sweep.replications));
  {
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char buf[32];
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    w.attribute("created", std::string(buf));
  }
  w.write("/scenarios", sweep.points_table());
  for (std::size_t p = 0; p < results.size(); ++p) {
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
