// Impatience and urgency (README "Impatience and urgency"): reneging (flows.F.patience) and
// preemptive priority (discipline: preemptive). Against theory: Erlang-A (M/M/c+M) abandonment
// from its birth-death chain, and the two-class preemptive-resume M/M/1. Exact deterministic
// scenarios for the rules: who is preempted, where it goes back in the line, the work it
// resumes, the tie between a patience and a service end, a rework that reneges, the cost of an
// abandoned order and where it goes. Properties that make comparisons fair: a patience that
// never runs out, and preemption among equals, change nothing; the low class is invisible to
// the high one, outages and all. And the config's errors.

#include <models/config/config_error.hpp>
#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "run_text.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace eslabon_test;
using eslabon::DelayStat;
using eslabon::FlowStat;
using eslabon::Kpi;
using eslabon::OriginStat;
using eslabon::ReplicationResult;
using eslabon::RunResult;
using eslabon::UnitStat;

double K(const ReplicationResult& r, Kpi k) { return r.kpi[static_cast<int>(k)]; }
double U(const ReplicationResult& r, std::size_t u, UnitStat s) { return r.units.at(u)[static_cast<int>(s)]; }
double F(const ReplicationResult& r, std::size_t f, FlowStat s) { return r.flows.at(f)[static_cast<int>(s)]; }
double D(const ReplicationResult& r, std::size_t c) { return r.delays.at(c)[static_cast<int>(DelayStat::Time)]; }

std::vector<double> kpis(const RunResult& r, Kpi k) {
  std::vector<double> xs;
  for (const auto& rep : r.replications) xs.push_back(K(rep, k));
  return xs;
}
std::vector<double> units(const RunResult& r, std::size_t u, UnitStat s) {
  std::vector<double> xs;
  for (const auto& rep : r.replications) xs.push_back(U(rep, u, s));
  return xs;
}
std::vector<double> flows(const RunResult& r, std::size_t f, FlowStat s) {
  std::vector<double> xs;
  for (const auto& rep : r.replications) xs.push_back(F(rep, f, s));
  return xs;
}

// The same bits (NaN included: an empty figure is NaN in both).
template <class T>
bool same_bits(const T& a, const T& b) {
  const auto bytes = [](const T& x) {
    std::vector<unsigned char> out;
    for (const auto& row : x) {
      const auto* p = reinterpret_cast<const unsigned char*>(&row);
      out.insert(out.end(), p, p + sizeof row);
    }
    return out;
  };
  return bytes(a) == bytes(b);
}

}  // namespace

// --- reneging against Erlang-A -------------------------------------------------------------------

