// Pressure (README "Pressure"; issue 10, feature 4): a unit's speed and error multipliers follow
// its load. A single exponential unit whose speed depends on the number in system is a
// birth-death chain (M/M/1 and M/M/2, by wip and by queue): its stationary law against the
// simulation, with the defects per handoff that departures see. Exact deterministic scenarios of
// the re-timing at a change of level (by queue, and by the moving average of utilisation). The
// vicious circle of configs/pressure.yaml: the same model stays low from empty and tips after a
// burst, and `check` says it can. Multipliers of 1 change nothing; rank; config errors.

#include <models/config/config_error.hpp>
#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/compare.hpp>
#include <models/studies/pressure.hpp>
#include <models/studies/rank.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "run_text.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace {

using namespace eslabon_test;
using eslabon::Kpi;
using eslabon::LinkStat;
using eslabon::ReplicationResult;
using eslabon::RunResult;
using eslabon::UnitStat;

double U(const ReplicationResult& r, std::size_t u, UnitStat s) { return r.units.at(u)[static_cast<int>(s)]; }

// The stationary law of a birth-death chain with birth rate lambda and death rate mu_n, cut
// where it no longer matters.
std::vector<double> birth_death(double lambda, const std::function<double(int)>& mu) {
  std::vector<double> p{1.0};
  double sum = 1.0;
  for (int n = 1; n < 2000; ++n) {
    p.push_back(p.back() * lambda / mu(n));
    sum += p.back();
    if (p.back() < 1e-16 * sum) break;
  }
  for (double& x : p) x /= sum;
  return p;
}

int level_of(const std::vector<double>& levels, double x) {
  int i = 0;
  while (i + 1 < static_cast<int>(levels.size()) && x >= levels[static_cast<std::size_t>(i) + 1]) ++i;
  return i;
}

std::string list(const std::vector<double>& v) {
  std::string s;
  for (double x : v) s += (s.empty() ? "" : ", ") + num(x);
  return "[" + s + "]";
}

struct Chain {
  std::string measure;  // wip or queue
  int servers;
  double lambda;
  std::vector<double> levels, speedup, errors;
};

// Unit A (c exponential servers of rate 1, speed by its pressure) hands every order to a
// quick unit B along a link with defect 0.05 that nobody inspects: A alone is the chain.
void check_chain(const Chain& c, std::uint64_t seed) {
  const double defect = 0.05;
  const std::string yaml = run_block(2000, 40000, 10, seed) + "units:\n  A: {servers: " + std::to_string(c.servers) +
                           ", pressure: {measure: " + c.measure + ", levels: " + list(c.levels) +
                           ", speedup: " + list(c.speedup) + ", errors: " + list(c.errors) +
                           "}}\n  B: {servers: 50}\n"
                           "flows: {f: {arrivals: {poisson: " +
                           num(c.lambda) +
                           "}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},\n"
                           "  b: {unit: B, service: {exponential: {mean: 0.01}}, after: a}}}}\n"
                           "links: [{from: a, to: b, defect: " +
                           num(defect) + ", detect: 0}]\n";
  // The measure in state n (orders at A): n itself, or the number waiting.
  auto measure = [&](int n) { return c.measure == "wip" ? n : std::max(0, n - c.servers); };
  auto level = [&](int n) { return static_cast<std::size_t>(level_of(c.levels, measure(n))); };
  const std::vector<double> p =
      birth_death(c.lambda, [&](int n) { return std::min(n, c.servers) * c.speedup[level(n)]; });
  double L = 0, busy = 0, speed = 0, top = 0, errors = 0;
  for (std::size_t n = 0; n < p.size(); ++n) {
    const int k = static_cast<int>(n);
    L += k * p[n];
    busy += std::min(k, c.servers) * p[n];
    speed += c.speedup[level(k)] * p[n];
    top += (level(k) + 1 == c.levels.size()) * p[n];
    // A departure leaves n behind with probability p[n] (what arrivals see, PASTA); the handoff
    // is drawn after the service end, at the level of the n left.
    errors += defect * c.errors[level(k)] * p[n];
  }
  const RunResult r = run_text(yaml);
  const std::size_t a = index_of(r.unit_names, "A"), ab = index_of(r.link_names, "a->b");
  std::vector<double> wip, util, sp, tp, defects;
  for (const auto& x : r.replications) {
    wip.push_back(U(x, a, UnitStat::MeanQueue) + U(x, a, UnitStat::MeanBusy));
    util.push_back(U(x, a, UnitStat::Utilisation));
    sp.push_back(U(x, a, UnitStat::PressureSpeed));
    tp.push_back(U(x, a, UnitStat::PressureTop));
    defects.push_back(x.links[ab][static_cast<int>(LinkStat::Defects)] /
                      x.links[ab][static_cast<int>(LinkStat::Handoffs)]);
  }
  const std::string tag = "M/M/" + std::to_string(c.servers) + " by " + c.measure + ": ";
  EXPECT_TRUE(Covers(tag + "number at A = sum n pi_n", wip, L));
  EXPECT_TRUE(Covers(tag + "utilisation = E[min(n, c)] / c", util, busy / c.servers));
  EXPECT_TRUE(Covers(tag + "pressure_speed = sum pi_n s(n)", sp, speed));
  EXPECT_TRUE(Covers(tag + "pressure_top = P(top level)", tp, top));
  EXPECT_TRUE(Covers(tag + "defects per handoff = sum pi_n p e(n)", defects, errors));
}

}  // namespace

