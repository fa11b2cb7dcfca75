// models/output and the sweep recorder protocol: the registry of result tables, the JSON
// document built from it, the journal's lines, what run_sweep publishes (each point once, in
// replication order, whatever was replayed or interrupted) and the files SweepFileRecorder
// leaves behind; a sweep's shards and their /pairs tables.

#include <models/config/loader.hpp>
#include <models/output/journal.hpp>
#include <models/output/json.hpp>
#include <models/output/pair_tables.hpp>
#include <models/output/result_tables.hpp>
#include <models/output/sweep_recorder.hpp>
#include <models/studies/sweep.hpp>
#include "files.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace fs = std::filesystem;
using namespace eslabon;

namespace {

using eslabon_test::read_text;

// A scratch directory with a small chain model and a 6-point sweep of 3 replications.
struct SweepDir {
  fs::path dir;
  SweepDir() {
    dir = fs::temp_directory_path() / ("eslabon-output-test-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string model = read_text(fs::path(ESLABON_SOURCE_DIR) / "configs/chain.yaml");
    const std::string run = "run: {horizon: 20000, warmup: 2000, replications: 10, seed: 42}";
    model.replace(model.find(run), run.size(), "run: {horizon: 300, warmup: 30, replications: 2, seed: 1}");
    std::ofstream(dir / "model.yaml") << model;
    std::ofstream(dir / "sweep.yaml") << "model: model.yaml\nreplications: 3\nseed: 5\ngrid:\n"
                                         "  units.production.servers: [4, 5, 6]\n  run.horizon: [300, 400]\n";
  }
  ~SweepDir() { fs::remove_all(dir); }
  Sweep load() const { return load_sweep_file((dir / "sweep.yaml").string()); }
  // The message of the ConfigError that loading the sweep file raises ("no ConfigError" if it loads).
  std::string load_error() const {
    try {
      load();
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no ConfigError";
  }
};

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

void expect_same(const ReplicationResult& a, const ReplicationResult& b) {
  EXPECT_EQ(a.replication, b.replication);
  EXPECT_EQ(a.events, b.events);
  for (int k = 0; k < kKpiCount; ++k)
    EXPECT_TRUE(same_bits(a.kpi[k], b.kpi[k]) || (std::isnan(a.kpi[k]) && std::isnan(b.kpi[k])));
  ASSERT_EQ(a.units.size(), b.units.size());
  for (std::size_t u = 0; u < a.units.size(); ++u)
    for (int s = 0; s < kUnitStatCount; ++s)
      EXPECT_TRUE(same_bits(a.units[u][s], b.units[u][s]) || (std::isnan(a.units[u][s]) && std::isnan(b.units[u][s])));
}

// Counts what run_sweep publishes, and can stop the sweep after a number of pairs.
struct Probe : SweepRecorder {
  std::size_t pairs = 0, finishes = 0, stop_after = 0;
  std::atomic<bool>* stop = nullptr;
  std::vector<int> completed;  // times each point completed
  std::vector<bool> complete;
  explicit Probe(std::size_t points) : completed(points, 0) {}
  void pair_done(std::size_t, const ReplicationResult&) override {
    if (++pairs == stop_after && stop) stop->store(true);
  }
  void point_complete(std::size_t point, const RunResult& r) override {
    ++completed[point];
    for (std::size_t k = 0; k < r.replications.size(); ++k) EXPECT_EQ(r.replications[k].replication, k);
  }
  void finished(const std::vector<bool>& c) override {
    ++finishes;
    complete = c;
  }
};

// Replays a fixed set of pairs, as a journal would.
struct Replayer : SweepRecorder {
  std::vector<std::pair<std::size_t, ReplicationResult>> given;
  void replay(const PairDone& give) override {
    for (const auto& [p, r] : given) give(p, r);
  }
};

}  // namespace

TEST(Output, RegistryNamesEveryTableOnceAndItsSummary) {
  std::set<std::string> names;
  for (const ResultTable& t : result_tables()) {
    EXPECT_TRUE(names.insert(t.name).second) << t.name;
    if (!t.summary.empty()) {
      EXPECT_NE(find_result_table(t.summary), nullptr) << t.summary;
    }
    // A JSON key holds its summary, or, for a table without one (drift), the table itself,
    // keyed by its first column, which must then name the rows.
    if (!t.json.empty() && t.summary.empty()) {
      const Table empty = (RunResult().*t.build)();
      ASSERT_FALSE(empty.columns().empty()) << t.name;
      EXPECT_TRUE(std::holds_alternative<std::vector<std::string>>(empty.columns().front().data)) << t.name;
    }
  }
  std::set<std::string> sweep;
  for (const ResultTable& t : result_tables())
    if (t.in_sweep) sweep.insert(t.name);
  // The sweep file's layout: /points/ID/{replications, summary, units, links, origins}.
  EXPECT_EQ(sweep, (std::set<std::string>{"replications", "summary", "units", "links", "origins"}));
  EXPECT_EQ(find_result_table("nope"), nullptr);
}

TEST(Output, JsonHoldsEverySummaryIntervalExactly) {
  SweepDir d;
  const Model m = load_model_file((d.dir / "model.yaml").string());
  RunOptions opt;
  opt.replications = 3;
  const RunResult r = run_model(m, opt);
  const auto j = nlohmann::json::parse(to_json(r));
  EXPECT_EQ(j["replications"], 3);
  auto check = [](const nlohmann::json& e, const Interval& iv) {
    for (const auto& [key, x] :
         {std::pair<const char*, double>{"mean", iv.mean}, {"ci_low", iv.low}, {"ci_high", iv.high}, {"std", iv.std}}) {
      if (std::isfinite(x)) {
        EXPECT_TRUE(same_bits(e[key].get<double>(), x)) << key;
      } else {
        EXPECT_TRUE(e[key].is_null()) << key;
      }
    }
    EXPECT_EQ(e["n"].get<std::int64_t>(), iv.n);
  };
  ASSERT_EQ(j["kpis"].size(), static_cast<std::size_t>(kKpiCount));
  for (int k = 0; k < kKpiCount; ++k) check(j["kpis"][kpi_names()[k]], r.kpi(static_cast<Kpi>(k)));
  ASSERT_EQ(j["units"].size(), r.unit_names.size());
  for (std::size_t u = 0; u < r.unit_names.size(); ++u)
    for (int s = 0; s < kUnitStatCount; ++s)
      check(j["units"][r.unit_names[u]][unit_stat_names()[s]], r.unit_stat(u, static_cast<UnitStat>(s)));
  for (std::size_t g = 0; g < r.origin_names.size(); ++g)
    for (int s = 0; s < kOriginStatCount; ++s)
      check(j["origins"][r.origin_names[g]][origin_stat_names()[s]], r.origin_stat(g, static_cast<OriginStat>(s)));
  EXPECT_TRUE(j["links"].is_object());
}

TEST(Output, JournalLinesRoundTripBitForBit) {
  ReplicationResult r;
  r.replication = 7;
  r.events = 12345;
  for (int k = 0; k < kKpiCount; ++k) r.kpi[k] = k == 1 ? std::nan("") : 0.1 * k + 1e-17;
  r.units.push_back({});
  r.units[0].fill(1.0 / 3.0);
  std::size_t pair = 0;
  ReplicationResult back;
  ASSERT_TRUE(pair_from_line(pair_to_line(42, r), pair, back));
  EXPECT_EQ(pair, 42u);
  expect_same(r, back);
  const std::string line = pair_to_line(42, r);
  EXPECT_FALSE(pair_from_line(line.substr(0, line.size() / 2), pair, back));  // cut short by a kill
}

TEST(Output, RunSweepPublishesEachPointOnceWhateverTheThreads) {
  SweepDir d;
  const Sweep sweep = d.load();
  std::vector<RunResult> by_threads[2];
  for (unsigned threads : {1u, 2u}) {
    SweepResults kept(sweep);
    Probe probe(sweep.points.size());
    SweepRecorders both{&kept, &probe};
    RunOptions opt;
    opt.threads = threads;
    const SweepRun run = run_sweep(sweep, opt, both);
    EXPECT_EQ(run.resumed, 0u);
    EXPECT_EQ(probe.pairs, sweep.points.size() * 3);
    EXPECT_EQ(probe.finishes, 1u);
    EXPECT_EQ(probe.completed, std::vector<int>(sweep.points.size(), 1));
    EXPECT_EQ(run.complete, std::vector<bool>(sweep.points.size(), true));
    by_threads[threads - 1] = kept.results;
  }
  for (std::size_t p = 0; p < sweep.points.size(); ++p) {
    ASSERT_EQ(by_threads[0][p].replications.size(), 3u);
    for (std::size_t k = 0; k < 3; ++k) {
      expect_same(by_threads[0][p].replications[k], by_threads[1][p].replications[k]);
      expect_same(by_threads[0][p].replications[k], simulate(point_model(sweep, p), sweep.seed, k));
    }
  }
}

TEST(Output, ReplayedPairsAreNotRunAgain) {
  SweepDir d;
  const Sweep sweep = d.load();
  Replayer replayer;
  for (std::size_t pair : {0u, 1u, 2u, 4u, 17u, 4u, 999u})  // a duplicate and one out of range are ignored
    replayer.given.emplace_back(pair, simulate_pair(sweep, pair % 18));
  SweepResults kept(sweep);
  Probe probe(sweep.points.size());
  SweepRecorders all{&replayer, &kept, &probe};
  const SweepRun run = run_sweep(sweep, RunOptions{}, all);
  EXPECT_EQ(run.resumed, 5u);
  EXPECT_EQ(probe.pairs, sweep.points.size() * 3 - 5);
  EXPECT_EQ(probe.completed, std::vector<int>(sweep.points.size(), 1));
  for (std::size_t p = 0; p < sweep.points.size(); ++p)
    for (std::size_t k = 0; k < 3; ++k)
      expect_same(kept.results[p].replications[k], simulate(point_model(sweep, p), sweep.seed, k));
}

TEST(Output, InterruptedSweepTellsTheRecorderWhatIsComplete) {
  SweepDir d;
  const Sweep sweep = d.load();
  std::atomic<bool> stop{false};
  Probe probe(sweep.points.size());
  probe.stop = &stop;
  probe.stop_after = 7;
  RunOptions opt;
  opt.threads = 1;
  opt.control.stop = &stop;
  EXPECT_THROW(run_sweep(sweep, opt, probe), Interrupted);
  EXPECT_EQ(probe.finishes, 1u);
  EXPECT_EQ(probe.pairs, 7u);  // one thread: the pair after the 7th never starts
  EXPECT_EQ(probe.complete, (std::vector<bool>{true, true, false, false, false, false}));
}

TEST(Output, FileRecorderResumesAndCleansUp) {
  SweepDir d;
  const Sweep sweep = d.load();
  const std::string out = (d.dir / "out.h5").string();
  {
    std::atomic<bool> stop{false};
    Probe probe(sweep.points.size());
    probe.stop = &stop;
    probe.stop_after = 8;
    SweepFileRecorder files(sweep, out, false);
    SweepRecorders both{&files, &probe};
    RunOptions opt;
    opt.threads = 1;
    opt.control.stop = &stop;
    EXPECT_THROW(run_sweep(sweep, opt, both), Interrupted);
  }
  EXPECT_TRUE(fs::exists(out));  // the points done so far, complete = 0
  EXPECT_TRUE(fs::exists(out + ".journal"));
  // Another sweep's journal is refused; this sweep's is replayed.
  Sweep other = sweep;
  other.seed = 6;
  EXPECT_THROW(SweepFileRecorder(other, out, true), ConfigError);
  SweepFileRecorder files(sweep, out, true);
  Probe probe(sweep.points.size());
  SweepRecorders both{&files, &probe};
  const SweepRun run = run_sweep(sweep, RunOptions{}, both);
  EXPECT_EQ(run.resumed, 8u);
  EXPECT_EQ(probe.pairs, sweep.points.size() * 3 - 8);
  std::set<std::string> left;
  for (const auto& e : fs::directory_iterator(d.dir)) left.insert(e.path().filename().string());
  EXPECT_EQ(left, (std::set<std::string>{"model.yaml", "sweep.yaml", "out.h5"}));
}

// A point keeps only its changes; its model, built when its pairs run, is the one the loader
// gives for those changes, and the fingerprint is still FNV-1a over the sweep's text, seed,
// replications and every point's model text (so journals written before resume).
TEST(Output, PointModelsAreBuiltAsLoadedAndFingerprintHolds) {
  const Sweep sweep =
      load_sweep_file((fs::path(ESLABON_SOURCE_DIR) / "configs/sweeps/staffing_vs_defects.yaml").string());
  auto fingerprint = [&](std::uint64_t seed) {
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&](const std::string& s) {
      for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
      h = (h ^ 0xFF) * 1099511628211ULL;
    };
    mix(sweep.text);
    mix(std::to_string(seed));
    mix(std::to_string(sweep.replications));
    for (const SweepPoint& p : sweep.points)
      mix(load_model_text(sweep.model_text, sweep.model_path, p.changes).config_text);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return std::string(buf);
  };
  ASSERT_EQ(sweep.points.size(), 13u);
  const ModelTemplate model(sweep.model_text, sweep.model_path);
  for (std::size_t p = 0; p < sweep.points.size(); ++p) {
    const Model loaded = load_model_text(sweep.model_text, sweep.model_path, sweep.points[p].changes);
    EXPECT_EQ(model.build(sweep.points[p].changes).config_text, loaded.config_text);
    const Model& built = point_model(sweep, p);
    EXPECT_EQ(built.config_text, "");  // not written out
    EXPECT_EQ(built.name, loaded.name);
    EXPECT_EQ(built.units.size(), loaded.units.size());
    EXPECT_EQ(built.source, loaded.source);
    EXPECT_EQ(built.scenarios.size(), loaded.scenarios.size());
    expect_same(simulate(built, sweep.seed, 1), simulate(loaded, sweep.seed, 1));
  }
  EXPECT_EQ(sweep_fingerprint(sweep), fingerprint(sweep.seed));
  Sweep other = sweep;  // changed after load: computed again
  other.seed = 8;
  EXPECT_EQ(sweep_fingerprint(other), fingerprint(8));
  EXPECT_NE(sweep_fingerprint(other), sweep_fingerprint(sweep));
}

// Points are checked from a copy of the parsed model, which has no line numbers: an error
// still names the line of the model file it is about.
TEST(Output, BadPointNamesTheModelsLine) {
  SweepDir d;
  std::ofstream(d.dir / "sweep.yaml")
      << "model: model.yaml\nreplications: 3\nseed: 5\ngrid:\n  run.horizon: [300, 20]\n";
  const std::string msg = d.load_error();
  const std::string model = (d.dir / "model.yaml").string();
  const std::string head = "grid.run.horizon.1: this does not give a valid model: " + model + ":";
  const auto at = msg.find(head);
  ASSERT_NE(at, std::string::npos) << msg;
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(msg[at + head.size()]))) << msg;  // FILE:LINE:COL
  EXPECT_NE(msg.find(": run.warmup: expected a duration shorter than run.horizon"), std::string::npos) << msg;
}