// M/M/c+M (Erlang-A; Palm 1943, Garnett, Mandelbaum & Reiman 2002): Poisson arrivals (lambda),
// c servers of rate mu, and each job that has to wait abandons after an exponential patience of
// rate theta unless served first. The number in the unit is a birth-death chain: birth lambda,
// death min(n, c) mu + max(n - c, 0) theta, solved here numerically (states 0..N, N far past any
// reachable queue). Abandonments happen at rate theta E[Q], so P(abandon) = theta E[Q] / lambda.
// The load (lambda / (c mu) = 1.2) is above 1: impatience alone keeps the queue stable. The
// relaxation time is of the order of 1 / min(mu, theta) = 4; the warm-up is 250 of them.
TEST(Reneging, ErlangAAbandonmentMatchesTheBirthDeathChain) {
  const double lambda = 1.2, mu = 0.5, theta = 0.25;
  const int c = 2, n_max = 2000;
  std::vector<double> p(n_max + 1);
  p[0] = 1;
  double sum = 1;
  for (int n = 1; n <= n_max; ++n) {
    const double death = std::min(n, c) * mu + std::max(n - c, 0) * theta;
    p[n] = p[n - 1] * lambda / death;
    sum += p[n];
  }
  double queue = 0;
  for (int n = 0; n <= n_max; ++n) queue += std::max(n - c, 0) * p[n] / sum;
  ASSERT_LT(p[n_max] / sum, 1e-300) << "N is far enough";
  const double p_abandon = theta * queue / lambda;
  ASSERT_NEAR(p_abandon, 0.29253, 1e-5) << "the chain";  // E[Q] = 1.40413

  const double warmup = 1000, window = 20000, tau = 1 / std::min(mu, theta);
  const RunResult r = run_text(
      "name: erlang-a\n" + run_block(warmup, window, 30, 2024) + "units: {desk: {servers: " + std::to_string(c) +
      "}}\n"
      "flows:\n  calls:\n    arrivals: {poisson: " +
      num(lambda) + "}\n    patience: {exponential: {mean: " + num(1 / theta) +
      "}}\n    tasks:\n      talk: {unit: desk, service: {exponential: {mean: " + num(1 / mu) + "}}}\n");
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  EXPECT_TRUE(Covers("abandon_rate = theta E[Q] / lambda", kpis(r, Kpi::AbandonRate), p_abandon, allow(p_abandon)));
  EXPECT_TRUE(Covers("mean_queue = E[Q]", units(r, 0, UnitStat::MeanQueue), queue, allow(queue)));
  std::vector<double> per_time;
  for (double x : units(r, 0, UnitStat::Abandoned)) per_time.push_back(x / window);
  EXPECT_TRUE(Covers("abandoned per time unit = theta E[Q]", per_time, theta * queue, allow(theta * queue)));
  for (const auto& rep : r.replications) {
    EXPECT_EQ(K(rep, Kpi::LossRate), K(rep, Kpi::AbandonRate)) << "no capacity: every loss is an abandonment";
    EXPECT_EQ(K(rep, Kpi::OrdersUnfinished), 0);
  }
}

// --- reneging, exactly ------------------------------------------------------------------------

namespace {

// Every 100 h: `a` takes the desk at t = 100 for 5 h; `b` is prepared at `side` for 1 h and
// joins the desk's line at 101 with the given patience. Ten orders of each flow are tagged.
std::string waiting_b(const std::string& patience, const std::string& more = "") {
  return "name: renege\nrun: {horizon: 1050, warmup: 50, replications: 2, seed: 1}\n"
         "units: {desk: {servers: 1}, side: {servers: 1}, side2: {servers: 1}}\n"
         "flows:\n"
         "  a: {arrivals: {interarrival: 100}, tasks: {work: {unit: desk, service: 5}}}\n"
         "  b:\n    arrivals: {interarrival: 100}\n    patience: " +
         patience +
         "\n    tasks:\n      prep: {unit: side, service: 1}\n      work: {unit: desk, service: 1, after: prep}\n" +
         more;
}

}  // namespace

// Patience 2: b gives up at 103, two hours before the desk is free; it is lost (loss_rate), an
// abandonment (abandon_rate, the desk's `abandoned`), and never waits in the desk's mean_wait.
// Patience 4 runs out at 105, when the desk frees: the service end comes first (events.hpp), so
// b is served, as with patience 5.
TEST(Reneging, AnOrderLeavesWhenItsPatienceRunsOutNotAtATie) {
  const RunResult leaves = run_text(waiting_b("2"));
  ASSERT_EQ(leaves.unit_names[0], "desk");
  for (const auto& rep : leaves.replications) {
    EXPECT_EQ(K(rep, Kpi::AbandonRate), 0.5);
    EXPECT_EQ(K(rep, Kpi::LossRate), 0.5);
    EXPECT_EQ(U(rep, 0, UnitStat::Abandoned), 10);
    EXPECT_EQ(U(rep, 0, UnitStat::Rejected), 0);
    EXPECT_EQ(U(rep, 0, UnitStat::MeanWait), 0) << "only a waited, and not at all";
    EXPECT_NEAR(U(rep, 0, UnitStat::MeanQueue), 2.0 / 100, 1e-12) << "b waited 2 h of every 100";
    EXPECT_EQ(F(rep, 1, FlowStat::LossRate), 1);
    EXPECT_EQ(K(rep, Kpi::OrdersUnfinished), 0);
  }
  for (const char* patience : {"4", "5", "{uniform: {min: 4, max: 6}}"}) {
    const RunResult stays = run_text(waiting_b(patience));
    for (const auto& rep : stays.replications) {
      EXPECT_EQ(K(rep, Kpi::AbandonRate), 0) << patience;
      EXPECT_EQ(U(rep, 0, UnitStat::Abandoned), 0) << patience;
      EXPECT_EQ(F(rep, 1, FlowStat::LeadTimeMean), 6) << patience << ": prep 1, wait 4, work 1";
    }
  }
}