// mu_n = mu s(n): the stationary law of the birth-death chain, by wip at one and at two servers,
// and by queue (the number waiting) at one.
TEST(Pressure, MM1SpeedupByWipIsItsBirthDeathChain) {
  check_chain({"wip", 1, 0.9, {0, 2, 5}, {1, 1.3, 1.6}, {1, 2, 4}}, 101);
}

TEST(Pressure, MM2SpeedupByWipIsItsBirthDeathChain) {
  check_chain({"wip", 2, 1.7, {0, 3, 6}, {1, 1.25, 1.5}, {1, 1.5, 3}}, 102);
}

TEST(Pressure, MM1SpeedupByQueueIsItsBirthDeathChain) {
  check_chain({"queue", 1, 0.85, {0, 1, 4}, {0.9, 1.2, 1.5}, {1, 3, 6}}, 103);
}

// Exact: an order every 2 h (the first at 2) with 3 h of work, speed 2 while one waits. Order k
// waits w = 1 - 2^-(k-1) h, works 2 - w h at speed 1 until the next order arrives and waits, then
// its last 1 + w h at speed 2: lead w + (2 - w) + (1 + w) / 2 = 3 - 2^-k (2.5, 2.75, 2.875,
// 2.9375 for the four orders of [0, 9)).
TEST(Pressure, ReTimingAtAChangeOfLevelIsExact) {
  const RunResult r = run_text(
      "run: {horizon: 9, warmup: 0, replications: 1, seed: 1}\n"
      "units: {A: {servers: 1, pressure: {measure: queue, levels: [0, 1], speedup: [1, 2], errors: [1, 1]}}}\n"
      "flows: {f: {arrivals: {interarrival: 2}, tasks: {a: {unit: A, service: 3}}}}\n");
  const ReplicationResult& x = r.replications.at(0);
  EXPECT_DOUBLE_EQ(x.kpi[static_cast<int>(Kpi::OrdersArrived)], 4);
  EXPECT_DOUBLE_EQ(x.kpi[static_cast<int>(Kpi::LeadTimeMean)], (2.5 + 2.75 + 2.875 + 2.9375) / 4);
  // Speed 2 on [4, 4.5), [6, 6.75), [8, 8.875): 2.125 h of the 9.
  EXPECT_DOUBLE_EQ(U(x, 0, UnitStat::PressureTop), 2.125 / 9);
  EXPECT_DOUBLE_EQ(U(x, 0, UnitStat::PressureSpeed), (9 + 2.125) / 9);
  EXPECT_DOUBLE_EQ(U(x, 0, UnitStat::PressureErrors), 1);
}

