// The lead-time estimates of `eslabon check` (models/studies/lead_time.hpp; README "Lead times
// without simulating") against closed forms and against simulation.
//
// 1. Jackson networks (Poisson arrivals, exponential work of one mean per unit, Bernoulli rework
//    fed back): the estimate must be exact, so it must equal the closed form computed here from
//    Erlang C and lie in the 99.9% Student-t interval of the simulated lead_time_mean (the oracle's
//    tolerance, oracle.hpp). With rework, each visit's sojourn is that of an M/M/c at the fed-back
//    rate and the lead time counts the expected 1 / (1 - q) passes.
// 2. QNA (general work, outages, weak links) on configs/chain.yaml and configs/weak_link.yaml: within
//    10% of the simulated lead_time_mean, the late share within 0.05 (the figures are printed).
// 2b. The spread: exact for M/M/1, near the exact tail for a tandem of two M/M/1.
// 3. The critical path and the blast radius on configs/fork_join.yaml, exactly.

#include <models/config/loader.hpp>
#include <models/output/lead_time_json.hpp>
#include <models/studies/blast_radius.hpp>
#include <models/studies/check.hpp>
#include <models/studies/lead_time.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "run_text.hpp"

#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace {

using namespace eslabon_test;
using eslabon::Kpi;

constexpr int kReps = 30;

// M/M/c figures from Erlang C (oracle.hpp), for the closed forms.
struct MMc {
  int c;
  double lambda, mean;  // arrival rate, mean service
  double a() const { return lambda * mean; }
  double wq() const { return erlang_c(c, a()) * mean / (c - a()); }
  double w() const { return wq() + mean; }
  // Relaxation time (test_theory.cpp's header): the larger of E[S] and the M/M/1 value at c mu.
  double tau() const { return std::max(mean, 1.0 / std::pow(std::sqrt(c / mean) - std::sqrt(lambda), 2)); }
};

std::string exp_service(double mean) { return "{exponential: {mean: " + num(mean) + "}}"; }

