// Event logs for process mining (engine/trace.hpp, results/event_log.hpp; README "Event logs for
// process mining"). Recording changes no result on any model; a deterministic chain gives the
// exact sequence of events with their times and waits; the waits' parts are the engine's own
// causes of delay order by order; every defect is followed to its end; the limits hold.

#include "run_text.hpp"

#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace {

using eslabon::RunOptions;
using eslabon::RunResult;
using eslabon::Table;

RunResult run(const eslabon::Model& m, int replications, bool events, std::uint64_t orders = 1000000,
              std::uint64_t log_replications = 1000) {
  RunOptions o;
  o.threads = 1;
  o.replications = replications;
  o.record_orders = true;
  o.events.on = events;
  o.events.orders = orders;
  o.events.replications = log_replications;
  return eslabon::run_model(m, o);
}

// Bit for bit (NaN equal to NaN).
bool same(const Table& a, const Table& b) {
  if (a.columns().size() != b.columns().size() || a.rows() != b.rows()) return false;
  for (std::size_t c = 0; c < a.columns().size(); ++c) {
    const auto& x = a.columns()[c];
    const auto& y = b.columns()[c];
    if (x.name != y.name || x.data.index() != y.data.index()) return false;
    if (const auto* v = std::get_if<std::vector<double>>(&x.data)) {
      const auto& w = std::get<std::vector<double>>(y.data);
      for (std::size_t i = 0; i < v->size(); ++i)
        if (std::bit_cast<std::uint64_t>((*v)[i]) != std::bit_cast<std::uint64_t>(w[i]) &&
            !(std::isnan((*v)[i]) && std::isnan(w[i])))
          return false;
    } else if (x.data != y.data) {
      return false;
    }
  }
  return true;
}

// One column of the events table, by name.
template <class T>
const std::vector<T>& col(const Table& t, const std::string& name) {
  return std::get<std::vector<T>>(t.find(name)->data);
}
const std::vector<std::string>& str(const Table& t, const std::string& n) { return col<std::string>(t, n); }
const std::vector<double>& f64(const Table& t, const std::string& n) { return col<double>(t, n); }
const std::vector<std::int64_t>& i64(const Table& t, const std::string& n) { return col<std::int64_t>(t, n); }

// Every example config and golden model (they touch every feature): every result table of a run
// that records the event log of every order of every replication is bit for bit the run without.
TEST(Events, RecordingChangesNoResultOnAnyModel) {
  namespace fs = std::filesystem;
  const std::vector<fs::path> files = eslabon_test::every_model_file();
  ASSERT_GE(files.size(), 12u);
  for (const fs::path& f : files) {
    const eslabon::Model m = eslabon::load_model_file(f.string(), {{"run.horizon", "1500"}, {"run.warmup", "150"}});
    const RunResult plain = run(m, 2, false), logged = run(m, 2, true);
    EXPECT_GT(logged.events_table().rows(), 0u) << f;
    EXPECT_EQ(plain.events_table().rows(), 0u) << f;
    for (auto t : {&RunResult::replications_table, &RunResult::units_table, &RunResult::flows_table,
                   &RunResult::links_table, &RunResult::origins_table, &RunResult::delay_causes_table,
                   &RunResult::orders_table, &RunResult::delays_table, &RunResult::satisfaction_table})
      EXPECT_TRUE(same((plain.*t)(), (logged.*t)())) << f << ": " << (plain.*t)().name();
  }
}

