// What fixing is worth (issue 9, item 3): the weak points rank lists, the Shapley attribution
// (exact sums, agreement with one-at-a-time effects where nothing interacts), scenario costs
// and net benefits, and the budget plan (greedy checked against exhaustive).
//
// Tolerance: identities (sums, a row against the runs it summarises) to 1e-9 relative;
// statistical agreement inside the paired 95% CI. Run time: a few seconds (short horizons,
// few replications).

#include <models/config/loader.hpp>
#include <models/studies/budget.hpp>
#include <models/studies/compare.hpp>
#include <models/studies/rank.hpp>
#include <models/studies/shapley.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using eslabon::BudgetPlan;
using eslabon::choose_within_budget;
using eslabon::ConfigError;
using eslabon::Kpi;
using eslabon::load_model_text;
using eslabon::RankSettings;
using eslabon::RunOptions;

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// --- budget ---------------------------------------------------------------------------------

double best_by_brute_force(const std::vector<double>& cost, const std::vector<double>& net, double budget) {
  double best = 0;
  for (unsigned m = 0; m < (1u << cost.size()); ++m) {
    double c = 0, n = 0;
    for (std::size_t i = 0; i < cost.size(); ++i)
      if (m >> i & 1) c += cost[i], n += net[i];
    if (c <= budget) best = std::max(best, n);
  }
  return best;
}

TEST(Budget, ExhaustiveFindsTheBestSetWithinTheBudget) {
  const std::vector<double> cost = {40, 30, 30, 10}, net = {50, 35, 35, -5};
  const BudgetPlan p = choose_within_budget(cost, net, 60);
  EXPECT_EQ(p.method, "exhaustive");
  EXPECT_EQ(p.chosen, (std::vector<std::size_t>{1, 2}));  // 70 beats 50 (the best return alone)
  EXPECT_EQ(p.cost, 60);
  EXPECT_EQ(p.net, 70);
  EXPECT_TRUE(choose_within_budget(cost, net, 5).chosen.empty());
  EXPECT_TRUE(choose_within_budget({1}, {kNaN}, 5).chosen.empty());  // no estimate: never chosen
}

TEST(Budget, GreedyByReturnIsFeasibleAndKeepsHalfOfTheExhaustiveOptimum) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> c(0, 100), n(-20, 100);
  int equal = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t k = 1 + rng() % 10;
    std::vector<double> cost(k), net(k);
    for (std::size_t i = 0; i < k; ++i) cost[i] = c(rng), net[i] = n(rng);
    const double budget = c(rng) * 2.5;
    const BudgetPlan exact = choose_within_budget(cost, net, budget);
    const BudgetPlan greedy = choose_within_budget(cost, net, budget, 0);
    EXPECT_TRUE(greedy.method == "greedy" || exact.chosen.empty());
    EXPECT_NEAR(exact.net, best_by_brute_force(cost, net, budget), 1e-9);
    EXPECT_LE(greedy.cost, budget);
    double sum = 0;
    for (std::size_t i : greedy.chosen) sum += net[i];
    EXPECT_NEAR(sum, greedy.net, 1e-9);
    EXPECT_LE(greedy.net, exact.net + 1e-9);
    EXPECT_GE(greedy.net, 0.5 * exact.net - 1e-9) << "trial " << trial;
    equal += std::fabs(greedy.net - exact.net) < 1e-9;
  }
  EXPECT_GT(equal, 200);  // and usually it is the optimum
}

// --- Shapley on known games -----------------------------------------------------------------

// v_r(S) = base_r - sum of a_i over S (+ b when players 0 and 1 are both fixed): an additive
// game with one interaction.
std::vector<double> game(std::uint64_t mask, const std::vector<double>& a, double b, std::size_t reps) {
  std::vector<double> v;
  for (std::size_t r = 0; r < reps; ++r) {
    double x = 100 + 3.0 * static_cast<double>(r);
    for (std::size_t i = 0; i < a.size(); ++i)
      if (mask >> i & 1) x -= a[i] * (1 + 0.1 * static_cast<double>(r));
    if ((mask & 3) == 3) x += b;
    v.push_back(x);
  }
  return v;
}