// An abandoning order's other work: `b` forks after prep into the desk (where it reneges at 103)
// and `long` at side2 (10 h, in service then). The work in service is finished and dropped (it
// counts in side2's throughput); the order is counted lost once. costs.abandoned goes to the
// queue it gave up on, queue:desk, and is part of copq_per_order (per delivered order: a's).
TEST(Reneging, AbandonedOrderIsLostAndItsCostGoesToTheQueue) {
  const RunResult r =
      run_text(waiting_b("2", "      long: {unit: side2, service: 10, after: prep}\n") + "costs: {abandoned: 70}\n");
  std::size_t queue = index_of(r.origin_names, "queue:desk");
  std::size_t none = index_of(r.origin_names, "(unattributed)");
  for (const auto& rep : r.replications) {
    EXPECT_EQ(K(rep, Kpi::AbandonRate), 0.5);
    EXPECT_EQ(K(rep, Kpi::LossRate), 0.5);
    EXPECT_EQ(U(rep, 2, UnitStat::Throughput), 10.0 / 1000) << "side2 finished b's long tasks";
    EXPECT_EQ(K(rep, Kpi::CopqPerOrder), 70) << "one abandoned b per delivered a";
    EXPECT_EQ(rep.origins[queue][static_cast<int>(OriginStat::Copq)], 700);
    EXPECT_EQ(rep.origins[queue][static_cast<int>(OriginStat::CopqShare)], 1);
    EXPECT_EQ(rep.origins[none][static_cast<int>(OriginStat::Copq)], 0);
  }
}

// A rework job reneges like a task job. Every 100 h: b.first takes the desk [100, 101] and hands
// over to `check`, which always finds a defect and sends it back at once; a (prepared 0.5 h at
// side) joined the desk's line at 100.5 and takes the freed desk at 101 for 10 h (release
// before seize). The rework joins the line at 101 and its patience (3, drawn for attempt 1)
// runs out at 104. b.first itself never waited, so it drew no patience; a has none.
TEST(Reneging, ReworkJobsRenegeToo) {
  const RunResult r = run_text(
      "name: rework\nrun: {horizon: 1050, warmup: 50, replications: 1, seed: 1}\n"
      "units: {desk: {servers: 1}, side: {servers: 1}, check: {servers: 1}}\n"
      "flows:\n"
      "  a: {arrivals: {interarrival: 100}, tasks: {prep: {unit: side, service: 0.5},"
      " work: {unit: desk, service: 10, after: prep}}}\n"
      "  b:\n    arrivals: {interarrival: 100}\n    patience: 3\n    tasks:\n"
      "      first: {unit: desk, service: 1}\n      second: {unit: check, service: 1, after: first}\n"
      "links:\n  - {from: first, to: second, defect: 1, detect: 1, on_detect: rework}\n");
  const ReplicationResult& rep = r.replications.at(0);
  EXPECT_EQ(K(rep, Kpi::AbandonRate), 0.5);
  EXPECT_EQ(U(rep, 0, UnitStat::Abandoned), 10);
  EXPECT_NEAR(U(rep, 0, UnitStat::MeanQueue), (0.5 + 3) / 100, 1e-12) << "a waited 0.5 h, the rework 3 h";
  EXPECT_EQ(F(rep, 0, FlowStat::LeadTimeMean), 11);
}

