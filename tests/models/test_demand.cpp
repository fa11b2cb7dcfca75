// Demand that changes over time (flows.F.arrivals.poisson: {rates, every} or {schedule}):
//   * theory: arrivals in each piece of the period, summed over the run, against the integrated
//     rate; the M(t)/M/inf occupancy at four phases of the period against its closed form in the
//     periodic steady state (both within the 99.9% interval of the replications);
//   * exact: thinning keeps common random numbers (a flat profile is {poisson: RATE} bit for bit;
//     raising one piece's rate, with the same largest rate, moves arrivals in that piece only); a
//     schedule's zero stretches get no order, and a rate 0 for ever stops the arrivals;
//   * the drift check on a periodic model whose halves are whole periods raises no alarm, and
//     the note for halves that are not;
//   * bad input, with its file:line:col message.

#include <models/config/loader.hpp>
#include <models/model/rate_profile.hpp>
#include <models/results/drift.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/analytic.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "run_text.hpp"

#include <cmath>
#include <string>
#include <variant>
#include <vector>

namespace {

using namespace eslabon_test;
using eslabon::Kpi;
using eslabon::RunResult;

RunResult run_recorded(const std::string& yaml, bool record_orders = true) {
  eslabon::RunOptions o;
  o.threads = 1;
  o.record_orders = record_orders;
  return eslabon::run_model(eslabon::load_model_text(yaml, "<test>"), o);
}

const std::vector<double>& f64(const eslabon::Table& t, const std::string& c) {
  return std::get<std::vector<double>>(t.find(c)->data);
}
const std::vector<std::int64_t>& i64(const eslabon::Table& t, const std::string& c) {
  return std::get<std::vector<std::int64_t>>(t.find(c)->data);
}

// One flow at an M/M/inf desk (1000 servers: nobody waits) with exponential service of rate mu.
std::string desk_model(const std::string& run, const std::string& poisson, double mu) {
  return "name: demand\n" + run +
         "units: {desk: {servers: 1000}}\n"
         "flows:\n  f:\n    arrivals: {poisson: " +
         poisson + "}\n    tasks:\n      serve: {unit: desk, service: {exponential: {mean: " + num(1 / mu) + "}}}\n";
}

// The periodic profile of the theory tests: period 4, one piece with rate 0.
const std::vector<double> kRates = {2, 8, 0, 4};
const double kEvery = 1, kPeriod = 4, kMu = 2;
const double kWarmup = 5 * kPeriod, kWindow = 100 * kPeriod;
const int kReps = 30;

std::string profile_model() {
  return desk_model(run_block(kWarmup, kWindow, kReps, 1010), "{rates: [2, 8, 0, 4], every: 1}", kMu);
}

// M(t)/M/inf: the mean number in system at time t is m(t) = integral of rate(s) exp(-mu (t - s)) ds
// over s < t. In the periodic steady state, at phase x of the period: the pieces of the current
// period up to x, plus every earlier period, each one exp(-mu P) times the one after it (a
// geometric series).
double occupancy(const std::vector<double>& rates, double every, double mu, double x) {
  const double P = every * static_cast<double>(rates.size());
  double m = 0, past = 0;
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const double a = every * static_cast<double>(i), b = a + every;
    if (a < x) m += rates[i] / mu * (std::exp(-mu * (x - std::min(b, x))) - std::exp(-mu * (x - a)));
    past += rates[i] / mu * (std::exp(-mu * (x + P - b)) - std::exp(-mu * (x + P - a)));
  }
  return m + past / (1 - std::exp(-mu * P));
}

}  // namespace

TEST(DemandProfile, OccupancyOracleIsRightForAConstantRate) {
  // A constant rate gives lambda / mu at every phase; a step up approaches its new level.
  for (double x : {0.0, 0.3, 1.7, 3.99}) EXPECT_NEAR(occupancy({3, 3, 3, 3}, 1, 2, x), 1.5, 1e-12) << x;
  EXPECT_NEAR(occupancy({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5}, 1, 10, 19.999),
              0.5 * (1 - std::exp(-9.99)), 1e-12);
}