std::string file_text(const std::string& path) {
  std::ifstream in(std::string(ESLABON_SOURCE_DIR) + "/" + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const eslabon::FlowLeadTime& flow_of(const eslabon::LeadTimes& lt, const std::string& name) {
  for (const auto& f : lt.flows)
    if (f.flow == name) return f;
  throw std::runtime_error("no flow " + name);
}

// The estimate against the closed form (to rounding) and the simulation's interval.
void expect_jackson(const std::string& yaml, double theory, double tau, double warmup, double window,
                    const std::string& what) {
  const eslabon::Model m = eslabon::load_model_text(yaml, "<test>");
  const eslabon::LeadTimes lt = eslabon::lead_times(m);
  for (std::size_t u = 0; u < lt.units.size(); ++u) EXPECT_TRUE(lt.units[u].exact) << m.units[u].name;
  EXPECT_TRUE(lt.flows[0].exact) << what;
  EXPECT_NEAR(lt.flows[0].estimate, theory, 1e-9 * theory) << what;
  std::cout << "  " << what << ": estimate " << g(lt.flows[0].estimate) << " (" << lt.flows[0].method()
            << "), closed form " << g(theory) << "\n";
  const eslabon::RunResult r = run_text(yaml);
  EXPECT_TRUE(Covers(what + ": simulated lead_time_mean vs the estimate", kpi_values(r, Kpi::LeadTimeMean),
                     lt.flows[0].estimate, transient_allowance(theory, tau, warmup, window)));
}

}  // namespace

// M/M/1 (rho 0.8) then M/M/3 (rho 0.8): Jackson, the lead time is the sum of the two sojourns.
TEST(LeadTimeJackson, TandemOfMM1AndMM3) {
  const MMc a{1, 0.8, 1.0}, b{3, 0.8, 3.0};
  const double tau = std::max(a.tau(), b.tau()), warmup = std::ceil(30 * tau), window = 60000;
  const std::string yaml = "name: tandem\n" + run_block(warmup, window, kReps, 611) +
                           "units:\n  one: {servers: 1}\n  three: {servers: 3}\n"
                           "flows:\n  orders:\n    arrivals: {poisson: 0.8}\n    tasks:\n"
                           "      first: {unit: one, service: " + exp_service(1.0) + "}\n"
                           "      second: {unit: three, service: " + exp_service(3.0) + ", after: first}\n";
  expect_jackson(yaml, a.w() + b.w(), tau, warmup, window, "M/M/1 -> M/M/3 tandem");
}

// Rework fed back: each handoff first -> second is caught defective with q = 0.2 (detect 1) and
// `first` is done again at its unit, own service. Unit one sees lambda / (1 - q) = 0.75 (M/M/1,
// rho 0.75); an order passes it 1 / (1 - q) times on average, then once through M/M/2.
TEST(LeadTimeJackson, ReworkFeedbackCountsThePasses) {
  const double q = 0.2, lambda = 0.6;
  const MMc a{1, lambda / (1 - q), 1.0}, b{2, lambda, 2.5};
  const double tau = std::max(a.tau(), b.tau()), warmup = std::ceil(30 * tau), window = 60000;
  const std::string yaml = "name: rework loop\n" + run_block(warmup, window, kReps, 612) +
                           "units:\n  one: {servers: 1}\n  two: {servers: 2}\n"
                           "flows:\n  orders:\n    arrivals: {poisson: " + num(lambda) + "}\n    tasks:\n"
                           "      first: {unit: one, service: " + exp_service(1.0) + "}\n"
                           "      second: {unit: two, service: " + exp_service(2.5) + ", after: first}\n"
                           "links:\n  - {from: first, to: second, defect: " + num(q) + ", detect: 1, on_detect: rework}\n";
  expect_jackson(yaml, a.w() / (1 - q) + b.w(), tau, warmup, window, "M/M/1 with rework (q 0.2) -> M/M/2");
}

// Routing: 30% of the orders go to an M/M/1 desk, 70% to an M/M/2 one, both Poisson (split), then
// all are shipped at an M/M/2. The lead time is the routes' sojourns weighted by their probabilities.
TEST(LeadTimeJackson, RoutesWeightedByTheirProbabilities) {
  const double lambda = 1.0;
  const MMc take{2, lambda, 1.5}, express{1, 0.3 * lambda, 2.0}, standard{2, 0.7 * lambda, 2.4}, ship{2, lambda, 1.4};
  const double tau = std::max({take.tau(), express.tau(), standard.tau(), ship.tau()});
  const double warmup = std::ceil(30 * tau), window = 40000;
  const std::string yaml =
      "name: routes\n" + run_block(warmup, window, kReps, 613) +
      "units:\n  sales: {servers: 2}\n  express_desk: {servers: 1}\n  production: {servers: 2}\n"
      "  logistics: {servers: 2}\n"
      "flows:\n  orders:\n    arrivals: {poisson: 1}\n    tasks:\n"
      "      take: {unit: sales, service: " + exp_service(1.5) + ", next: {express: 0.3, standard: 0.7}}\n"
      "      express: {unit: express_desk, service: " + exp_service(2.0) + "}\n"
      "      standard: {unit: production, service: " + exp_service(2.4) + "}\n"
      "      ship: {unit: logistics, service: " + exp_service(1.4) + ", after: [express, standard]}\n";
  expect_jackson(yaml, take.w() + 0.3 * express.w() + 0.7 * standard.w() + ship.w(), tau, warmup, window,
                 "routed 30/70 between M/M/1 and M/M/2");
}

// The spread. In an M/M/1 the sojourn is exponential of rate mu - lambda: its sd equals its mean
// and P(T > due) = exp(-(mu - lambda) due), which the gamma law of shape 1 gives exactly; the
// simulated late share (1 - on_time_rate) must cover it at 99.9%.
TEST(LeadTimeSpread, MM1SojournIsExponential) {
  const MMc a{1, 0.5, 1.0};
  const double due = 3, tau = a.tau(), warmup = std::ceil(30 * tau), window = 40000;
  const std::string yaml = "name: mm1\n" + run_block(warmup, window, kReps, 615) +
                           "units:\n  one: {servers: 1}\n"
                           "flows:\n  orders:\n    due: " + num(due) + "\n    arrivals: {poisson: 0.5}\n    tasks:\n"
                           "      only: {unit: one, service: " + exp_service(1.0) + "}\n";
  const eslabon::Model m = eslabon::load_model_text(yaml, "<test>");
  const eslabon::FlowLeadTime& f = eslabon::check_model(m).lead_times.flows[0];
  const double late = std::exp(-(1 / a.mean - a.lambda) * due);
  EXPECT_NEAR(f.estimate, a.w(), 1e-9 * a.w());
  EXPECT_NEAR(f.sd, a.w(), 1e-9 * a.w());
  EXPECT_NEAR(f.late, late, 1e-9);
  std::vector<double> late_runs = kpi_values(run_text(yaml), Kpi::OnTimeRate);
  for (double& x : late_runs) x = 1 - x;
  std::cout << "  M/M/1 rho 0.5, due 3: late share " << g(f.late) << " (closed form " << g(late) << ")\n";
  EXPECT_TRUE(Covers("M/M/1 late share (1 - on_time_rate)", late_runs, f.late));
}

// Two M/M/1 in tandem (Jackson): the lead time is the sum of two independent exponentials of rates
// a and b, whose tail is (b e^(-a d) - a e^(-b d)) / (b - a). The estimate's mean and sd are exact;
// its gamma law of the same two moments is within 0.01 of that tail at every due from the mean
// to four times it (the figures are printed).
TEST(LeadTimeSpread, TandemOfTwoMM1NearTheHypoexponential) {
  const double lambda = 0.5, a = 1 / 1.0 - lambda, b = 1 / 1.5 - lambda;
  for (double due : {8.0, 12.0, 16.0, 24.0, 32.0}) {
    const std::string yaml = "name: tandem\n" + run_block(100, 1000, 2, 616) + "units:\n  one: {servers: 1}\n  two: {servers: 1}\n"
                             "flows:\n  orders:\n    due: " + num(due) + "\n    arrivals: {poisson: 0.5}\n    tasks:\n"
                             "      first: {unit: one, service: " + exp_service(1.0) + "}\n"
                             "      second: {unit: two, service: " + exp_service(1.5) + ", after: first}\n";
    const eslabon::FlowLeadTime& f = eslabon::check_model(eslabon::load_model_text(yaml, "<test>")).lead_times.flows[0];
    const double exact = (b * std::exp(-a * due) - a * std::exp(-b * due)) / (b - a);
    EXPECT_NEAR(f.estimate, 1 / a + 1 / b, 1e-9);
    EXPECT_NEAR(f.sd, std::sqrt(1 / (a * a) + 1 / (b * b)), 1e-9);
    std::cout << "  tandem, due " << g(due) << ": late share " << g(f.late) << ", hypoexponential " << g(exact) << "\n";
    EXPECT_NEAR(f.late, exact, 0.01) << due;
  }
}

// QNA on the example configs: within 10% of the simulated lead_time_mean, as their own run settings
// simulate it (the flow's mean over replications), and the late share within 0.05 of the simulated
// 1 - on_time_rate. The estimates are check_model's: the late shares settled with the customers.
void expect_within_ten_percent(const std::string& path, const std::vector<eslabon::Override>& changes = {}) {
  const std::string text = file_text(path);
  const eslabon::Model m = eslabon::load_model_text(text, path, changes);
  const eslabon::LeadTimes lt = eslabon::check_model(m).lead_times;
  eslabon::RunOptions o;
  o.threads = 1;
  const eslabon::RunResult r = eslabon::run_model(m, o);
  const eslabon::Interval sim = eslabon::confidence_interval(kpi_values(r, Kpi::LeadTimeMean), 0.95);
  const double est = lt.flows[0].estimate, rel = (est - sim.mean) / sim.mean;
  std::cout << "  " << path << ": estimate " << g(est) << " (" << lt.flows[0].method() << "), simulated "
            << g(sim.mean) << " [" << g(sim.low) << ", " << g(sim.high) << "] (95%, " << sim.n
            << " replications), relative difference " << g(100 * rel) << "%\n";
  std::vector<double> late = kpi_values(r, Kpi::OnTimeRate);
  for (double& x : late) x = 1 - x;
  const eslabon::Interval sim_late = eslabon::confidence_interval(late, 0.95);
  std::cout << "    late share: estimate " << g(lt.flows[0].late) << " (sd " << g(lt.flows[0].sd) << "), simulated "
            << g(sim_late.mean) << " [" << g(sim_late.low) << ", " << g(sim_late.high) << "]\n";
  EXPECT_LT(std::abs(lt.flows[0].late - sim_late.mean), 0.05) << path << ": late share";
  for (std::size_t u = 0; u < m.units.size(); ++u)
    std::cout << "    unit " << m.units[u].name << ": wait " << g(lt.units[u].wait) << " c_a^2 "
              << g(lt.units[u].arrival_scv) << " c_s^2 " << g(lt.units[u].service_scv) << " "
              << lt.units[u].method() << "\n";
  EXPECT_LT(std::abs(rel), 0.10) << path;
}

TEST(LeadTimeQna, ChainWithinTenPercentOfSimulation) { expect_within_ten_percent("configs/chain.yaml"); }

// weak_link's finite base at the check's settled mean (about 396 of 400, the simulation's near 387:
// its churn comes in bursts), and with acquisition so fast that the base stays full.
TEST(LeadTimeQna, WeakLinkWithinTenPercentOfSimulation) {
  expect_within_ten_percent("configs/weak_link.yaml");
  expect_within_ten_percent("configs/weak_link.yaml", {{"flows.standard.arrivals.acquisition", "10", ""}});
}

// The other example configs with a task graph of their own: a join (the longest path of means) and routes.
TEST(LeadTimeQna, ForkJoinAndRoutingWithinTenPercentOfSimulation) {
  expect_within_ten_percent("configs/fork_join.yaml");
  expect_within_ten_percent("configs/routing.yaml");
}

// Outages stop every server at once. The wait adds, to the GI/G/c wait with the work stretched by
// 1 / A, E[D^2] / (2 (mtbf + E[D])) / (1 - lambda m / c): an arrival during a repair waits out its
// rest, and the backlog drains at the spare capacity. Within 10% of the simulated mean_wait at one
// server (where Hopp and Spearman's formula holds) and at four (where it misses by a third).
TEST(LeadTimeQna, OutagesWaitWithinTenPercentOfSimulation) {
  for (const auto& [servers, lambda, service] :
       std::vector<std::tuple<int, double, std::string>>{{1, 0.25, exp_service(3.2)},
                                                         {4, 0.8, "{lognormal: {mean: 3.2, cv: 0.5}}"}}) {
    const std::string yaml = "name: outages\n" + run_block(5000, 100000, 10, 614) + "units:\n  u: {servers: " +
                             std::to_string(servers) +
                             ", outages: {mtbf: 200, mttr: {exponential: {mean: 6}}}}\n"
                             "flows:\n  f:\n    arrivals: {poisson: " + num(lambda) + "}\n    tasks:\n"
                             "      t: {unit: u, service: " + service + "}\n";
    const eslabon::LeadTimes lt = eslabon::lead_times(eslabon::load_model_text(yaml, "<test>"));
    const eslabon::Interval sim =
        eslabon::confidence_interval(unit_values(run_text(yaml), 0, eslabon::UnitStat::MeanWait), 0.95);
    const double est = lt.units[0].wait;
    std::cout << "  outages at " << servers << " server(s): wait " << g(est) << ", simulated " << g(sim.mean) << " ["
              << g(sim.low) << ", " << g(sim.high) << "], " << g(100 * (est - sim.mean) / sim.mean) << "%\n";
    EXPECT_LT(std::abs(est - sim.mean) / sim.mean, 0.10) << servers;
  }
}

// configs/fork_join.yaml with a weak point of each kind: the critical path goes through design
// (gamma, mean 3h, two servers at utilisation 0.75) rather than buy (triangular, mean 1.11h), and
// each weak point reaches exactly the tasks after it.
eslabon::Model fork_join_with_weak_points() {
  return eslabon::load_model_text(
      file_text("configs/fork_join.yaml"), "configs/fork_join.yaml",
      {{"links",
        "[{from: design, to: make, defect: 0.05, detect: 0.8}, {from: take_order, to: buy, delay: {exponential: "
        "{mean: 1h}}}]",
        ""},
       {"flows.custom.tasks.buy.skip", "0.01", ""},
       {"units.engineering.outages", "{mtbf: 100h, mttr: {exponential: {mean: 2h}}}", ""}});
}

TEST(LeadTimeCriticalPath, ForkJoinGoesThroughDesign) {
  const eslabon::Model m = eslabon::load_model_text(file_text("configs/fork_join.yaml"), "configs/fork_join.yaml");
  const eslabon::LeadTimes lt = eslabon::lead_times(m);
  const eslabon::FlowLeadTime& f = flow_of(lt, "custom");
  std::vector<std::string> names;
  for (const auto& s : f.critical_path) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"take_order", "design", "make", "ship"}));
  // Each step is its task's time; they add up to the path's time, which is the estimate (no routing),
  // and the shares to 1. take_order is an M/M/1 (lambda 0.5, mean 0.5h): 1 / (mu - lambda) = 2/3 h.
  EXPECT_NEAR(f.critical_path[0].time, 1.0 / (2.0 - 0.5), 1e-12);
  EXPECT_EQ(std::string(lt.units[0].method()), "M/M/c");
  double sum = 0, shares = 0;
  for (std::size_t i = 0; i < f.critical_path.size(); ++i) {
    const std::size_t k = i == 0 ? 0 : i == 1 ? 1 : i + 1;  // take_order, design, make, ship
    EXPECT_DOUBLE_EQ(f.critical_path[i].time, f.tasks[k].total()) << names[i];
    sum += f.critical_path[i].time;
    shares += f.critical_path[i].share;
  }
  EXPECT_DOUBLE_EQ(f.critical_time, sum);
  EXPECT_DOUBLE_EQ(f.estimate, sum);
  EXPECT_NEAR(shares, 1.0, 1e-12);
  EXPECT_EQ(f.critical_share, 1.0);
  EXPECT_GT(f.tasks[1].total(), f.tasks[2].total());  // design outlasts buy
  EXPECT_FALSE(f.exact);  // a join, and general work
  // With the link design -> make, its handoff is a step of the path, between design and make.
  const eslabon::LeadTimes weak = eslabon::lead_times(fork_join_with_weak_points());
  names.clear();
  for (const auto& s : flow_of(weak, "custom").critical_path) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"take_order", "design", "design->make", "make", "ship"}));
}