// A patience that never runs out draws its numbers from a stream of its own and changes
// nothing else, bit for bit (its events are void when the jobs start).
TEST(Reneging, EndlessPatienceChangesNothing) {
  auto yaml = [](const std::string& patience) {
    return "name: mm2\nrun: {horizon: 5000, warmup: 500, replications: 3, seed: 9}\n"
           "units: {desk: {servers: 2}, back: {servers: 1, outages: {mtbf: 100, mttr: {exponential: {mean: 5}}}}}\n"
           "flows:\n  f:\n    arrivals: {poisson: 1.6}\n" +
           patience +
           "    tasks:\n      t: {unit: desk, service: {exponential: {mean: 1}}}\n"
           "      u: {unit: back, service: {exponential: {mean: 0.5}}, after: t}\n";
  };
  const RunResult base = run_text(yaml(""));
  const RunResult endless = run_text(yaml("    patience: 1e9\n"));
  const RunResult null = run_text(yaml("    patience: null\n"));
  for (std::size_t i = 0; i < base.replications.size(); ++i) {
    const ReplicationResult &b = base.replications[i], &e = endless.replications[i], &n = null.replications[i];
    EXPECT_TRUE(same_bits(b.kpi, e.kpi));
    EXPECT_TRUE(same_bits(b.units, e.units));
    EXPECT_TRUE(same_bits(b.flows, e.flows));
    EXPECT_TRUE(same_bits(b.delays, e.delays));
    EXPECT_TRUE(same_bits(b.kpi, n.kpi));
    EXPECT_EQ(b.events, e.events) << "a void abandonment is never due before the run ends";
    EXPECT_GT(e.peak_events, b.peak_events) << "but it waits in the event list";
  }
  EXPECT_GT(K(base.replications[0], Kpi::LeadTimeMean), 1.5) << "orders did wait";
}

// --- preemptive priority against theory ---------------------------------------------------------

// Preemptive-resume priority at one exponential server (rate mu for both classes), Poisson
// arrivals lambda1 (high) and lambda2 (low), rho1 = lambda1/mu, rho = (lambda1 + lambda2)/mu.
// The high class never sees the low one: an M/M/1 alone, mean sojourn 1 / (mu - lambda1). The
// low class's mean sojourn is (1/mu) / ((1 - rho1)(1 - rho)) (the preemptive-resume M/G/1
// priority formula, E[T_k] = E[S](1 - sigma_k) + R_k over (1 - sigma_{k-1})(1 - sigma_k) with
// R_k = sum_{i<=k} lambda_i E[S_i^2] / 2: Bose, An Introduction to Queueing Systems, Kluwer
// 2002, section 4.x on preemptive-resume priority, eqs. 4.49-4.51; Kleinrock, Queueing Systems
// vol. 2, section 3.7; with E[S^2] = 2/mu^2 it reduces to this). Work is conserved, so the
// unit's utilisation stays rho; and the time a low job spends preempted is queue:desk, so
// service:desk per order stays E[S] = 1/mu. Tolerance as in test_theory.cpp: the theory in the
// 99.9% t-interval over 30 replications, warm-up 30 tau, tau = 2 lambda E[S^2] / (1 - rho)^2.
TEST(Preemptive, TwoClassMM1SojournTimesMatchPreemptiveResume) {
  const double l1 = 0.3, l2 = 0.5, mu = 1.0, rho1 = l1 / mu, rho = (l1 + l2) / mu;
  const double t_high = 1 / (mu - l1), t_low = (1 / mu) / ((1 - rho1) * (1 - rho));
  const double tau = 2 * (l1 + l2) * (2 / (mu * mu)) / ((1 - rho) * (1 - rho));
  const double warmup = std::ceil(30 * tau), window = 100000;
  auto yaml = [&](const std::string& discipline) {
    return "name: two classes\n" + run_block(warmup, window, 30, 4711) +
           "units: {desk: {servers: 1, discipline: " + discipline +
           "}}\nflows:\n  high:\n    arrivals: {poisson: " + num(l1) +
           "}\n    priority: 1\n    tasks:\n      t: {unit: desk, service: {exponential: {mean: " + num(1 / mu) +
           "}}}\n  low:\n    arrivals: {poisson: " + num(l2) +
           "}\n    tasks:\n      t: {unit: desk, service: {exponential: {mean: " + num(1 / mu) + "}}}\n";
  };
  const RunResult r = run_text(yaml("preemptive"));
  ASSERT_EQ(r.flow_names, (std::vector<std::string>{"high", "low"}));
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  EXPECT_TRUE(Covers("high: sojourn 1/(mu - lambda1)", flows(r, 0, FlowStat::LeadTimeMean), t_high, allow(t_high)));
  EXPECT_TRUE(
      Covers("low: sojourn (1/mu)/((1-rho1)(1-rho))", flows(r, 1, FlowStat::LeadTimeMean), t_low, allow(t_low)));
  EXPECT_TRUE(Covers("utilisation = rho", units(r, 0, UnitStat::Utilisation), rho, allow(rho)));
  const std::size_t service = index_of(r.cause_names, "service:desk"), queue = index_of(r.cause_names, "queue:desk");
  std::vector<double> served;
  for (const auto& rep : r.replications) {
    served.push_back(D(rep, service));
    EXPECT_NEAR(D(rep, service) + D(rep, queue), K(rep, Kpi::LeadTimeMean), 1e-9 * K(rep, Kpi::LeadTimeMean));
  }
  EXPECT_TRUE(Covers("service:desk per order = 1/mu (preempted time is queue)", served, 1 / mu));

  // Non-preemptive priority on the same draws: the high class waits for the job in service.
  const RunResult np = run_text(yaml("priority"));
  const double w0 = (l1 + l2) / (mu * mu), t_high_np = w0 / (1 - rho1) + 1 / mu;
  EXPECT_TRUE(Covers("priority, high: W0/(1-rho1) + 1/mu (Cobham)", flows(np, 0, FlowStat::LeadTimeMean), t_high_np,
                     allow(t_high_np)));
}