TEST(DemandProfile, ThePieceOfATime) {
  eslabon::RateProfile p;
  p.rate = {1, 0, 3};
  p.every = 2;
  p.from = {0, 2, 4};
  p.finish();
  EXPECT_EQ(p.period, 6);
  EXPECT_EQ(p.max, 3);
  EXPECT_NEAR(p.mean, 4.0 / 3, 1e-15);
  EXPECT_EQ(p.at(0), 1);
  EXPECT_EQ(p.at(2), 0);
  EXPECT_EQ(p.at(5.9), 3);
  EXPECT_EQ(p.at(6), 1);
  EXPECT_EQ(p.at(6000 + 4.5), 3);
  EXPECT_TRUE(std::isinf(p.silent_from));
  eslabon::RateProfile s;
  s.from = {0, 10, 20, 30};
  s.rate = {2, 0, 3, 0};
  s.finish();
  EXPECT_EQ(s.period, 0);
  EXPECT_EQ(s.mean, 0);  // the last rate
  EXPECT_EQ(s.silent_from, 30);
  EXPECT_EQ(s.at(9.99), 2);
  EXPECT_EQ(s.at(10), 0);
  EXPECT_EQ(s.at(1e9), 0);
}

// Arrivals in piece i over the window's 100 periods are Poisson with mean rate_i x 1 x 100, one
// count per replication: rate_i must lie in the 99.9% interval of count / 100. The zero piece
// gets none at all.
TEST(DemandProfile, CountsPerPieceMatchTheIntegratedRate) {
  const RunResult r = run_recorded(profile_model());
  std::vector<std::vector<double>> per_piece(kRates.size());
  for (const auto& rep : r.replications) {
    std::vector<double> n(kRates.size(), 0);
    for (double t : f64(rep.orders, "arrival")) {
      ASSERT_GE(t, kWarmup);
      ASSERT_LT(t, kWarmup + kWindow);
      const double phase = std::fmod(t, kPeriod);
      n[static_cast<std::size_t>(phase / kEvery)] += 1;
    }
    for (std::size_t i = 0; i < n.size(); ++i) per_piece[i].push_back(n[i] / (kWindow / kPeriod * kEvery));
  }
  for (std::size_t i = 0; i < kRates.size(); ++i) {
    if (kRates[i] == 0) {
      for (double x : per_piece[i]) EXPECT_EQ(x, 0) << "piece " << i;
      continue;
    }
    EXPECT_TRUE(Covers("arrivals per time unit in piece " + std::to_string(i), per_piece[i], kRates[i]));
  }
  // And check/analytic's long-run rate is the period's mean (here 3.5 at one desk, E[S] = 0.5).
  const auto load = eslabon::offered_load(eslabon::load_model_text(profile_model(), "<test>"));
  EXPECT_NEAR(load[0].arrival_rate, 3.5, 1e-12);
  EXPECT_NEAR(load[0].work_rate, 1.75, 1e-12);
}

// The number in system N(t) = #{orders: arrival <= t < delivered}, read from the order records
// at phase x of every period from the third of the window on (orders that arrived before the
// warm-up, and so are not recorded, weigh exp(-mu 8) x m at most there: 1e-7 of it), averaged
// per replication.
TEST(DemandProfile, MtMInfOccupancyMatchesTheClosedForm) {
  const RunResult r = run_recorded(profile_model());
  for (double x : {0.5, 1.0, 1.5, 2.5, 3.5}) {
    std::vector<double> means;
    for (const auto& rep : r.replications) {
      const auto& arr = f64(rep.orders, "arrival");
      const auto& del = f64(rep.orders, "delivered");
      double sum = 0;
      int points = 0;
      for (double t = kWarmup + 2 * kPeriod + x; t < kWarmup + kWindow; t += kPeriod, ++points)
        for (std::size_t k = 0; k < arr.size(); ++k) sum += arr[k] <= t && t < del[k];
      means.push_back(sum / points);
    }
    EXPECT_TRUE(Covers("M(t)/M/inf mean number in system at phase " + g(x), means, occupancy(kRates, kEvery, kMu, x)));
  }
}

