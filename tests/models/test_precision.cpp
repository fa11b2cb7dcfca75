// Warm-up and replications without guessing (README section of that name): MSER-5 on a pilot
// run (warmup: auto), the stopping rule (replications: {until: ...}) and run.max_wip.
//
// Exact checks: MSER-5 on series whose minimum is known by hand, the pilot's series against
// the KPIs the engine computes from the same run, the stopping rule against the same rule
// applied by brute force to a fixed run, and the max_wip stop of a model whose orders never
// leave. Statistical checks (fixed seeds; tolerances from the estimates' own intervals or from
// the binomial law): the start-up bias of an M/M/1 queue started empty, removed by the chosen
// warm-up; and the coverage of the stopping rule's interval over repeated runs.

#include <eslabon/core/confidence.hpp>
#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/results/run_result.hpp>
#include <models/results/until.hpp>
#include <models/results/warmup.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "run_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace eslabon;
using namespace eslabon_test;

// Every KPI of two replications, bit for bit (NaN included, which == would not equal).
bool same(const ReplicationResult& a, const ReplicationResult& b) {
  return std::memcmp(a.kpi.data(), b.kpi.data(), sizeof(double) * a.kpi.size()) == 0;
}

// --- MSER-5 -------------------------------------------------------------------------------

TEST(Mser5, ConstantSeriesCutsNothing) {
  const std::vector<double> xs(500, 3.0);
  const Mser m = mser5(xs);
  EXPECT_EQ(m.batches, 100u);
  EXPECT_EQ(m.truncated, 0u);  // every MSER(d) is 0: the smallest d wins the tie
  EXPECT_TRUE(m.settles());
}

TEST(Mser5, CutsExactlyTheTransient) {
  // 100 observations at 10, then +1, -1, +1, ... : batch means alternate 0.2 and -0.2 after
  // batch 20. Keeping any of the first 20 batches adds (10 - mean)^2 terms; cutting more than
  // 20 leaves MSER(d) = 0.04 / (k - d), which grows with d. So d* = 20 (100 observations).
  std::vector<double> xs(100, 10.0);
  for (int i = 0; i < 900; ++i) xs.push_back(i % 2 == 0 ? 1.0 : -1.0);
  const Mser m = mser5(xs);
  EXPECT_EQ(m.batches, 200u);
  EXPECT_EQ(m.truncated, 20u);
  EXPECT_TRUE(m.settles());
}

TEST(Mser5, ATrendPastHalfTheSeriesDoesNotSettle) {
  // A series still falling until 80% of its length: the minimum over the first half is at its
  // end, d* = floor(k/2): the run is too short.
  std::vector<double> xs;
  for (int i = 0; i < 1000; ++i) xs.push_back(i < 800 ? 1000.0 - i : 200.0);
  const Mser m = mser5(xs);
  EXPECT_EQ(m.truncated, m.batches / 2);
  EXPECT_FALSE(m.settles());
}

// --- the pilot ----------------------------------------------------------------------------

std::string mm1(double lambda, double horizon, const std::string& warmup, const std::string& replications,
                std::uint64_t seed) {
  return "run: {horizon: " + num(horizon) + ", warmup: " + warmup + ", replications: " + replications +
         ", seed: " + std::to_string(seed) +
         "}\nunits:\n  s: {servers: 1}\nflows:\n  f:\n    arrivals: {poisson: " + num(lambda) +
         "}\n    tasks:\n      t: {unit: s, service: {exponential: {mean: 1}}}\n";
}

TEST(WarmupAuto, PilotSeriesAgreeWithTheEnginesOwnFigures) {
  // The pilots are the replications kPilotReplication, kPilotReplication - 1, ... with warm-up 0.
  // Each slice series integrates the number in the system over [0, horizon], so the averaged
  // series' mean is the pilots' mean wip_mean; the lead-time series holds as many orders as the
  // pilot that delivered fewest, and the first of them is the average of the pilots' first.
  const Model m = load_model_text(mm1(0.8, 2000, "auto", "2", 5), "<test>");
  const PilotSeries s = pilot_series(m, 5, kPilotMin);
  double wip = 0, first = 0;
  double fewest = 1e300;
  SimOptions orders;
  orders.record_orders = true;
  for (std::size_t r = 0; r < kPilotMin; ++r) {
    ReplicationResult x = simulate(with_warmup(m, 0), 5, kPilotReplication - r, orders);
    wip += x.kpi[static_cast<int>(Kpi::WipMean)] / kPilotMin;
    fewest = std::min(fewest, x.kpi[static_cast<int>(Kpi::OrdersArrived)]);  // all delivered: a stable queue
    const auto& lead = x.orders.f64("lead_time");
    const auto& delivered = x.orders.f64("delivered");
    const auto it = std::min_element(delivered.begin(), delivered.end());
    first += lead[static_cast<std::size_t>(it - delivered.begin())] / kPilotMin;
  }
  double mean = 0;
  for (double x : s.wip) mean += x / static_cast<double>(s.wip.size());
  EXPECT_NEAR(mean, wip, 1e-9 * wip);
  EXPECT_EQ(static_cast<double>(s.lead.size()), fewest);
  EXPECT_NEAR(s.lead.front(), first, 1e-12 * first);
  for (std::size_t i = 1; i < s.delivered.size(); ++i) ASSERT_LE(s.delivered[i - 1], s.delivered[i]);
}