TEST(Shapley, ExactEnumerationSplitsAnInteractionEvenlyAndSumsToTheTotal) {
  const std::vector<double> a = {5, 3, 1, 0.5};
  const auto res = eslabon::shapley(4, [&](std::uint64_t m) { return game(m, a, 2.0, 6); });
  EXPECT_EQ(res.method, "exact");
  EXPECT_EQ(res.coalitions, 16u);
  double sum = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const double mean_a = a[i] * (1 + 0.1 * 2.5);      // the mean over r = 0..5 of a_i (1 + 0.1 r)
    const double want = mean_a - (i < 2 ? 1.0 : 0.0);  // b = 2 split between players 0 and 1
    EXPECT_NEAR(res.contribution[i].mean, want, 1e-12) << i;
    sum += res.contribution[i].mean;
  }
  EXPECT_NEAR(sum, res.total.mean, 1e-12 * std::fabs(res.total.mean));
}

TEST(Shapley, SampledOrdersStillSumExactlyAndCoverTheExactValues) {
  const std::vector<double> a = {5, 3, 1, 0.5, 2, 2, 4, 0.1, 0.7, 1.5};
  const auto f = [&](std::uint64_t m) { return game(m, a, 6.0, 8); };
  const auto exact = eslabon::shapley(10, f, 10);
  const auto sampled = eslabon::shapley(10, f, 8, 64, 3);
  EXPECT_EQ(sampled.method, "permutations");
  EXPECT_EQ(sampled.permutations, 64u);
  EXPECT_LT(sampled.coalitions, 1024u);
  double sum = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    sum += sampled.contribution[i].mean;
    EXPECT_LE(sampled.contribution[i].low, exact.contribution[i].mean) << i;
    EXPECT_GE(sampled.contribution[i].high, exact.contribution[i].mean) << i;
    if (i >= 2) {  // no interaction: every order gives the same marginal
      EXPECT_NEAR(sampled.contribution[i].mean, exact.contribution[i].mean, 1e-12);
    }
  }
  EXPECT_NEAR(sum, sampled.total.mean, 1e-12 * std::fabs(sampled.total.mean));
}

// --- rank on models -------------------------------------------------------------------------

std::string weak_link_text() {
  std::ifstream in(std::string(ESLABON_SOURCE_DIR) + "/configs/weak_link.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RunOptions few(int reps) {
  RunOptions o;
  o.replications = reps;
  o.seed = 3;
  o.threads = 2;
  return o;
}

std::vector<std::string> column(const eslabon::Table& t, const std::string& c) {
  return std::get<std::vector<std::string>>(t.find(c)->data);
}
std::vector<double> numbers(const eslabon::Table& t, const std::string& c) {
  return std::get<std::vector<double>>(t.find(c)->data);
}

TEST(Rank, ListsEveryKindOfWeakPointWithItsChange) {
  const auto m = load_model_text(weak_link_text(), "weak_link.yaml");
  std::vector<std::string> got;
  for (const auto& p : eslabon::weak_points(m)) {
    std::string change;
    for (const auto& o : p.fix) change += " " + o.path + "=" + o.value;
    got.push_back(p.kind + " " + p.name + ":" + change + (p.fault ? " (fault)" : ""));
  }
  const std::vector<std::string> want = {"defects purchase->produce: links.purchase->produce.defect=0 (fault)",
                                         "delay purchase->produce: links.purchase->produce.delay=0 (fault)",
                                         "defects take_order->purchase: links.take_order->purchase.defect=0 (fault)",
                                         "skip skip:produce: flows.standard.tasks.produce.skip=0 (fault)",
                                         "outages production: units.production.outages=null (fault)",
                                         "staffing sales: units.sales.servers=3",
                                         "staffing purchasing: units.purchasing.servers=3",
                                         "staffing production: units.production.servers=5",
                                         "staffing logistics: units.logistics.servers=4",
                                         "staffing service_desk: units.service_desk.servers=2",
                                         "complaints complaints: complaints.resolve=1",
                                         "scenario better_supplier: links.purchase->produce.defect=0.005",
                                         "scenario double_check: links.take_order->purchase.detect=0.95",
                                         "scenario fifth_machine: units.production.servers=5"};
  EXPECT_EQ(got, want);
}

TEST(Rank, ScenarioCostIsReadBesideTheChangesAndChecked) {
  const std::string base =
      "run: {horizon: 100}\nunits: {a: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.5}, tasks: {t: {unit: a, service: 1}}}}\n";
  const auto m = load_model_text(
      base + "scenarios: {two: {units.a.servers: 2, cost: 40}, free: {units.a.servers: 3}}\n", "s.yaml");
  ASSERT_EQ(m.scenarios.size(), 2u);
  EXPECT_EQ(m.scenarios[0].cost, 40);
  ASSERT_EQ(m.scenarios[0].changes.size(), 1u);  // cost is no change
  EXPECT_TRUE(std::isnan(m.scenarios[1].cost));
  try {
    load_model_text(base + "scenarios: {two: {units.a.servers: 2, cost: -1}}\n", "s.yaml");
    FAIL() << "accepted a negative cost";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "s.yaml:4:45: scenarios.two.cost: expected a cost per time unit >= 0, got -1");
  }
}