// Thinning draws its candidates exactly as {poisson: MAX} does and keeps each with its own
// number from the flow's thinning stream: all rates equal to MAX keep every candidate, so the run
// is {poisson: MAX}'s bit for bit.
TEST(DemandProfile, AFlatProfileIsThePlainPoissonRunBitForBit) {
  const std::string run = run_block(10, 200, 4, 7);
  const RunResult plain = run_recorded(desk_model(run, "3", kMu));
  const RunResult flat = run_recorded(desk_model(run, "{rates: [3, 3, 3], every: 2h}", kMu));
  const RunResult sched = run_recorded(desk_model(run, "{schedule: [[0, 3]]}", kMu));
  for (const RunResult* other : {&flat, &sched})
    for (std::size_t i = 0; i < plain.replications.size(); ++i) {
      EXPECT_EQ(f64(plain.replications[i].orders, "arrival"), f64(other->replications[i].orders, "arrival"));
      EXPECT_EQ(f64(plain.replications[i].orders, "delivered"), f64(other->replications[i].orders, "delivered"));
      EXPECT_EQ(plain.replications[i].events, other->replications[i].events);
    }
}

// Common random numbers: raising one piece's rate (with the same largest rate) changes which
// candidates that piece keeps and nothing else. Every order outside piece 2 keeps its number,
// its arrival time and its service time.
TEST(DemandProfile, RaisingOnePieceMovesArrivalsInThatPieceOnly) {
  const std::string run = run_block(0, 400, 3, 11);
  const RunResult low = run_recorded(desk_model(run, "{rates: [2, 8, 0, 4], every: 1}", kMu));
  const RunResult high = run_recorded(desk_model(run, "{rates: [2, 8, 5, 4], every: 1}", kMu));
  for (std::size_t i = 0; i < low.replications.size(); ++i) {
    auto outside = [](const eslabon::Table& t) {
      std::vector<std::tuple<std::int64_t, double, double>> rows;
      const auto& num = i64(t, "order");
      const auto& arr = f64(t, "arrival");
      const auto& lead = f64(t, "lead_time");
      for (std::size_t k = 0; k < arr.size(); ++k)
        if (static_cast<int>(std::fmod(arr[k], 4.0)) != 2) rows.emplace_back(num[k], arr[k], lead[k]);
      std::sort(rows.begin(), rows.end());
      return rows;
    };
    const auto a = outside(low.replications[i].orders), b = outside(high.replications[i].orders);
    EXPECT_GT(a.size(), 1000u);
    EXPECT_EQ(a, b) << "replication " << i;
    EXPECT_GT(high.replications[i].orders.rows(), low.replications[i].orders.rows() + 300);
  }
}

// A schedule: rate 2 until 10, none until 20, 3 until 30, none for ever after. No order arrives
// in a zero stretch, and after 30 the flow schedules no arrival at all: with a horizon of 10^9,
// thinning a rate that is 0 for ever would draw some 6 x 10^9 candidates (at the largest rate, 3,
// up to the run's cap of 2 x 10^9); instead the run ends as soon as the last order is served.
TEST(DemandSchedule, NoArrivalsWhenTheRateIsZero) {
  const RunResult r =
      run_recorded(desk_model(run_block(0, 1e9, 5, 3), "{schedule: [[0, 2], [10h, 0], [20, 3], [30, 0]]}", 1));
  for (const auto& rep : r.replications) {
    const auto& arr = f64(rep.orders, "arrival");
    double in_first = 0, in_third = 0;
    for (double t : arr) {
      EXPECT_TRUE((t >= 0 && t < 10) || (t >= 20 && t < 30)) << t;
      in_first += t < 10;
      in_third += t >= 20;
    }
    EXPECT_GT(in_first, 0);
    EXPECT_GT(in_third, 0);
    // One arrival and one service end per order: no event after the last one.
    EXPECT_EQ(rep.events, 2 * arr.size());
  }
}