// A deterministic chain, worked out by hand: orders every 2 hours from t = 2, a at sales (1 h),
// then b at production (3 h, one server), so the second order waits 1 h for production.
TEST(Events, DeterministicChainGivesEveryEventWithItsTimeAndWait) {
  const std::string yaml = R"(
time_unit: hour
run: {horizon: 6.5, warmup: 0, replications: 1, seed: 1, calendar_start: 2026-03-02T08:00}
units: {sales: {servers: 1}, production: {servers: 1}}
flows:
  f:
    arrivals: {interarrival: 2}
    tasks:
      a: {unit: sales, service: 1}
      b: {unit: production, service: 3, after: [a]}
)";
  const RunResult r = run(eslabon::load_model_text(yaml, "<test>"), 1, true);
  const Table t = r.events_table();
  // Orders 0, 1, 2 arrive at 2, 4, 6 (the one at 6.5 would be after the horizon).
  struct Row {
    std::string case_, activity, task, unit, job;
    double time, wait_queue;
  };
  const std::vector<Row> want = {
      {"r0/f/0", "arrived", "", "", "", 2, 0},
      {"r0/f/0", "queued", "a", "sales", "task", 2, 0},
      {"r0/f/0", "started", "a", "sales", "task", 2, 0},
      {"r0/f/0", "completed", "a", "sales", "task", 3, 0},
      {"r0/f/0", "handed_over", "a", "sales", "", 3, 0},
      {"r0/f/0", "queued", "b", "production", "task", 3, 0},
      {"r0/f/0", "started", "b", "production", "task", 3, 0},
      {"r0/f/1", "arrived", "", "", "", 4, 0},
      {"r0/f/1", "queued", "a", "sales", "task", 4, 0},
      {"r0/f/1", "started", "a", "sales", "task", 4, 0},
      {"r0/f/1", "completed", "a", "sales", "task", 5, 0},
      {"r0/f/1", "handed_over", "a", "sales", "", 5, 0},
      {"r0/f/1", "queued", "b", "production", "task", 5, 0},
      {"r0/f/0", "completed", "b", "production", "task", 6, 0},
      {"r0/f/1", "started", "b", "production", "task", 6, 1},
      {"r0/f/0", "delivered", "", "", "", 6, 0},
  };
  ASSERT_GE(t.rows(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    EXPECT_EQ(str(t, "case")[i], want[i].case_);
    EXPECT_EQ(str(t, "activity")[i], want[i].activity);
    EXPECT_EQ(str(t, "task")[i], want[i].task);
    EXPECT_EQ(str(t, "unit")[i], want[i].unit);
    EXPECT_EQ(str(t, "job")[i], want[i].job);
    EXPECT_DOUBLE_EQ(f64(t, "time")[i], want[i].time);
    EXPECT_DOUBLE_EQ(f64(t, "wait_queue")[i], want[i].wait_queue);
  }
  EXPECT_EQ(str(t, "timestamp")[0], "2026-03-02T10:00:00.000");  // calendar_start + 2 hours
  EXPECT_EQ(str(t, "handoff")[4], "a->b");
  EXPECT_EQ(str(t, "detail")[15], "");  // no due date: neither on time nor late
  EXPECT_EQ(r.event_log_note(), "event log: " + std::to_string(t.rows()) + " events of 3 orders in replication 0");
}

// A join waits for its last supplier; a delayed handoff's transit is on its handed_over row.
TEST(Events, JoinsWaitForTheirLastSupplierAndHandoffsCarryTheirTransit) {
  const std::string yaml = R"(
run: {horizon: 15, warmup: 0, replications: 1, seed: 1}
units: {u: {servers: 2}, v: {servers: 1}, w: {servers: 1}}
flows:
  f:
    arrivals: {interarrival: 10}
    tasks:
      a: {unit: u, service: 1}
      b: {unit: v, service: 2.5}
      j: {unit: w, service: 1, after: [a, b]}
links:
  - {from: a, to: j, delay: 0.25}
)";
  const Table t = run(eslabon::load_model_text(yaml, "<test>"), 1, true).events_table();
  bool join = false, transit = false;
  for (std::size_t i = 0; i < t.rows(); ++i) {
    if (str(t, "activity")[i] == "queued" && str(t, "task")[i] == "j") {
      // One order, at 10: a hands over at 11 + 0.25, b at 12.5; j waited 1.25 for b.
      EXPECT_DOUBLE_EQ(f64(t, "time")[i], 12.5);
      EXPECT_DOUBLE_EQ(f64(t, "wait_join")[i], 1.25);
      join = true;
    }
    if (str(t, "activity")[i] == "handed_over" && str(t, "handoff")[i] == "a->j") {
      EXPECT_DOUBLE_EQ(f64(t, "time")[i], 11.25);
      EXPECT_DOUBLE_EQ(f64(t, "wait_transit")[i], 0.25);
      transit = true;
    }
  }
  EXPECT_TRUE(join);
  EXPECT_TRUE(transit);
}