// Exact, by utilisation: a lone order of 4 h at t = 10. The moving average (time constant 1 h)
// rises from 0 towards 1 and crosses 0.5 after ln 2 h; the rest of the work, 4 - ln 2, is then
// done at speed 2: lead time ln 2 + (4 - ln 2) / 2 = 2 + ln 2 / 2.
TEST(Pressure, UtilisationCrossesItsLevelOnTime) {
  const RunResult r = run_text(
      "run: {horizon: 15, warmup: 0, replications: 1, seed: 1}\n"
      "units: {A: {servers: 1, pressure: {measure: utilisation, window: 1, levels: [0, 0.5], speedup: [1, 2]}}}\n"
      "flows: {f: {arrivals: {interarrival: 10}, tasks: {a: {unit: A, service: 4}}}}\n");
  const ReplicationResult& x = r.replications.at(0);
  EXPECT_DOUBLE_EQ(x.kpi[static_cast<int>(Kpi::OrdersArrived)], 1);
  EXPECT_NEAR(x.kpi[static_cast<int>(Kpi::LeadTimeMean)], 2 + std::log(2.0) / 2, 1e-12);
  // At the end (10 + lead) the average is 1 - 0.5 exp(-(lead - ln 2)) and falls below 0.5 after
  // ln(2 (1 - 0.5 exp(-(lead - ln 2)))) more: the top level's time, over the 15 h.
  const double lead = 2 + std::log(2.0) / 2, at_end = 1 - 0.5 * std::exp(-(lead - std::log(2.0)));
  const double high = (lead - std::log(2.0)) + std::log(at_end / 0.5);
  EXPECT_NEAR(U(x, 0, UnitStat::PressureTop), high / 15, 1e-12);
}

// Preemption keeps the remaining work: order f1 (4 h from 10) is preempted at 11 by h1 (4 h,
// higher priority) with 3 h of work left; f1 waiting raises the level (speed 2), so h1 takes 2 h
// (done at 13); f1 resumes at speed 1 with its 3 h: done at 16. Leads 2 and 6 (8 and 4 without).
TEST(Pressure, PreemptedWorkKeepsItsRemainingWork) {
  const RunResult r = run_text(
      "run: {horizon: 12, warmup: 0, replications: 1, seed: 1}\n"
      "units: {A: {servers: 1, discipline: preemptive, pressure: {measure: queue, levels: [0, 1], speedup: [1, 2]}}}\n"
      "flows:\n"
      "  f: {arrivals: {interarrival: 10}, tasks: {a: {unit: A, service: 4}}}\n"
      "  h: {arrivals: {interarrival: 11}, priority: 1, tasks: {a: {unit: A, service: 4}}}\n");
  const ReplicationResult& x = r.replications.at(0);
  const std::size_t f = index_of(r.flow_names, "f"), h = index_of(r.flow_names, "h");
  EXPECT_DOUBLE_EQ(x.flows.at(f)[static_cast<int>(eslabon::FlowStat::LeadTimeMean)], 6);
  EXPECT_DOUBLE_EQ(x.flows.at(h)[static_cast<int>(eslabon::FlowStat::LeadTimeMean)], 2);
}