// README "Sweeps from config files": a grid value the model refuses alone (a horizon below the
// model's warm-up of 30) is valid beside another factor that makes it so; a point that holds it
// and that the model refuses fails with the value's own error, at its place.
TEST(Output, GridValueRefusedAloneIsValidBesideAnotherFactor) {
  SweepDir d;
  std::ofstream(d.dir / "sweep.yaml")
      << "model: model.yaml\nreplications: 2\nseed: 5\ngrid:\n  run.horizon: [20, 300]\n  run.warmup: [5, 10]\n";
  const Sweep ok = d.load();
  ASSERT_EQ(ok.points.size(), 4u);
  EXPECT_EQ(ok.points[0].changes[0].value, "20");
  EXPECT_EQ(ok.points[0].changes[1].value, "5");
  std::ofstream(d.dir / "sweep.yaml")
      << "model: model.yaml\nreplications: 2\nseed: 5\ngrid:\n  run.horizon: [300, 20]\n  run.warmup: [5, 25]\n";
  const std::string msg = d.load_error();  // horizon 20 beside warm-up 25
  EXPECT_NE(msg.find("sweep.yaml:5:22: grid.run.horizon.1: this does not give a valid model: "), std::string::npos)
      << msg;
}

// README "Running on a cluster": --shard I/N splits the pairs into contiguous slices that cover
// every pair once, sizes differing by one at most; bad splits are bad input.
TEST(Output, ShardsCoverEveryPairOnceAndEvenly) {
  SweepDir d;
  const Sweep sweep = d.load();  // 6 points x 3 replications = 18 pairs
  for (long long n = 1; n <= 18; ++n) {
    std::size_t next = 0, smallest = 18, largest = 0;
    for (long long i = 0; i < n; ++i) {
      const Shard s = make_shard(sweep, i, n, "--shard");
      EXPECT_EQ(s.first, next);
      EXPECT_LT(s.first, s.end);
      smallest = std::min(smallest, s.end - s.first);
      largest = std::max(largest, s.end - s.first);
      next = s.end;
    }
    EXPECT_EQ(next, 18u);
    EXPECT_LE(largest - smallest, 1u);
  }
  const Shard s = parse_shard(sweep, "1/4", "--shard 1/4");
  EXPECT_EQ(s.label(), "1/4");
  EXPECT_EQ(s.first, 4u);
  EXPECT_EQ(s.end, 9u);
  EXPECT_TRUE(s.whole(2, 3));   // pairs 6 to 8
  EXPECT_FALSE(s.whole(1, 3));  // pairs 3 to 5: 3 is shard 0's
  for (const char* bad : {"4/4", "0/0", "0/19", "-1/4", "1/", "x", "1/4/2", " 1/4"})
    EXPECT_THROW(parse_shard(sweep, bad, std::string("--shard ") + bad), ConfigError) << bad;
}