// The drift check compares the halves of the window: each half here is 50 whole periods, so both
// see every phase alike and nothing drifts (throughput's halves differ by Poisson noise only).
TEST(DemandProfile, WholePeriodHalvesDoNotDrift) {
  const RunResult r = run_recorded(profile_model(), false);
  for (const auto& d : eslabon::drift_check(r))
    EXPECT_FALSE(d.drifting) << eslabon::kpi_names()[static_cast<int>(d.kpi)] << ": " << d.first << " -> " << d.second;
  EXPECT_EQ(eslabon::period_note(eslabon::load_model_text(profile_model(), "<test>")), "");
  const std::string off = desk_model(run_block(3, 402, 2, 1), "{rates: [2, 8, 0, 4], every: 1}", kMu);
  EXPECT_EQ(eslabon::period_note(eslabon::load_model_text(off, "<test>")),
            "note: the arrival rate of flow f repeats every 4 hours, but each half of the measurement window "
            "[3, 405) is 201 hours, not a whole number of periods: the drift check compares halves that see "
            "the rate differently (README \"Steady state\")");
}

TEST(DemandConfig, BadInputMessages) {
  auto model = [](const std::string& poisson) {
    return "name: m\nrun: {horizon: 100}\nunits: {desk: {servers: 1}}\nflows:\n  f:\n    arrivals: {poisson: " +
           poisson + "}\n    tasks: {t: {unit: desk, service: 1}}\n";
  };
  EXPECT_EQ(error_of(model("{rates: [1, 2], every: 1h}")), "(no error)");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{rates: [1, -2], every: 1h}",
       "m.yaml:6:37: flows.f.arrivals.poisson.rates.1: expected a rate >= 0 (arrivals per hour), got -2"},
      {"{rates: [1, 1e400], every: 1h}",
       "m.yaml:6:37: flows.f.arrivals.poisson.rates.1: expected a rate >= 0 (arrivals per hour), got 1e400"},
      {"{rates: [0, 0], every: 1h}",
       "m.yaml:6:33: flows.f.arrivals.poisson.rates: expected at least one rate > 0, got none"},
      {"{rates: [], every: 1h}",
       "m.yaml:6:33: flows.f.arrivals.poisson.rates: expected a non-empty list of rates, got an empty list"},
      {"{rates: [1], every: 0}", "m.yaml:6:45: flows.f.arrivals.poisson.every: expected a duration > 0, got 0"},
      {"{rates: [1], every: inf}", "m.yaml:6:45: flows.f.arrivals.poisson.every: expected a finite duration, got inf"},
      {"{rates: [1]}",
       "m.yaml:6:25: flows.f.arrivals.poisson: expected {rates: [RATE, ...], every: DURATION} or "
       "{schedule: [[FROM, RATE], ...]}, got the keys rates"},
      {"{rates: [1], evry: 1}",
       "m.yaml:6:38: flows.f.arrivals.poisson.evry: unknown key (did you mean 'every'?); expected one of rates, "
       "every, schedule"},
      {"{schedule: [[0, 1]], every: 1}",
       "m.yaml:6:25: flows.f.arrivals.poisson: expected {rates: [RATE, ...], every: DURATION} or "
       "{schedule: [[FROM, RATE], ...]}, got the keys schedule, every"},
      {"{schedule: [[1h, 1]]}",
       "m.yaml:6:38: flows.f.arrivals.poisson.schedule.0.0: expected the first piece to start at 0, got '1h'"},
      {"{schedule: [[0, 1], [5, 2], [5, 0]]}",
       "m.yaml:6:54: flows.f.arrivals.poisson.schedule.2.0: expected a time after the previous piece's (5), got 5"},
      {"{schedule: [[0, 1], 5]}",
       "m.yaml:6:45: flows.f.arrivals.poisson.schedule.1: expected a pair [FROM, RATE] (a time from which the rate "
       "holds, then the rate), got 5"},
      {"{schedule: [[0, 0], [3, 0]]}",
       "m.yaml:6:36: flows.f.arrivals.poisson.schedule: expected at least one rate > 0, got none"},
      {"[1, 2]", "m.yaml:6:25: flows.f.arrivals.poisson: expected a number, got a list"},
  };
  for (const auto& [poisson, want] : cases) EXPECT_EQ(error_of(model(poisson)), want) << poisson;
}