// --- preemption, exactly ------------------------------------------------------------------------

namespace {

// Two servers at the desk; every 100 h, simultaneous arrivals in the order of the flows' names:
//   a (priority 0): the desk at 100 for 4 h;
//   b (priority 0): prepared 0.5 h, the desk at 100.5 for 4 h;
//   c (priority 0): prepared 0.75 h, joins the desk's line at 100.75 (both servers busy), 1 h;
//   d (priority 1): prepared 1 h, joins at 101 for 2 h: every server holds lower-priority work.
std::string four_flows(const std::string& discipline) {
  return "name: preempt\nrun: {horizon: 1050, warmup: 50, replications: 1, seed: 1}\n"
         "units: {desk: {servers: 2, discipline: " +
         discipline +
         "}, sb: {servers: 1}, sc: {servers: 1}, sd: {servers: 1}}\n"
         "flows:\n"
         "  a: {arrivals: {interarrival: 100}, tasks: {w: {unit: desk, service: 4}}}\n"
         "  b: {arrivals: {interarrival: 100},\n"
         "      tasks: {p: {unit: sb, service: 0.5}, w: {unit: desk, service: 4, after: p}}}\n"
         "  c: {arrivals: {interarrival: 100},\n"
         "      tasks: {p: {unit: sc, service: 0.75}, w: {unit: desk, service: 1, after: p}}}\n"
         "  d: {arrivals: {interarrival: 100}, priority: 1,\n"
         "      tasks: {p: {unit: sd, service: 1}, w: {unit: desk, service: 2, after: p}}}\n";
}

std::vector<double> leads(const RunResult& r) {
  std::vector<double> xs;
  for (std::size_t f = 0; f < r.flow_names.size(); ++f)
    xs.push_back(F(r.replications.at(0), f, FlowStat::LeadTimeMean));
  return xs;
}

}  // namespace