// The vicious circle of configs/pressure.yaml: defects at assembly (5% at level 0, 15% from 10
// waiting, 75% from 30) come back as rework to the end of its queue. Offered load 0.63 at level 0
// but 1.92 at level 2 (check warns). From empty it stays calm for 40,000 h in every replication;
// with a burst of 4 orders an hour for 20 hours, every replication tips and stays at the top.
TEST(Pressure, TheViciousCircleHasTwoRegimes) {
  const std::string path = ESLABON_SOURCE_DIR "/configs/pressure.yaml";
  const eslabon::Model base = eslabon::load_model_file(path, {{"run.horizon", "40000"}, {"run.replications", "8"}});
  eslabon::RunOptions o;
  o.threads = 1;
  const RunResult calm = eslabon::run_model(base, o);
  const RunResult tipped = eslabon::run_model(eslabon::scenario_model(base, "burst"), o);
  const std::size_t a = index_of(calm.unit_names, "assembly");
  for (const auto& x : calm.replications) {
    EXPECT_LT(U(x, a, UnitStat::PressureTop), 1e-3);
    EXPECT_LT(U(x, a, UnitStat::MeanQueue), 2);
  }
  for (const auto& x : tipped.replications) {
    EXPECT_GT(U(x, a, UnitStat::PressureTop), 0.9);  // from the burst at 1,000 h to the end
    EXPECT_GT(U(x, a, UnitStat::MeanQueue), 1000);
  }
  const std::vector<eslabon::PressureLoad> loads = eslabon::pressure_loads(base);
  ASSERT_EQ(loads.size(), 1u);
  EXPECT_NEAR(loads[0].low, 0.6 / 0.95, 1e-12);
  EXPECT_NEAR(loads[0].high, 0.6 / (1 - 0.75) / 1.25, 1e-12);
  EXPECT_EQ(loads[0].level, 2u);
  EXPECT_NE(eslabon::pressure_warning(base).find("warning: unit assembly can tip under pressure"), std::string::npos);
  // Errors that only triple at the top (15%): 0.6 / 0.85 / 1.25 < 1, no regime to tip into.
  const eslabon::Model mild = eslabon::load_model_file(path, {{"units.assembly.pressure.errors", "[1, 3, 3]"}});
  EXPECT_EQ(eslabon::pressure_warning(mild), "");
  // A capacity of 25 keeps the queue under the top level (30 waiting): nothing to warn about.
  EXPECT_EQ(eslabon::pressure_warning(eslabon::load_model_file(path, {{"units.assembly.capacity", "25"}})), "");
}

// Multipliers of 1 are no pressure, bit for bit (but the pressure columns, empty without it).
TEST(Pressure, MultipliersOfOneChangeNothing) {
  const std::string plain =
      "run: {horizon: 3000, warmup: 100, replications: 2, seed: 4}\n"
      "units: {A: {servers: 2, outages: {mtbf: 50, mttr: 2}}, B: {servers: 1, discipline: preemptive}}\n"
      "flows: {f: {arrivals: {poisson: 1.2}, priority: 1, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},\n"
      "  b: {unit: B, service: {exponential: {mean: 0.5}}, after: a, skip: 0.1}}},\n"
      "  g: {arrivals: {poisson: 0.5}, tasks: {b: {unit: B, service: {exponential: {mean: 0.3}}}}}}\n"
      "links: [{from: a, to: b, defect: 0.1, detect: 0.5}]\n";
  std::string pressed = plain;
  pressed.replace(pressed.find("mttr: 2}}"), 9,
                  "mttr: 2}, pressure: {measure: wip, levels: [0, 3], speedup: [1, 1], errors: [1, 1]}}");
  pressed.replace(pressed.find("preemptive}"), 11,
                  "preemptive, pressure: {measure: utilisation, window: 2, levels: [0, 0.5]}}");
  const RunResult a = run_text(plain), b = run_text(pressed);
  for (std::size_t i = 0; i < a.replications.size(); ++i) {
    for (int k = 0; k < eslabon::kKpiCount; ++k) {
      const double x = a.replications[i].kpi[k], y = b.replications[i].kpi[k];
      EXPECT_TRUE((std::isnan(x) && std::isnan(y)) || x == y) << eslabon::kpi_names()[k];
    }
    for (std::size_t u = 0; u < 2; ++u) {
      EXPECT_EQ(U(a.replications[i], u, UnitStat::MeanQueue), U(b.replications[i], u, UnitStat::MeanQueue));
      EXPECT_TRUE(std::isnan(U(a.replications[i], u, UnitStat::PressureSpeed)));
      EXPECT_EQ(U(b.replications[i], u, UnitStat::PressureSpeed), 1);
    }
  }
}