TEST(LeadTimeBlastRadius, ForkJoinWeakPointsReachWhatFollowsThem) {
  const std::vector<eslabon::BlastRadius> b = eslabon::blast_radius(fork_join_with_weak_points());
  using V = std::vector<std::string>;
  ASSERT_EQ(b.size(), 4u);
  const struct {
    std::string name, kind;
    V faults, tasks, units;
  } want[] = {
      {"design->make", "link", {"defect"}, {"make", "ship"}, {"production", "logistics"}},
      {"take_order->buy", "link", {"delay"}, {"buy", "make", "ship"}, {"purchasing", "production", "logistics"}},
      {"skip:buy", "skip", {"skip"}, {"buy", "make", "ship"}, {"purchasing", "production", "logistics"}},
      {"engineering", "unit", {"outages"}, {"design", "make", "ship"}, {"engineering", "production", "logistics"}},
  };
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(b[i].name, want[i].name);
    EXPECT_EQ(b[i].kind, want[i].kind);
    EXPECT_EQ(b[i].faults, want[i].faults) << b[i].name;
    ASSERT_EQ(b[i].flows.size(), 1u) << b[i].name;
    EXPECT_EQ(b[i].flows[0].flow, "custom");
    EXPECT_EQ(b[i].flows[0].tasks, want[i].tasks) << b[i].name;
    EXPECT_EQ(b[i].flows[0].units, want[i].units) << b[i].name;
    EXPECT_EQ(b[i].flows[0].share, 1.0);
    EXPECT_EQ(b[i].flows[0].customers, 0);  // open demand
    EXPECT_DOUBLE_EQ(b[i].flows[0].order_rate, 0.5);
  }
}

// The JSON holds the same figures, null where a unit cannot keep up.
TEST(LeadTimeJson, SameFiguresAndNullWhenUnstable) {
  const eslabon::Model m = fork_join_with_weak_points();
  const nlohmann::json j = eslabon::lead_time_json(m);
  const eslabon::LeadTimes lt = eslabon::lead_times(m);
  EXPECT_DOUBLE_EQ(j["flows"]["custom"]["lead_time"].get<double>(), lt.flows[0].estimate);
  EXPECT_EQ(j["flows"]["custom"]["critical_path"]["steps"].size(), lt.flows[0].critical_path.size());
  EXPECT_EQ(j["blast_radius"].size(), 4u);
  EXPECT_EQ(j["units"]["sales"]["method"], "M/M/c");
  const nlohmann::json over = eslabon::lead_time_json(eslabon::load_model_text(
      file_text("configs/fork_join.yaml"), "f.yaml", {{"flows.custom.arrivals.poisson", "2", ""}}));
  EXPECT_TRUE(over["flows"]["custom"]["lead_time"].is_null());
  EXPECT_TRUE(over["units"]["engineering"]["wait"].is_null());
}