TEST(Output, ShardAutoIsTheJobArraysTask) {
  SweepDir d;
  const Sweep sweep = d.load();
  const char* names[] = {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP",
                         "SLURM_ARRAY_TASK_COUNT"};
  auto array = [&](std::vector<const char*> values) {
    for (std::size_t i = 0; i < 5; ++i)
      if (values[i])
        ::setenv(names[i], values[i], 1);
      else
        ::unsetenv(names[i]);
  };
  array({nullptr, nullptr, nullptr, nullptr, nullptr});
  EXPECT_THROW(parse_shard(sweep, "auto", "--shard auto"), ConfigError);  // not in a job array
  array({"7", "1", "13", "3", "5"});                                      // --array=1-13:3: tasks 1, 4, 7, 10, 13
  Shard s = parse_shard(sweep, "auto", "--shard auto");
  EXPECT_EQ(s.label(), "2/5");
  EXPECT_EQ(s.first, make_shard(sweep, 2, 5, "").first);
  array({"3", "0", "3", nullptr, "4"});  // --array=0-3 (no STEP: 1)
  EXPECT_EQ(parse_shard(sweep, "auto", "--shard auto").label(), "3/4");
  array({"8", "1", "13", "3", "5"});  // not one of the range's ids
  EXPECT_THROW(parse_shard(sweep, "auto", "--shard auto"), ConfigError);
  array({"4", "1", "9", "1", "3"});  // --array=1,4,9: not evenly spaced
  EXPECT_THROW(parse_shard(sweep, "auto", "--shard auto"), ConfigError);
  array({nullptr, nullptr, nullptr, nullptr, nullptr});
}