// The waits' parts are the engine's own causes of delay ("Where the time went"), order by order:
// on models with outages, shifts that close and preempt, and a delayed link, for every delivered
// order without rework, the queue, outage and closed parts at each unit and the transit of each
// link add up to that order's queue:UNIT, outage:UNIT, closed:UNIT and delay:LINK.
TEST(Events, WaitPartsAreTheEnginesCausesOrderByOrder) {
  namespace fs = std::filesystem;
  for (const char* name : {"configs/weak_link.yaml", "configs/office_hours.yaml"}) {
    SCOPED_TRACE(name);
    const eslabon::Model m = eslabon::load_model_file((fs::path(ESLABON_SOURCE_DIR) / name).string(),
                                                      {{"run.horizon", "3000"}, {"run.warmup", "300"}});
    const RunResult r = run(m, 1, true);
    const Table ev = r.events_table(), orders = r.orders_table(), delays = r.delays_table();
    using Key = std::tuple<std::string, std::int64_t, std::string>;  // flow, order, cause
    std::map<Key, double> truth, logged;
    std::set<std::pair<std::string, std::int64_t>> simple;  // delivered without rework
    for (std::size_t i = 0; i < orders.rows(); ++i)
      if (i64(orders, "lost")[i] == 0 && i64(orders, "reworks")[i] == 0)
        simple.insert({str(orders, "flow")[i], i64(orders, "order")[i]});
    for (std::size_t i = 0; i < delays.rows(); ++i) {
      const std::string& c = str(delays, "cause")[i];
      if (c.rfind("service:", 0) == 0 || c.rfind("rework:", 0) == 0) continue;
      truth[{str(delays, "flow")[i], i64(delays, "order")[i], c}] += f64(delays, "time")[i];
    }
    for (std::size_t i = 0; i < ev.rows(); ++i) {
      const Key base{str(ev, "flow")[i], i64(ev, "order")[i], ""};
      if (!simple.count({std::get<0>(base), std::get<1>(base)})) continue;
      auto add = [&](const std::string& cause, double v) {
        if (v > 0) logged[{std::get<0>(base), std::get<1>(base), cause}] += v;
      };
      const std::string& unit = str(ev, "unit")[i];
      if (str(ev, "job")[i] == "task") {
        add("queue:" + unit, f64(ev, "wait_queue")[i]);
        add("outage:" + unit, f64(ev, "wait_outage")[i]);
        add("closed:" + unit, f64(ev, "wait_closed")[i]);
      }
      if (str(ev, "activity")[i] == "handed_over") add("delay:" + str(ev, "handoff")[i], f64(ev, "wait_transit")[i]);
    }
    ASSERT_GT(simple.size(), 100u);
    std::size_t checked = 0;
    for (const auto& [key, value] : truth) {
      if (!simple.count({std::get<0>(key), std::get<1>(key)})) continue;
      EXPECT_NEAR(logged[key], value, 1e-9 * std::max(1.0, value)) << std::get<1>(key) << " " << std::get<2>(key);
      ++checked;
    }
    for (const auto& [key, value] : logged)
      EXPECT_TRUE(truth.count(key)) << "logged but no such cause: " << std::get<1>(key) << " " << std::get<2>(key);
    EXPECT_GT(checked, 100u);
  }
}