// d preempts b, the most recently started of the two equal-priority jobs (a started at 100):
// b has done 0.5 h of its 4 and goes back to the head of priority 0, ahead of c, which joined
// at 100.75. d [101, 103]; b resumes its remaining 3.5 h at 103 (not a new draw) [103, 106.5];
// a ends at 104 and c takes that server [104, 105]. Leads: a 4, b 6.5, c 5, d 3.
// Under non-preemptive priority d waits for the first free server: a [100, 104], b [100.5,
// 104.5], d [104, 106], c [104.5, 105.5]: leads 4, 4.5, 5.5, 6.
TEST(Preemptive, PreemptsTheLatestStartedLowestPriorityWhichResumesFirstInItsClass) {
  const RunResult pre = run_text(four_flows("preemptive"));
  EXPECT_EQ(leads(pre), (std::vector<double>{4, 6.5, 5, 3}));
  EXPECT_EQ(leads(run_text(four_flows("priority"))), (std::vector<double>{4, 4.5, 5.5, 6}));

  // Where the time went: b's 2 h preempted are queue:desk, its service:desk is its 4 h of work.
  // Per order (mean of the four): queue:desk (0 + 2 + 3.25 + 0) / 4, service:desk (4 + 4 + 1 +
  // 2) / 4. The desk's mean_wait is per service start, a resumption included: a 0, b 0, c
  // 3.25, d 0, b again 2 (since it was preempted): 5.25 / 5.
  const ReplicationResult& rep = pre.replications.at(0);
  EXPECT_NEAR(D(rep, index_of(pre.cause_names, "queue:desk")), 5.25 / 4, 1e-12);
  EXPECT_NEAR(D(rep, index_of(pre.cause_names, "service:desk")), 11.0 / 4, 1e-12);
  EXPECT_NEAR(U(rep, 0, UnitStat::MeanWait), 5.25 / 5, 1e-12);
  EXPECT_NEAR(U(rep, 0, UnitStat::Utilisation), (4 + 4 + 1 + 2) / 200.0, 1e-12);
}

// With every flow at the same priority nothing is ever preempted: `preemptive` is `priority`
// (first come, first served), bit for bit, outages included (the jobs in service are tracked
// for both).
TEST(Preemptive, AmongEqualsItIsPriorityBitForBit) {
  auto yaml = [](const std::string& discipline) {
    return "name: equals\nrun: {horizon: 5000, warmup: 500, replications: 3, seed: 12}\n"
           "units: {desk: {servers: 2, discipline: " +
           discipline +
           ", outages: {mtbf: 80, mttr: {exponential: {mean: 4}}}}}\n"
           "flows:\n"
           "  f: {arrivals: {poisson: 0.7}, priority: 2, tasks: {t: {unit: desk, service: {exponential: {mean: 1}}}}}\n"
           "  g: {arrivals: {poisson: 0.8}, priority: 2, tasks: {t: {unit: desk, service: {exponential: {mean: "
           "1}}}}}\n";
  };
  const RunResult pri = run_text(yaml("priority")), pre = run_text(yaml("preemptive")), fifo = run_text(yaml("fifo"));
  for (std::size_t i = 0; i < pri.replications.size(); ++i) {
    EXPECT_TRUE(same_bits(pri.replications[i].kpi, pre.replications[i].kpi));
    EXPECT_TRUE(same_bits(pri.replications[i].units, pre.replications[i].units));
    EXPECT_TRUE(same_bits(pri.replications[i].flows, pre.replications[i].flows));
    EXPECT_TRUE(same_bits(pri.replications[i].delays, pre.replications[i].delays));
    EXPECT_TRUE(same_bits(pri.replications[i].kpi, fifo.replications[i].kpi));
  }
}