TEST(Output, ShardRunsOnlyItsPairs) {
  SweepDir d;
  const Sweep sweep = d.load();
  const Shard s = make_shard(sweep, 1, 4, "");  // pairs 4 to 8: points 1 (part), 2 (whole)
  Probe probe(sweep.points.size());
  const SweepRun run = run_sweep(sweep, RunOptions{}, probe, {}, &s);
  EXPECT_EQ(probe.pairs, 5u);
  EXPECT_EQ(probe.completed, (std::vector<int>{0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(run.complete, (std::vector<bool>{false, false, true, false, false, false}));
}

// A shard's /pairs hold what a journal line holds, bit for bit (NaN included).
TEST(Output, PairTablesRoundTripBitForBit) {
  SweepDir d;
  const Sweep sweep = d.load();
  PairResults pairs;
  for (std::size_t p : {4u, 5u, 11u}) pairs.emplace(p, simulate_pair(sweep, p));
  pairs[5].kpi[2] = -std::nan("");
  pairs[5].kpi[3] = 1e-310;  // subnormal
  const std::string path = (d.dir / "pairs.h5").string();
  {
    Hdf5Writer w(path);
    write_pair_tables(w, "/pairs", pairs);
    w.commit();
  }
  PairResults back;
  read_pair_tables(Hdf5Reader(path), "/pairs", back);
  ASSERT_EQ(back.size(), pairs.size());
  for (const auto& [p, r] : pairs) {
    const ReplicationResult& b = back.at(p);
    expect_same(r, b);
    for (int k = 0; k < kKpiCount; ++k) EXPECT_TRUE(same_bits(r.kpi[k], b.kpi[k])) << p << " " << k;
    EXPECT_EQ(r.flows.size(), b.flows.size());
    EXPECT_EQ(r.links.size(), b.links.size());
    EXPECT_EQ(r.origins.size(), b.origins.size());
    for (std::size_t g = 0; g < r.origins.size(); ++g)
      for (int s = 0; s < kOriginStatCount; ++s) EXPECT_TRUE(same_bits(r.origins[g][s], b.origins[g][s]));
  }
}

// A shard whose /pairs has the right column names with another type (found by fuzz_hdf5,
// tests/fuzz/corpus/hdf5/pairs_wrong_type.h5) is refused as a file this version does not write:
// std::runtime_error, which eslabon merge turns into a ConfigError (exit 2), not a logic_error.
TEST(Output, PairTablesOfAnotherTypeAreRefused) {
  SweepDir d;
  Table t("replications");
  t.f64("pair").push_back(0);  // int64 in the files eslabon writes
  for (const char* c : {"replication", "events"}) t.i64(c).push_back(0);
  for (int k = 0; k < kKpiCount; ++k) t.f64(kpi_names()[k]).push_back(0);
  const std::string path = (d.dir / "pairs.h5").string();
  {
    Hdf5Writer w(path);
    w.write("/pairs/replications", t);
    w.commit();
  }
  PairResults back;
  try {
    read_pair_tables(Hdf5Reader(path), "/pairs", back);
    FAIL() << "read a table of another type";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not the columns this version of eslabon writes"), std::string::npos)
        << e.what();
  }
}