TEST(WarmupAuto, ReportedAndSharedByEveryReplication) {
  const Model m = load_model_text(mm1(0.8, 2000, "auto", "4", 5), "<test>");
  EXPECT_TRUE(m.run.warmup_auto);
  const RunResult one = run_text(mm1(0.8, 2000, "auto", "4", 5));
  ASSERT_TRUE(one.warmup_auto.has_value());
  EXPECT_EQ(one.warmup, one.warmup_auto->warmup);
  EXPECT_EQ(one.warmup_auto->pilots, kPilotMin);  // 4 replications: the fewest pilots
  EXPECT_EQ(one.warmup, choose_warmup(m, 5, kPilotMin).warmup);
  EXPECT_GT(one.warmup, 0);
  EXPECT_LE(one.warmup, 1000);
  // The same as a run with that warm-up written out, bit for bit, whatever the threads.
  RunOptions o;
  o.threads = 2;
  const RunResult two = run_model(with_warmup(m, one.warmup), o);
  ASSERT_EQ(one.replications.size(), two.replications.size());
  for (std::size_t i = 0; i < one.replications.size(); ++i) EXPECT_TRUE(same(one.replications[i], two.replications[i]));
}

// M/M/1 with rho = 0.9 started empty (horizon 2000, about 5 relaxation times 1/(1 - sqrt(rho))^2
// = 380): the first customers find a short queue, so lead times averaged from time 0 are biased
// low. W = 1 / (mu - lambda) = 10. With 4000 replications warm-up 0 misses it beyond its 99.9%
// interval (by about 0.45); the warm-up MSER-5 chooses from 100 pilots brings the estimate back
// inside that interval. Honestly: it removes most of the bias, not all (over seeds 1-8 the
// chosen warm-ups were 160-480, one capped at 1000, and the estimates 9.79-9.90, each interval
// covering 10); the check is that the remainder is small against the run's own precision.
TEST(WarmupAuto, RemovesTheStartUpBiasOfAnMM1StartedEmpty) {
  const double lambda = 0.9, w = 1 / (1 - lambda);
  const RunResult cold = run_text(mm1(lambda, 2000, "0", "4000", 11));
  const RunResult warm = run_text(mm1(lambda, 2000, "auto", "4000", 11));
  const Interval c = confidence_interval(kpi_values(cold, Kpi::LeadTimeMean), kLevel);
  const Interval a = confidence_interval(kpi_values(warm, Kpi::LeadTimeMean), kLevel);
  std::cout << "  warm-up 0: lead_time_mean " << g(c.mean) << ", 99.9% CI [" << g(c.low) << ", " << g(c.high) << "]; "
            << warm.warmup_auto->describe("hour") << ": " << g(a.mean) << ", bias removed "
            << g(100 * (1 - std::abs(a.mean - w) / std::abs(c.mean - w))) << "%\n";
  EXPECT_LT(c.high, w) << "warm-up 0 should be biased low";
  EXPECT_TRUE(Covers("M/M/1 W = 1/(mu - lambda) after warmup: auto", kpi_values(warm, Kpi::LeadTimeMean), w));
  EXPECT_LT(std::abs(a.mean - w), 0.5 * std::abs(c.mean - w));
  EXPECT_EQ(warm.warmup_auto->pilots, kPilotMax);
  EXPECT_FALSE(warm.warmup_auto->too_short());
}

// --- the stopping rule --------------------------------------------------------------------

// Fifty servers for a load of 5: nobody waits (Erlang C's waiting probability is below 1e-25),
// so an order's lead time is its exponential service, mean exactly 1.
std::string no_wait(const std::string& replications, std::uint64_t seed) {
  return "run: {horizon: 20, replications: " + replications + ", seed: " + std::to_string(seed) +
         "}\nunits:\n  s: {servers: 50}\nflows:\n  f:\n    arrivals: {poisson: 5}\n    tasks:\n"
         "      t: {unit: s, service: {exponential: {mean: 1}}}\n";
}