// rank lists a pressure that raises errors or slows a unit down (fixed by pressure: null), not
// one that only speeds it up.
TEST(Pressure, RankSwitchesHarmfulPressureOff) {
  const eslabon::Model m = eslabon::load_model_text(
      "run: {horizon: 100}\n"
      "units: {A: {pressure: {measure: queue, levels: [0, 5], errors: [1, 2]}},\n"
      "        B: {pressure: {measure: queue, levels: [0, 5], speedup: [1, 1.3]}}}\n"
      "flows: {f: {arrivals: {poisson: 0.5}, tasks: {a: {unit: A, service: 1}, b: {unit: B, service: 1, after: a}}}}\n",
      "<p>");
  const auto w = eslabon::weak_points(m);
  auto has = [&](const std::string& name) {
    return std::any_of(w.begin(), w.end(), [&](const eslabon::WeakPoint& p) {
      return p.name == name && p.kind == "pressure" && p.fault && p.fix.size() == 1 &&
             p.fix[0].path == "units." + name + ".pressure" && p.fix[0].value == "null";
    });
  };
  EXPECT_TRUE(has("A"));
  EXPECT_FALSE(has("B"));
}

TEST(Pressure, ConfigErrors) {
  auto err = [](const std::string& pressure) {
    return error_of("run: {horizon: 100}\nunits:\n  A: {servers: 1, pressure: " + pressure +
                    "}\nflows: {f: {arrivals: {poisson: 1}, tasks: {a: {unit: A, service: 1}}}}\n");
  };
  EXPECT_EQ(err("{levels: [0, 5]}"),
            "m.yaml:3:29: units.A.pressure.measure: missing; expected queue, wip or utilisation");
  EXPECT_EQ(err("{measure: queu, levels: [0]}"),
            "m.yaml:3:39: units.A.pressure.measure: expected queue, wip or utilisation, got 'queu' (did you mean "
            "'queue'?)");
  EXPECT_EQ(err("{measure: queue, levels: [1, 5]}"),
            "m.yaml:3:55: units.A.pressure.levels[0]: expected 0 (the first level holds from no load), got 1");
  EXPECT_EQ(err("{measure: wip, levels: [0, 5, 5]}"),
            "m.yaml:3:59: units.A.pressure.levels[2]: expected a level above the one before (levels increase), got 5");
  EXPECT_EQ(err("{measure: wip, levels: [0, 5], speedup: [1]}"),
            "m.yaml:3:69: units.A.pressure.speedup: expected 2 values (one per level), got 1");
  EXPECT_EQ(err("{measure: wip, levels: [0, 5], errors: [1, 0]}"),
            "m.yaml:3:72: units.A.pressure.errors[1]: expected a multiplier > 0, got 0");
  EXPECT_EQ(err("{measure: utilisation, levels: [0, 0.5]}"),
            "m.yaml:3:29: units.A.pressure.window: missing; expected the time constant of the moving average of "
            "utilisation, e.g. window: 8h");
  EXPECT_EQ(err("{measure: queue, window: 8h, levels: [0]}"),
            "m.yaml:3:54: units.A.pressure.window: expected no window: it is for measure: utilisation");
  EXPECT_NE(err("{measure: wip, level: [0]}").find("unknown key (did you mean 'levels'?)"), std::string::npos);
  EXPECT_EQ(err("null"), "(no error)");
}