// Two flows on their own units, each with one weak link whose only cost is fix work: fixing
// one changes nothing of the other (random numbers are addressed by purpose) and every tagged
// order is delivered, so the costs add and each Shapley contribution is its one-at-a-time
// effect.
const char* kTwoFlows = R"(
run: {horizon: 3000, warmup: 200, replications: 4, seed: 5}
units: {A: {servers: 1, cost_per_hour: 50}, B: {servers: 1, cost_per_hour: 50},
        C: {servers: 1, cost_per_hour: 80}, D: {servers: 1, cost_per_hour: 80}}
flows:
  f: {arrivals: {poisson: 0.3}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},
      b: {unit: B, service: {exponential: {mean: 1}}, after: a}}}
  g: {arrivals: {poisson: 0.2}, tasks: {c: {unit: C, service: {exponential: {mean: 1}}},
      d: {unit: D, service: {exponential: {mean: 1}}, after: c}}}
links:
  - {from: a, to: b, defect: 0.3, detect: 1, on_detect: fix, fix_service: {exponential: {mean: 0.5}}}
  - {from: c, to: d, defect: 0.1, detect: 1, on_detect: fix, fix_service: {exponential: {mean: 2}}}
scenarios: {cheap: {links.a->b.defect: 0.1, cost: 1}, dear: {links.c->d.defect: 0, cost: 50},
            both: {links.a->b.defect: 0, links.c->d.defect: 0.05, cost: 5}}
)";

TEST(Rank, WithoutInteractionsShapleyIsTheOneAtATimeEffect) {
  const auto m = load_model_text(kTwoFlows, "two.yaml");
  RankSettings s;
  s.shapley = true;
  const auto r = eslabon::rank_weak_points(m, few(4), s);
  const auto kinds = column(r.table, "kind");
  const auto effect = numbers(r.table, "effect_mean"), lo = numbers(r.table, "effect_ci_low"),
             hi = numbers(r.table, "effect_ci_high"), phi = numbers(r.table, "shapley_mean"),
             ledger = numbers(r.table, "ledger");
  int faults = 0;
  double sum = 0;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i] != "defects") {
      EXPECT_TRUE(std::isnan(phi[i])) << kinds[i];  // staffing and scenarios are not attributed
      continue;
    }
    ++faults;
    sum += phi[i];
    EXPECT_GT(effect[i], 0);
    EXPECT_GE(phi[i], lo[i]);
    EXPECT_LE(phi[i], hi[i]);
    EXPECT_NEAR(phi[i], effect[i], 1e-9 * effect[i]);     // additive: equal but for rounding
    EXPECT_NEAR(ledger[i], effect[i], 1e-9 * effect[i]);  // the ledger books exactly these costs
  }
  EXPECT_EQ(faults, 2);
  EXPECT_EQ(r.attribution.method, "exact");
  EXPECT_EQ(r.attribution.coalitions, 4u);
  EXPECT_NEAR(sum, r.attribution.total.mean, 1e-9 * r.attribution.total.mean);
}

TEST(Rank, SampledOrdersAlsoSumExactlyOnAModel) {
  const auto m = load_model_text(kTwoFlows, "two.yaml");
  RankSettings s;
  s.shapley = true;
  s.exact_limit = 1;  // two faults: sampled orders instead of the 4 coalitions
  const auto r = eslabon::rank_weak_points(m, few(4), s);
  EXPECT_EQ(r.attribution.method, "permutations");
  EXPECT_EQ(r.attribution.permutations, eslabon::kShapleyPermutations);
  const auto phi = numbers(r.table, "shapley_mean"), effect = numbers(r.table, "effect_mean");
  double sum = 0;
  for (std::size_t i = 0; i < phi.size(); ++i)
    if (!std::isnan(phi[i])) {
      sum += phi[i];
      EXPECT_NEAR(phi[i], effect[i], 1e-9 * effect[i]);  // additive: every order gives the effect
    }
  EXPECT_NEAR(sum, r.attribution.total.mean, 1e-9 * r.attribution.total.mean);
}