TEST(StoppingRule, StopsWhereTheRuleAppliedByHandStops) {
  const RunResult fixed = run_text(no_wait("60", 3));
  const std::vector<double> all = kpi_values(fixed, Kpi::LeadTimeMean);
  std::size_t by_hand = all.size();
  for (std::size_t n = 10; n <= all.size(); ++n)
    if (relative_half_width(std::span(all).first(n)) <= 0.04) {
      by_hand = n;
      break;
    }
  const RunResult rule = run_text(no_wait("{until: 0.04, max: 60}", 3));
  ASSERT_TRUE(rule.stopping.has_value());
  EXPECT_EQ(rule.stopping->used, by_hand);
  EXPECT_GT(by_hand, 10u);  // the rule did something
  EXPECT_LT(by_hand, 60u);
  EXPECT_TRUE(rule.stopping->met);
  EXPECT_LE(rule.stopping->achieved, 0.04);
  ASSERT_EQ(rule.replications.size(), by_hand);
  for (std::size_t i = 0; i < by_hand; ++i) EXPECT_TRUE(same(rule.replications[i], fixed.replications[i]));
}

TEST(StoppingRule, IndependentOfTheThreads) {
  const Model m = load_model_text(no_wait("{until: 0.03, max: 200}", 8), "<test>");
  RunOptions o;
  o.threads = 1;
  const RunResult one = run_model(m, o);
  o.threads = 2;
  const RunResult two = run_model(m, o);
  o.threads = 7;
  const RunResult seven = run_model(m, o);
  ASSERT_EQ(one.replications.size(), two.replications.size());
  ASSERT_EQ(one.replications.size(), seven.replications.size());
  for (std::size_t i = 0; i < one.replications.size(); ++i) {
    EXPECT_TRUE(same(one.replications[i], two.replications[i]));
    EXPECT_TRUE(same(one.replications[i], seven.replications[i]));
  }
  EXPECT_EQ(one.stopping->achieved, two.stopping->achieved);
}

TEST(StoppingRule, WarnsWhenMaxIsReached) {
  const RunResult r = run_text(no_wait("{until: 0.001, min: 5, max: 12}", 3));
  EXPECT_EQ(r.replications.size(), 12u);
  EXPECT_FALSE(r.stopping->met);
  EXPECT_GT(r.stopping->achieved, 0.001);
  EXPECT_NE(r.stopping->warning().find("max (12) reached"), std::string::npos) << r.stopping->warning();
}

// 200 independent runs (seeds 1..200) of the rule; the final 95% interval of each should cover
// the true mean 1 about 95% of the time. Binomial(200, 0.95): sd 1.54 percentage points; the test
// accepts 90.4%..99.6% (3 sd either side). A sequential rule tends to undercover a little (it
// stops more readily when the spread happens to be small); this one covered 186 of 200.
TEST(StoppingRule, CoverageStaysNear95PercentOverRepeatedRuns) {
  int covered = 0, runs = 200;
  double used = 0;
  for (int s = 1; s <= runs; ++s) {
    const RunResult r = run_text(no_wait("{until: 0.04, max: 500}", static_cast<std::uint64_t>(s)));
    const Interval iv = r.kpi(Kpi::LeadTimeMean);
    if (iv.low <= 1.0 && 1.0 <= iv.high) ++covered;
    used += static_cast<double>(r.replications.size());
  }
  const double rate = static_cast<double>(covered) / runs;
  std::cout << "  coverage " << covered << " / " << runs << " = " << g(rate) << "; replications used on average "
            << g(used / runs) << "\n";
  EXPECT_GE(rate, 0.904);
  EXPECT_LE(rate, 0.996);
}

// --- run.max_wip --------------------------------------------------------------------------