// Every defect is followed to its end: caught by an inspection (one defect_caught row each), or
// reaching the customer with its order (the order's `defects` in /orders), or neither.
TEST(Events, EveryDefectIsFollowedToItsEnd) {
  namespace fs = std::filesystem;
  const eslabon::Model m = eslabon::load_model_file((fs::path(ESLABON_SOURCE_DIR) / "configs/weak_link.yaml").string(),
                                                    {{"run.horizon", "4000"}, {"run.warmup", "400"}});
  const RunResult r = run(m, 1, true);
  const Table ev = r.events_table(), orders = r.orders_table();
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> escaped;
  std::map<std::int64_t, std::int64_t> made;  // defect -> caught
  std::size_t caught_rows = 0;
  for (std::size_t i = 0; i < ev.rows(); ++i) {
    const std::string& a = str(ev, "activity")[i];
    if (a == "defect_made") {
      EXPECT_FALSE(str(ev, "origin")[i].empty());
      made[i64(ev, "defect")[i]] = i64(ev, "caught")[i];
      if (i64(ev, "caught")[i] == 0) ++escaped[{str(ev, "flow")[i], i64(ev, "order")[i]}];
    }
    if (a == "defect_caught") {
      ++caught_rows;
      ASSERT_TRUE(made.count(i64(ev, "defect")[i])) << "caught before it was made";
      EXPECT_EQ(made[i64(ev, "defect")[i]], 1);
      EXPECT_EQ(i64(ev, "caught")[i], 1);
    }
  }
  std::size_t caught = 0, delivered_with = 0;
  for (const auto& [id, c] : made) caught += c == 1;
  EXPECT_EQ(caught, caught_rows);
  EXPECT_GT(caught, 50u);
  for (std::size_t i = 0; i < orders.rows(); ++i) {
    if (i64(orders, "lost")[i]) continue;
    const std::int64_t n = i64(orders, "defects")[i];
    delivered_with += n > 0;
    const std::pair<std::string, std::int64_t> order{str(orders, "flow")[i], i64(orders, "order")[i]};
    EXPECT_EQ(escaped[order], n) << order.second;
  }
  EXPECT_GT(delivered_with, 20u);
}

// The limits: the first N tagged orders of replication 0 only, by default; more replications on
// request; a cap of events cuts the log and says so.
TEST(Events, LimitsBoundTheLog) {
  const std::string yaml = R"(
run: {horizon: 200, warmup: 20, replications: 3, seed: 3}
units: {u: {servers: 2}}
flows: {f: {arrivals: {poisson: 1}, tasks: {a: {unit: u, service: {exponential: {mean: 1}}}}}}
)";
  const eslabon::Model m = eslabon::load_model_text(yaml, "<test>");
  const RunResult r = run(m, 3, true, 25, 1);
  const Table t = r.events_table();
  std::set<std::string> cases(str(t, "case").begin(), str(t, "case").end());
  EXPECT_EQ(cases.size(), 25u);
  for (std::int64_t rep : i64(t, "replication")) EXPECT_EQ(rep, 0);
  for (const std::string& c : cases) EXPECT_EQ(c.rfind("r0/f/", 0), 0u);
  EXPECT_NE(r.event_log_note().find("of the first 25 orders (of "), std::string::npos) << r.event_log_note();
  // The first 25 by arrival: every order arriving in the window before the last recorded one is recorded.
  double last = 0;
  for (std::size_t i = 0; i < t.rows(); ++i)
    if (str(t, "activity")[i] == "arrived") last = f64(t, "time")[i];
  std::size_t before = 0;
  const Table orders = r.orders_table();
  for (std::size_t i = 0; i < orders.rows(); ++i)
    before += i64(orders, "replication")[i] == 0 && f64(orders, "arrival")[i] <= last;
  EXPECT_EQ(before, 25u);
  const Table two = run(m, 3, true, 10, 2).events_table();
  const std::set<std::int64_t> reps(i64(two, "replication").begin(), i64(two, "replication").end());
  EXPECT_EQ(reps, (std::set<std::int64_t>{0, 1}));
  RunOptions o;
  o.threads = 1;
  o.events.on = true;
  o.events.max_events = 40;
  const RunResult cut = eslabon::run_model(m, o);
  EXPECT_EQ(cut.events_table().rows(), 40u);
  EXPECT_NE(cut.event_log_note().find("cut at its cap"), std::string::npos) << cut.event_log_note();
}

}  // namespace