TEST(Rank, ShapleyContributionsSumExactlyToBaseMinusEverythingFixed) {
  const auto m =
      load_model_text(weak_link_text(), "weak_link.yaml", {{"run.horizon", "2500", ""}, {"run.warmup", "300", ""}});
  RankSettings s;
  s.shapley = true;
  const RunOptions o = few(3);
  const auto r = eslabon::rank_weak_points(m, o, s);
  double sum = 0;
  for (double x : numbers(r.table, "shapley_mean"))
    if (!std::isnan(x)) sum += x;
  EXPECT_EQ(r.attribution.coalitions, 32u);  // 5 faults: 2^5 coalitions
  EXPECT_NEAR(sum, r.attribution.total.mean, 1e-9 * std::fabs(r.attribution.total.mean));
  // The total is base - everything fixed, run by hand.
  std::vector<eslabon::Override> all;
  for (const auto& p : eslabon::weak_points(m))
    if (p.fault) all.insert(all.end(), p.fix.begin(), p.fix.end());
  const auto base = eslabon::run_model(m, o),
             fixed = eslabon::run_model(load_model_text(m.config_text, m.source, all), o);
  std::vector<double> d;
  for (std::size_t i = 0; i < base.replications.size(); ++i)
    d.push_back(base.replications[i].kpi[static_cast<int>(Kpi::CopqPerOrder)] -
                fixed.replications[i].kpi[static_cast<int>(Kpi::CopqPerOrder)]);
  EXPECT_NEAR(r.attribution.total.mean, eslabon::confidence_interval(d).mean, 1e-12 * std::fabs(sum));
}

TEST(Rank, CostedScenariosGetNetBenefitAndABudgetPlan) {
  const auto m = load_model_text(kTwoFlows, "two.yaml");
  RankSettings s;
  s.budget = 10;
  const RunOptions o = few(4);
  const auto r = eslabon::rank_weak_points(m, o, s);
  const auto names = column(r.table, "name");
  const auto cost = numbers(r.table, "cost"), saving = numbers(r.table, "saving_mean"),
             net = numbers(r.table, "net_mean"), ret = numbers(r.table, "return_mean"),
             effect = numbers(r.table, "effect_mean");
  // saving = (base - fixed copq per order) x the base's throughput, replication by replication.
  const auto base = eslabon::run_model(m, o);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (std::isnan(cost[i])) {
      EXPECT_TRUE(std::isnan(net[i]));
      continue;
    }
    const auto v = eslabon::run_model(eslabon::scenario_model(m, names[i]), o);
    double want = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const auto& b = base.replications[k].kpi;
      want += (b[static_cast<int>(Kpi::CopqPerOrder)] - v.replications[k].kpi[static_cast<int>(Kpi::CopqPerOrder)]) *
              b[static_cast<int>(Kpi::Throughput)] / 4;
    }
    EXPECT_NEAR(saving[i], want, 1e-9 * std::fabs(want)) << names[i];
    EXPECT_NEAR(net[i], want - cost[i], 1e-9 * std::fabs(want)) << names[i];
    EXPECT_NEAR(ret[i], net[i] / cost[i], 1e-12) << names[i];
    EXPECT_GT(effect[i], 0);
  }
  // The plan is the exhaustive answer on the rows' estimates.
  std::vector<double> c, n;
  std::vector<std::string> nm;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (!std::isnan(cost[i])) c.push_back(cost[i]), n.push_back(net[i]), nm.push_back(names[i]);
  const BudgetPlan want = choose_within_budget(c, n, 10);
  std::vector<std::string> chosen;
  for (std::size_t i : want.chosen) chosen.push_back(nm[i]);
  EXPECT_TRUE(r.planned);
  EXPECT_EQ(r.plan_names, chosen);
  EXPECT_FALSE(chosen.empty());
  EXPECT_LE(r.plan.cost, 10);
}

}  // namespace