TEST(MaxWip, StopsWhenMoreOrdersThanTheLimitAreInTheSystem) {
  // One arrival an hour from t = 1, a service that never ends in the run: the 11th order, at
  // t = 11, is one more than max_wip = 10.
  const std::string text =
      "run: {horizon: 100, replications: 1, max_wip: 10}\nunits:\n  desk: {servers: 1}\n  idle: {servers: 1}\n"
      "flows:\n  f:\n    arrivals: {interarrival: {deterministic: {value: 1}}}\n    tasks:\n"
      "      t: {unit: desk, service: {deterministic: {value: 1000}}}\n";
  try {
    run_text(text);
    FAIL() << "no stop";
  } catch (const WipExceeded& e) {
    EXPECT_EQ(std::string(e.what()),
              "run.max_wip: more than 10 orders in the system at time 11 hours (replication 0): flow f has 10 open, "
              "unit desk holds 10 jobs (9 waiting); the model is probably unstable (see 'eslabon check'), or raise "
              "run.max_wip");
  }
  // 11 allowed: the same run goes on to the 12th.
  try {
    std::string eleven = text;
    run_text(eleven.replace(eleven.find("max_wip: 10"), 11, "max_wip: 11"));
    FAIL() << "no stop";
  } catch (const WipExceeded& e) {
    EXPECT_NE(std::string(e.what()).find("more than 11 orders in the system at time 12 hours"), std::string::npos);
  }
}

TEST(MaxWip, DefaultIsAMillionAndAStableModelNeverMeetsIt) {
  EXPECT_EQ(load_model_text(mm1(0.5, 100, "0", "2", 1), "<test>").run.max_wip, 1000000u);
  const std::string tight = "run: {horizon: 200, replications: 2, max_wip: 60}\n" +
                            mm1(0.5, 200, "0", "2", 1).substr(mm1(0.5, 200, "0", "2", 1).find("units:"));
  EXPECT_EQ(run_text(tight).replications.size(), 2u);
}

// --- the config ---------------------------------------------------------------------------

TEST(PrecisionConfig, BadInputMessages) {
  const std::string head = "run: {horizon: 100, ";
  const std::string tail =
      "}\nunits: {a: {servers: 1}}\nflows: {f: {arrivals: {poisson: 1}, tasks: {t: {unit: a, service: {exponential: "
      "{mean: 0.5}}}}}}\n";
  EXPECT_EQ(error_of(head + "warmup: autox" + tail),
            "m.yaml:1:29: run.warmup: expected a duration or auto, got 'autox' (did you mean 'auto'?)");
  EXPECT_EQ(error_of(head + "warmup: 200" + tail),
            "m.yaml:1:29: run.warmup: expected a duration shorter than run.horizon (100), got 200");
  EXPECT_EQ(error_of(head + "replications: {until: -1}" + tail),
            "m.yaml:1:43: run.replications.until: expected a number > 0 (the 95% CI half-width as a share of "
            "the KPI's mean, e.g. 0.02), got -1");
  EXPECT_EQ(error_of(head + "replications: {until: 0.02, min: 20, max: 10}" + tail),
            "m.yaml:1:63: run.replications.max: expected max >= min, got min 20 and max 10");
  {
    const std::string e = error_of(head + "replications: {until: 0.02, kpi: lead_time_man}" + tail);
    const std::string start =
        "m.yaml:1:54: run.replications.kpi: unknown KPI 'lead_time_man' (did you mean 'lead_time_mean'?); "
        "expected one of lead_time_mean, lead_time_p50, lead_time_p95, ";
    EXPECT_EQ(e.substr(0, start.size()), start);
    EXPECT_NE(e.find(", copq_per_order, "), std::string::npos) << e;  // every KPI is listed
  }
  EXPECT_EQ(error_of(head + "replications: {untl: 0.02}" + tail),
            "m.yaml:1:36: run.replications.untl: unknown key (did you mean 'until'?); expected one of until, kpi, "
            "min, max");
  EXPECT_EQ(error_of(head + "replications: {kpi: throughput}" + tail),
            "m.yaml:1:35: run.replications.until: missing; expected the target 95% CI half-width as a share of the "
            "mean, e.g. until: 0.02");
  EXPECT_EQ(error_of(head + "max_wip: 0" + tail),
            "m.yaml:1:30: run.max_wip: expected an integer from 1 to 4000000000, got 0");
  const Model m = load_model_text(head + "replications: {until: 0.05, kpi: throughput, min: 4}" + tail, "<test>");
  EXPECT_EQ(m.run.until, 0.05);
  EXPECT_EQ(m.run.until_kpi, "throughput");
  EXPECT_EQ(m.run.until_min, 4);
  EXPECT_EQ(m.run.until_max, 500);
  EXPECT_EQ(m.run.replications, 4);  // what compare, rank and sweep run
  // --replications N (an override of run.replications) turns the rule off.
  const Model n = load_model_text(head + "replications: {until: 0.05}" + tail, "<test>",
                                  {{"run.replications", "7", "--replications 7"}});
  EXPECT_EQ(n.run.until, 0);
  EXPECT_EQ(n.run.replications, 7);
}

}  // namespace