// The high class never waits for the low one, so its orders have exactly the times they would
// have without the low class: the same arrivals, service draws and outages (draws.hpp), bit for
// bit, at two servers with outages (an arrival during an outage waits; at the repair it
// preempts low-priority work, as it would have found that server free) and with an impatient
// low class.
TEST(Preemptive, TheLowClassIsInvisibleToTheHighClass) {
  const std::string head =
      "name: invisible\nrun: {horizon: 20000, warmup: 1000, replications: 3, seed: 31}\n"
      "units: {desk: {servers: 2, discipline: preemptive, outages: {mtbf: 60, mttr: {exponential: {mean: 6}}}}}\n"
      "flows:\n"
      "  high: {arrivals: {poisson: 0.8}, priority: 1, due: 3, tasks: {t: {unit: desk, service: {exponential: {mean: "
      "1}}}}}\n";
  const std::string low =
      "  low: {arrivals: {poisson: 0.9}, patience: {exponential: {mean: 20}}, tasks: {t: {unit: desk, service: "
      "{gamma: {mean: 1, cv: 2}}}}}\n";
  const RunResult alone = run_text(head), both = run_text(head + low);
  for (std::size_t i = 0; i < alone.replications.size(); ++i) {
    const ReplicationResult &a = alone.replications[i], &b = both.replications[i];
    for (FlowStat s : {FlowStat::LeadTimeMean, FlowStat::LeadTimeP50, FlowStat::LeadTimeP95, FlowStat::OnTimeRate,
                       FlowStat::OrdersDelivered})
      EXPECT_EQ(F(a, 0, s), F(b, 0, s)) << eslabon::flow_stat_names()[static_cast<int>(s)];
    EXPECT_GT(F(b, 1, FlowStat::LeadTimeMean), 2 * F(b, 0, FlowStat::LeadTimeMean));
    EXPECT_GT(K(b, Kpi::AbandonRate), 0.01);
    EXPECT_EQ(K(b, Kpi::OrdersUnfinished), 0);
    double parts = 0;
    for (std::size_t c = 0; c < both.cause_names.size(); ++c) parts += D(b, c);
    EXPECT_NEAR(parts, K(b, Kpi::LeadTimeMean), 1e-9 * K(b, Kpi::LeadTimeMean)) << "with preemption and outages";
  }
}

// --- the config ------------------------------------------------------------------------------------

TEST(Impatience, ConfigLoadsAndErrors) {
  const std::string units = "run: {horizon: 10}\nunits: {desk: {servers: 1}}\n";
  const std::string task = "    tasks: {t: {unit: desk, service: 1}}\n";
  const eslabon::Model m = eslabon::load_model_text(
      units + "flows:\n  f:\n    arrivals: {poisson: 1}\n    patience: 30min\n" + task + "costs: {abandoned: 12}\n",
      "m.yaml");
  EXPECT_TRUE(m.flows[0].has_patience);
  EXPECT_EQ(m.flows[0].patience.mean(), 0.5);
  EXPECT_EQ(m.costs.abandoned, 12);
  EXPECT_FALSE(eslabon::load_model_text(units + "flows:\n  f:\n    arrivals: {poisson: 1}\n    patience: null\n" + task,
                                        "m.yaml")
                   .flows[0]
                   .has_patience);

  EXPECT_EQ(error_of(units + "flows:\n  f:\n    arrivals: {poisson: 1}\n    patience: -1\n" + task),
            "m.yaml:6:15: flows.f.patience: deterministic value: expected a number >= 0, got -1");
  EXPECT_EQ(
      error_of(units + "flows:\n  f:\n    arrivals: {poisson: 1}\n    patience: {exponential: {mean: 0}}\n" + task),
      "m.yaml:6:36: flows.f.patience.exponential.mean: expected a number > 0, got 0");
  EXPECT_EQ(error_of(units + "flows:\n  f:\n    arrivals: {poisson: 1}\n    patiense: 1\n" + task),
            "m.yaml:6:5: flows.f.patiense: unknown key (did you mean 'patience'?); expected one of arrivals, due, "
            "priority, value, tasks, patience");
  EXPECT_EQ(error_of(units + "flows:\n  f:\n    arrivals: {poisson: 1}\n" + task + "costs: {abandoned: -1}\n"),
            "m.yaml:7:20: costs.abandoned: expected a cost >= 0, got -1");
  EXPECT_EQ(error_of("run: {horizon: 10}\nunits: {desk: {servers: 1, discipline: preemtive}}\n"
                         "flows:\n  f:\n    arrivals: {poisson: 1}\n" +
                         task),
            "m.yaml:2:40: units.desk.discipline: expected fifo, priority, edf, spt or preemptive, got 'preemtive' (did "
            "you mean 'preemptive'?)");
}
