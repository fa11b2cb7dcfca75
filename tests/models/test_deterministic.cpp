// Scenarios with exact answers: deterministic interarrival and service times, so every KPI
// can be computed by hand from the measurement rules of models/engine/simulate.hpp:
//   * the first arrival of a flow is at one interarrival time, then every A;
//   * orders arriving in [warmup, horizon) are tagged; lead times, on-time rate and loss rate
//     are over tagged orders, followed to delivery;
//   * time averages (WIP, utilisation, queue) and throughputs are over [warmup, horizon];
//   * at equal times a service end (class 0) comes before an external arrival (class 1),
//     and a freed server takes the waiting line before the finished task is routed on.
// Times are dyadic fractions so that all the engine's sums are exact in binary floating
// point; EXPECT_DOUBLE_EQ (4 ulps) is used, EXPECT_NEAR(.., 1e-9) where a ratio is taken of
// non-dyadic numbers.
//
// Also here: results are bit-identical for 1 and 2 threads, and for the same seed twice,
// while another seed gives different results.

#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using eslabon::Kpi;
using eslabon::ReplicationResult;
using eslabon::RunResult;
using eslabon::UnitStat;

// A window of 100 periods whose edges fall between events (event times here are multiples
// of 1/8), so counts do not depend on whether an edge is open or closed.
constexpr double kW = 10.0625, kH = 110.0625;

std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

RunResult run_yaml(const std::string& yaml, unsigned threads = 1, std::int64_t seed = -1, bool record = false) {
  eslabon::Model m = eslabon::load_model_text(yaml, "<test>");
  eslabon::RunOptions o;
  o.threads = threads;
  o.seed = seed;
  o.record_orders = record;
  return eslabon::run_model(m, o);
}

double K(const ReplicationResult& r, Kpi k) { return r.kpi[static_cast<int>(k)]; }
double U(const ReplicationResult& r, std::size_t u, UnitStat s) { return r.units[u][static_cast<int>(s)]; }
double F(const ReplicationResult& r, std::size_t f, eslabon::FlowStat s) { return r.flows.at(f)[static_cast<int>(s)]; }

// Per-flow statistics of a flow whose orders all have lead time `lead`, `n` of them in the window.
void expect_flow(const RunResult& r, std::size_t f, double lead, double n, double window) {
  using eslabon::FlowStat;
  for (const auto& rep : r.replications) {
    SCOPED_TRACE("flow " + r.flow_names.at(f) + ", replication " + std::to_string(rep.replication));
    EXPECT_DOUBLE_EQ(F(rep, f, FlowStat::LeadTimeMean), lead);
    EXPECT_DOUBLE_EQ(F(rep, f, FlowStat::LeadTimeP50), lead);
    EXPECT_DOUBLE_EQ(F(rep, f, FlowStat::LeadTimeP95), lead);
    EXPECT_DOUBLE_EQ(F(rep, f, FlowStat::OnTimeRate), 1.0);
    EXPECT_DOUBLE_EQ(F(rep, f, FlowStat::Throughput), n / window);
    EXPECT_DOUBLE_EQ(F(rep, f, FlowStat::OrdersDelivered), n);
    EXPECT_DOUBLE_EQ(F(rep, f, FlowStat::OrdersArrived), n);
    EXPECT_DOUBLE_EQ(F(rep, f, FlowStat::LossRate), 0.0);
  }
}

struct UnitExpect {
  double utilisation, mean_queue, mean_wait, throughput, mean_busy, rejected;
};

void expect_unit(const RunResult& r, std::size_t u, const UnitExpect& e) {
  for (const auto& rep : r.replications) {
    SCOPED_TRACE("unit " + r.unit_names[u] + ", replication " + std::to_string(rep.replication));
    EXPECT_DOUBLE_EQ(U(rep, u, UnitStat::Utilisation), e.utilisation);
    EXPECT_DOUBLE_EQ(U(rep, u, UnitStat::MeanQueue), e.mean_queue);
    // A running (Welford) mean: exact to rounding, not to the last bit.
    EXPECT_NEAR(U(rep, u, UnitStat::MeanWait), e.mean_wait, 1e-9);
    EXPECT_DOUBLE_EQ(U(rep, u, UnitStat::Throughput), e.throughput);
    EXPECT_DOUBLE_EQ(U(rep, u, UnitStat::MeanBusy), e.mean_busy);
    EXPECT_DOUBLE_EQ(U(rep, u, UnitStat::Rejected), e.rejected);
  }
}

// One flow of deterministic arrivals every A on units u0..; tasks given as YAML lines.
std::string model(double A, double warmup, double horizon, const std::string& units, const std::string& tasks,
                  const std::string& due = "") {
  return "name: deterministic\n"
         "run: {horizon: " +
         num(horizon) + ", warmup: " + num(warmup) +
         ", replications: 2, seed: 1}\n"
         "units:\n" +
         units + "flows:\n  orders:\n    arrivals: {interarrival: {deterministic: " + num(A) + "}}\n" +
         (due.empty() ? "" : "    due: " + due + "\n") + "    tasks:\n" + tasks;
}

// Checks the system KPIs of a periodic scenario where every order has lead time `lead` and
// `n` tagged orders arrive (and are delivered) in the window.
void expect_constant_lead(const RunResult& r, double lead, double n, double window, double on_time) {
  for (const auto& rep : r.replications) {
    SCOPED_TRACE("replication " + std::to_string(rep.replication));
    EXPECT_DOUBLE_EQ(K(rep, Kpi::LeadTimeMean), lead);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::LeadTimeP50), lead);  // a constant sample: its quantiles are exact
    EXPECT_DOUBLE_EQ(K(rep, Kpi::LeadTimeP95), lead);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OnTimeRate), on_time);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::Throughput), n / window);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::WipMean), lead * n / window);  // = lead / A
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OrdersDelivered), n);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OrdersArrived), n);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::LossRate), 0.0);
  }
}

}  // namespace

// --- D/D/1 -------------------------------------------------------------------------------------

// A = 1, S = 0.5, window [10.0625, 110.0625]: arrivals at 11..110 are tagged (100 orders),
// each served at once, lead 0.5; utilisation, WIP = S/A = 0.5; throughput = 1/A.
TEST(DeterministicDD1, LeadEqualsServiceUtilisationIsSOverA) {
  const std::string units = "  desk: {servers: 1}\n";
  const std::string tasks = "      serve: {unit: desk, service: {deterministic: 0.5}}\n";
  const RunResult r = run_yaml(model(1.0, kW, kH, units, tasks, "0.5"));
  ASSERT_EQ(r.replications.size(), 2u);
  expect_constant_lead(r, 0.5, 100, 100, 1.0);  // due == lead: on time (delivered <= due)
  expect_unit(r, 0, {0.5, 0.0, 0.0, 1.0, 0.5, 0.0});
}

TEST(DeterministicDD1, DueShorterThanLeadIsLate) {
  const std::string units = "  desk: {servers: 1}\n";
  const std::string tasks = "      serve: {unit: desk, service: {deterministic: 0.5}}\n";
  const RunResult r = run_yaml(model(1.0, kW, kH, units, tasks, "0.4375"));
  expect_constant_lead(r, 0.5, 100, 100, 0.0);
}

// A non-integer A (0.75), the window 100 periods long: 100 tagged orders;
// throughput = 1/A = 4/3, utilisation = WIP = S/A.
TEST(DeterministicDD1, ThroughputIsOneOverA) {
  const double A = 0.75, S = 0.5;
  const std::string units = "  desk: {servers: 1}\n";
  const std::string tasks = "      serve: {unit: desk, service: {deterministic: 0.5}}\n";
  const RunResult r = run_yaml(model(A, kW * A, kH * A, units, tasks));
  expect_constant_lead(r, S, 100, 100 * A, 1.0);
  for (const auto& rep : r.replications) {
    EXPECT_NEAR(K(rep, Kpi::Throughput), 1 / A, 1e-9);
    EXPECT_NEAR(K(rep, Kpi::WipMean), S / A, 1e-9);
  }
  expect_unit(r, 0, {S / A, 0.0, 0.0, 1 / A, S / A, 0.0});
}

// S == A: the server frees at the very time the next order arrives. Service end comes first
// ("release before seize"), so nobody ever waits and the server is busy all the time.
TEST(DeterministicDD1, ServiceEqualToInterarrivalNeverQueues) {
  const std::string units = "  desk: {servers: 1}\n";
  const std::string tasks = "      serve: {unit: desk, service: {deterministic: 1}}\n";
  // Window [10.5, 110.5]: no arrival or delivery on its edges; 100 tagged orders (11..110).
  const RunResult r = run_yaml(model(1.0, 10.5, 110.5, units, tasks));
  expect_constant_lead(r, 1.0, 100, 100, 1.0);
  expect_unit(r, 0, {1.0, 0.0, 0.0, 1.0, 1.0, 0.0});
}

// --- chains and graphs -------------------------------------------------------------------------

// a (0.25 at u1) -> b (0.5 at u2) -> c (0.125 at u3): lead = 0.875.
TEST(DeterministicChain, LeadTimeIsSumOfTasks) {
  const std::string units = "  u1: {servers: 1}\n  u2: {servers: 1}\n  u3: {servers: 1}\n";
  const std::string tasks =
      "      a: {unit: u1, service: {deterministic: 0.25}}\n"
      "      b: {unit: u2, service: {deterministic: 0.5}, after: a}\n"
      "      c: {unit: u3, service: {deterministic: 0.125}, after: [b]}\n";
  const RunResult r = run_yaml(model(1.0, kW, kH, units, tasks));
  expect_constant_lead(r, 0.875, 100, 100, 1.0);
  expect_unit(r, 0, {0.25, 0.0, 0.0, 1.0, 0.25, 0.0});
  expect_unit(r, 1, {0.5, 0.0, 0.0, 1.0, 0.5, 0.0});
  expect_unit(r, 2, {0.125, 0.0, 0.0, 1.0, 0.125, 0.0});
}

// The same chain on one unit: the three tasks of an order run back to back at one server.
TEST(DeterministicChain, ChainOnOneUnit) {
  const std::string units = "  u: {servers: 1}\n";
  const std::string tasks =
      "      a: {unit: u, service: {deterministic: 0.25}}\n"
      "      b: {unit: u, service: {deterministic: 0.5}, after: a}\n"
      "      c: {unit: u, service: {deterministic: 0.125}, after: b}\n";
  const RunResult r = run_yaml(model(1.0, kW, kH, units, tasks));
  expect_constant_lead(r, 0.875, 100, 100, 1.0);
  // Three jobs per order, 300 in the window.
  expect_unit(r, 0, {0.875, 0.0, 0.0, 3.0, 0.875, 0.0});
}

// s (0.25) forks into x (0.5) and y (0.25) -> z (0.5); j (0.125) joins x and z.
// Lead = 0.25 + max(0.5, 0.25 + 0.5) + 0.125 = 1.125 > A: orders overlap, but each unit's
// work per order is below A, so nobody waits; WIP = lead / A.
TEST(DeterministicForkJoin, LeadTimeIsLongestPath) {
  const std::string units =
      "  us: {servers: 1}\n  ux: {servers: 1}\n  uy: {servers: 1}\n  uz: {servers: 1}\n  uj: {servers: 1}\n";
  const std::string tasks =
      "      s: {unit: us, service: {deterministic: 0.25}}\n"
      "      x: {unit: ux, service: {deterministic: 0.5}, after: s}\n"
      "      y: {unit: uy, service: {deterministic: 0.25}, after: s}\n"
      "      z: {unit: uz, service: {deterministic: 0.5}, after: y}\n"
      "      j: {unit: uj, service: {deterministic: 0.125}, after: [x, z]}\n";
  const RunResult r = run_yaml(model(1.0, kW, kH, units, tasks, "1.125"));
  expect_constant_lead(r, 1.125, 100, 100, 1.0);
  expect_unit(r, 0, {0.25, 0.0, 0.0, 1.0, 0.25, 0.0});
  expect_unit(r, 1, {0.5, 0.0, 0.0, 1.0, 0.5, 0.0});
  expect_unit(r, 2, {0.25, 0.0, 0.0, 1.0, 0.25, 0.0});
  expect_unit(r, 3, {0.5, 0.0, 0.0, 1.0, 0.5, 0.0});
  expect_unit(r, 4, {0.125, 0.0, 0.0, 1.0, 0.125, 0.0});
}

// Two sources and two sinks, no join task: the order is delivered when its last sink is done.
TEST(DeterministicForkJoin, TwoSinksDeliverAtTheLater) {
  const std::string units = "  up: {servers: 1}\n  uq: {servers: 1}\n  ur: {servers: 1}\n";
  const std::string tasks =
      "      p: {unit: up, service: {deterministic: 0.5}}\n"
      "      q: {unit: uq, service: {deterministic: 0.25}}\n"
      "      r: {unit: ur, service: {deterministic: 0.5}, after: q}\n";
  const RunResult r = run_yaml(model(1.0, kW, kH, units, tasks));
  expect_constant_lead(r, 0.75, 100, 100, 1.0);
}

// --- several servers -----------------------------------------------------------------------------

// Two servers, S = 1.5 > A = 1: consecutive orders overlap but alternate between servers,
// so nobody waits: lead 1.5, utilisation S/(cA) = 0.75, 1.5 servers busy on average.
TEST(DeterministicServers, TwoServersNoWaitWhenSBelowCA) {
  const std::string units = "  desk: {servers: 2}\n";
  const std::string tasks = "      serve: {unit: desk, service: {deterministic: 1.5}}\n";
  const RunResult r = run_yaml(model(1.0, 10.25, 110.25, units, tasks));
  expect_constant_lead(r, 1.5, 100, 100, 1.0);
  expect_unit(r, 0, {0.75, 0.0, 0.0, 1.0, 1.5, 0.0});
}

// Two servers, S = 3 > c A = 2: an overloaded queue, followed from empty over [0, 10.5].
// Order n (arriving at n) starts at s_n = max(n, s_{n-2} + 3): 1,2,4,5,7,8,10,11,13,14,
// so it waits floor((n-1)/2) and its lead time is 3 + floor((n-1)/2): 3,3,4,4,...,7,7.
//   tagged: orders 1..10 (arrivals before 10.5); lead mean 5; on time with due 5: 6 of 10;
//   deliveries in the window at 4,5,7,8,10: 5; unit starts in the window: orders 1..7,
//   waits 0,0,1,1,2,2,3 (mean 9/7); busy servers: 1 on [1,2), 2 on [2,10.5]: area 18;
//   waiting jobs: area 13.5; orders in the system: area 31.5.
TEST(DeterministicServers, OverloadedTwoServersQueueExactly) {
  const std::string units = "  desk: {servers: 2}\n";
  const std::string tasks = "      serve: {unit: desk, service: {deterministic: 3}}\n";
  const RunResult r = run_yaml(model(1.0, 0, 10.5, units, tasks, "5"));
  for (const auto& rep : r.replications) {
    EXPECT_DOUBLE_EQ(K(rep, Kpi::LeadTimeMean), 5.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OnTimeRate), 0.6);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OrdersArrived), 10.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OrdersDelivered), 5.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::Throughput), 5.0 / 10.5);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::WipMean), 31.5 / 10.5);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::LossRate), 0.0);
  }
  expect_unit(r, 0, {18.0 / 10.5 / 2, 13.5 / 10.5, 9.0 / 7.0, 5.0 / 10.5, 18.0 / 10.5, 0.0});
}

// Three flows arrive together every 2 at two servers with S = 1: two start at once, the
// third waits 1 and ends as the next batch arrives. Leads 1, 1, 2 (mean 4/3); waits 0, 0, 1;
// one job waits during half of each period; 1.5 servers busy on average; WIP 4/2.
TEST(DeterministicServers, SimultaneousArrivalsQueueBehindTwoServers) {
  std::string yaml =
      "name: batch\n"
      "run: {horizon: 110.0625, warmup: 10.0625, replications: 2, seed: 1}\n"
      "units:\n  desk: {servers: 2}\nflows:\n";
  for (const char* f : {"f0", "f1", "f2"})
    yaml += std::string("  ") + f +
            ":\n    arrivals: {interarrival: {deterministic: 2}}\n    tasks:\n"
            "      serve: {unit: desk, service: {deterministic: 1}}\n";
  const RunResult r = run_yaml(yaml);
  for (const auto& rep : r.replications) {
    EXPECT_DOUBLE_EQ(K(rep, Kpi::LeadTimeMean), 4.0 / 3.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OrdersArrived), 150.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OrdersDelivered), 150.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::Throughput), 1.5);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::WipMean), 2.0);
  }
  expect_unit(r, 0, {0.75, 0.5, 1.0 / 3.0, 1.5, 1.5, 0.0});
  // Per flow: f0 and f1 (first in the event list at each batch) start at once, f2 waits.
  expect_flow(r, 0, 1.0, 50, 100);
  expect_flow(r, 1, 1.0, 50, 100);
  expect_flow(r, 2, 2.0, 50, 100);
}

// --- finite capacity -----------------------------------------------------------------------------

// Capacity 1, S = 1.5, A = 1: order n is accepted when the desk is empty. Accepted orders
// arrive at 1, 3, 5, ... (busy [1,2.5], [3,4.5], ...), the ones in between find it full and
// are lost. Window [10.0625, 110.0625]: arrivals 11..110, 50 accepted (odd), 50 lost (even).
TEST(DeterministicCapacity, FullUnitLosesOrders) {
  const std::string units = "  desk: {servers: 1, capacity: 1}\n";
  const std::string tasks = "      serve: {unit: desk, service: {deterministic: 1.5}}\n";
  const RunResult r = run_yaml(model(1.0, kW, kH, units, tasks));
  for (const auto& rep : r.replications) {
    EXPECT_DOUBLE_EQ(K(rep, Kpi::LossRate), 0.5);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OrdersArrived), 100.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OrdersDelivered), 50.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::LeadTimeMean), 1.5);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::Throughput), 0.5);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::WipMean), 0.75);
  }
  // Busy [9,10.5] (0.4375 inside), [11,12.5], ..., [107,108.5] (49 * 1.5), [109,110.5]
  // (1.0625 inside): 75 in all. Deliveries in the window at 10.5, 12.5, ..., 108.5: 50.
  expect_unit(r, 0, {75.0 / 100, 0.0, 0.0, 0.5, 75.0 / 100, 50.0});
}

// --- event order -----------------------------------------------------------------------------------

// Simultaneous arrivals of different flows enter in the order of the flows' names (express before
// normal; see models/engine/name_order.hpp), whatever their order in the file.
//
// Release before seize, external arrivals: at a priority unit an express order arrives at the
// very time the server frees while a normal order waits. The waiting order takes the server;
// the arrival at t does not jump the queue.
//   t=1: express#1 starts [1,2], normal#1 waits.   t=2: normal#1 starts [2,3] (release
//   first), then express#2 and normal#2 arrive and wait.   t=3: express#2 starts [3,4].
// Window [0, 2.5): tagged are express#1, normal#1, express#2, normal#2.
TEST(DeterministicEventOrder, ReleaseBeforeSeizeArrivalsDoNotJumpTheQueue) {
  const std::string yaml =
      "name: order\n"
      "run: {horizon: 2.5, warmup: 0, replications: 1, seed: 1}\n"
      "units:\n  desk: {servers: 1, discipline: priority}\n"
      "flows:\n"
      "  express:\n    arrivals: {interarrival: {deterministic: 1}}\n    priority: 10\n    tasks:\n"
      "      serve: {unit: desk, service: {deterministic: 1}}\n"
      "  normal:\n    arrivals: {interarrival: {deterministic: 1}}\n    priority: 0\n    tasks:\n"
      "      serve: {unit: desk, service: {deterministic: 1}}\n";
  RunResult r = run_yaml(yaml, 1, -1, true);
  ASSERT_EQ(r.replications.size(), 1u);
  eslabon::Table t = r.orders_table();
  const auto& flow = t.str("flow");
  const auto& order = t.i64("order");
  const auto& arrival = t.f64("arrival");
  const auto& delivered = t.f64("delivered");
  auto find = [&](const std::string& f, std::int64_t n) -> std::ptrdiff_t {
    for (std::size_t i = 0; i < flow.size(); ++i)
      if (flow[i] == f && order[i] == n) return static_cast<std::ptrdiff_t>(i);
    return -1;
  };
  const auto u1 = find("express", 0), n1 = find("normal", 0), u2 = find("express", 1);
  ASSERT_GE(u1, 0);
  ASSERT_GE(n1, 0);
  ASSERT_GE(u2, 0);
  EXPECT_DOUBLE_EQ(arrival[u1], 1.0);
  EXPECT_DOUBLE_EQ(delivered[u1], 2.0);
  EXPECT_DOUBLE_EQ(arrival[n1], 1.0);
  EXPECT_DOUBLE_EQ(delivered[n1], 3.0) << "the waiting normal order must take the server freed at t=2";
  EXPECT_DOUBLE_EQ(arrival[u2], 2.0);
  EXPECT_DOUBLE_EQ(delivered[u2], 4.0) << "an express order arriving at t=2 must not seize the server freed at t=2";
}

// Release before routing: at a priority unit, an express order's second task (routed on when
// its first task ends at t) queues behind work already waiting, even of lower priority:
//   t=2: express.a [2,2.5], normal.a waits.  t=2.5: normal.a starts [2.5,3], then express.b
//   is routed and waits.  t=3: express.b [3,3.5], normal.b is routed and waits.
//   t=3.5: normal.b [3.5,4].
// Leads: express 1.5, normal 2 (mean 1.75); waits per job 0, 0.5, 0.5, 0.5 (mean 0.375).
// (Were routed work served first, express.b would start at 2.5 and the express lead be 1.)
TEST(DeterministicEventOrder, FreedServerServesTheLineBeforeRoutingOn) {
  std::string yaml =
      "name: route\n"
      "run: {horizon: 110.25, warmup: 10.25, replications: 1, seed: 1}\n"
      "units:\n  desk: {servers: 1, discipline: priority}\nflows:\n";
  for (auto [f, prio] : {std::pair{"express", 10}, std::pair{"normal", 0}})
    yaml += std::string("  ") + f +
            ":\n    arrivals: {interarrival: {deterministic: 2}}\n    priority: " + std::to_string(prio) +
            "\n    tasks:\n"
            "      a: {unit: desk, service: {deterministic: 0.5}}\n"
            "      b: {unit: desk, service: {deterministic: 0.5}, after: a}\n";
  const RunResult r = run_yaml(yaml);
  for (const auto& rep : r.replications) {
    EXPECT_DOUBLE_EQ(K(rep, Kpi::LeadTimeMean), 1.75);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OrdersArrived), 100.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::WipMean), 3.5 / 2);
  }
  // Busy all the time; one job waits during [2,3.5] of each period of 2: mean queue 0.75.
  expect_unit(r, 0, {1.0, 0.75, 0.375, 2.0, 1.0, 0.0});
  expect_flow(r, 0, 1.5, 50, 100);
  expect_flow(r, 1, 2.0, 50, 100);
}

// --- reproducibility ------------------------------------------------------------------------------

namespace {

// A model touching every path: several flows and distributions, fork/join, priority and
// EDF units, a finite capacity (losses), due dates.
const char* kRichModel = R"(
name: reproducibility
run: {horizon: 3000, warmup: 300, replications: 6, seed: 77}
units:
  sales:       {servers: 2}
  engineering: {servers: 2, discipline: edf}
  purchasing:  {servers: 1, capacity: 6}
  production:  {servers: 3, discipline: priority}
  logistics:   {servers: 2}
flows:
  custom:
    arrivals: {poisson: 0.45}
    due: 30
    priority: 1
    tasks:
      take: {unit: sales,       service: {exponential: {mean: 0.5}}}
      design: {unit: engineering, service: {gamma: {mean: 3, cv: 0.8}}, after: take}
      buy:  {unit: purchasing,  service: {triangular: {min: 0.3, mode: 1, max: 2}}, after: take}
      make: {unit: production,  service: {erlang: {k: 3, mean: 4}}, after: [design, buy]}
      ship: {unit: logistics,   service: {uniform: {min: 1, max: 3}}, after: make}
  express:
    arrivals: {interarrival: {weibull: {shape: 1.5, scale: 4}}}
    due: 10
    priority: 5
    tasks:
      take: {unit: sales,      service: {deterministic: 0.5}}
      make: {unit: production, service: {empirical: [1, 1.5, 2, 2, 3]}, after: take}
      ship: {unit: logistics,  service: {lognormal: {mean: 0.75, cv: 0.6}}, after: make}
)";

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// Every KPI and unit statistic of every replication equal (NaN equal to NaN).
::testing::AssertionResult Identical(const RunResult& a, const RunResult& b) {
  if (a.replications.size() != b.replications.size())
    return ::testing::AssertionFailure() << "replication counts differ";
  for (std::size_t i = 0; i < a.replications.size(); ++i) {
    const auto& x = a.replications[i];
    const auto& y = b.replications[i];
    if (x.replication != y.replication) return ::testing::AssertionFailure() << "replication index at " << i;
    for (int k = 0; k < eslabon::kKpiCount; ++k)
      if (!same(x.kpi[k], y.kpi[k]))
        return ::testing::AssertionFailure() << "replication " << i << " " << eslabon::kpi_names()[k] << ": "
                                             << num(x.kpi[k]) << " vs " << num(y.kpi[k]);
    if (x.units.size() != y.units.size()) return ::testing::AssertionFailure() << "unit counts differ";
    for (std::size_t u = 0; u < x.units.size(); ++u)
      for (int s = 0; s < eslabon::kUnitStatCount; ++s)
        if (!same(x.units[u][s], y.units[u][s]))
          return ::testing::AssertionFailure()
                 << "replication " << i << " unit " << u << " " << eslabon::unit_stat_names()[s] << ": "
                 << num(x.units[u][s]) << " vs " << num(y.units[u][s]);
    if (x.events != y.events)
      return ::testing::AssertionFailure() << "replication " << i << " events " << x.events << " vs " << y.events;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

TEST(DeterministicReproducibility, ThreadsDoNotChangeResults) {
  const RunResult one = run_yaml(kRichModel, 1);
  const RunResult two = run_yaml(kRichModel, 2);
  ASSERT_EQ(one.replications.size(), 6u);
  // The model does produce losses and queueing, so the comparison is not of trivial values.
  EXPECT_GT(one.kpi(Kpi::LossRate).mean, 0.0);
  EXPECT_GT(one.unit_stat(3, UnitStat::MeanQueue).mean, 0.0);
  EXPECT_TRUE(Identical(one, two));
  const RunResult three = run_yaml(kRichModel, 3);
  EXPECT_TRUE(Identical(one, three));
}

TEST(DeterministicReproducibility, SameSeedSameResultsOtherSeedDiffers) {
  const RunResult a = run_yaml(kRichModel, 1, 77);
  const RunResult b = run_yaml(kRichModel, 1, 77);
  EXPECT_TRUE(Identical(a, b));
  const RunResult c = run_yaml(kRichModel, 1, 78);
  EXPECT_FALSE(Identical(a, c));
  // Not just one value: every replication's lead time differs.
  for (std::size_t i = 0; i < a.replications.size(); ++i)
    EXPECT_NE(K(a.replications[i], Kpi::LeadTimeMean), K(c.replications[i], Kpi::LeadTimeMean));
  // Replications of one run are independent streams: they differ from each other.
  EXPECT_NE(K(a.replications[0], Kpi::LeadTimeMean), K(a.replications[1], Kpi::LeadTimeMean));
}

// --- exact equivalences between disciplines ----------------------------------------------------

// With one flow and one constant `due`, earliest-due-date is first-come-first-served (due =
// arrival + constant) as long as jobs reach each unit in the order their orders arrived (a
// single-server first step keeps that order; a multi-server step would let orders overtake,
// and EDF then rightly differs from FIFO downstream). `priority` with a single class serves
// ties in arrival order. The three disciplines must give bit-identical results.
TEST(DeterministicEquivalence, SingleFlowEdfAndPriorityEqualFifo) {
  auto yaml = [](const std::string& discipline) {
    return "name: eq\n"
           "run: {horizon: 5000, warmup: 500, replications: 4, seed: 9}\n"
           "units:\n  desk: {servers: 1, discipline: " +
           discipline +
           "}\n"
           "  next: {servers: 2, discipline: " +
           discipline +
           "}\n"
           "flows:\n  orders:\n    arrivals: {poisson: 1.2}\n    due: 6\n    tasks:\n"
           "      a: {unit: desk, service: {exponential: {mean: 0.7}}}\n"
           "      b: {unit: next, service: {gamma: {mean: 1.5, cv: 0.7}}, after: a}\n";
  };
  const RunResult fifo = run_yaml(yaml("fifo"));
  // There is queueing at both units, so a wrong order would show.
  EXPECT_GT(fifo.unit_stat(0, UnitStat::MeanQueue).mean, 0.1);
  EXPECT_GT(fifo.unit_stat(1, UnitStat::MeanQueue).mean, 0.1);
  EXPECT_TRUE(Identical(fifo, run_yaml(yaml("edf"))));
  EXPECT_TRUE(Identical(fifo, run_yaml(yaml("priority"))));
}

// Common random numbers: draws are addressed by purpose, so the customers (arrival times) of
// a flow do not depend on the rest of the model. Changing servers, capacity or discipline
// leaves the number of tagged arrivals of every replication unchanged.
TEST(DeterministicCommonRandomNumbers, ArrivalsDoNotDependOnTheUnits) {
  auto yaml = [](const std::string& unit) {
    return "name: crn\n"
           "run: {horizon: 2000, warmup: 200, replications: 4, seed: 5}\n"
           "units:\n  desk: " +
           unit +
           "\n"
           "flows:\n  orders:\n    arrivals: {poisson: 0.9}\n    tasks:\n"
           "      a: {unit: desk, service: {exponential: {mean: 1}}}\n";
  };
  const RunResult base = run_yaml(yaml("{servers: 1}"));
  for (const std::string unit : {"{servers: 3}", "{servers: 1, capacity: 2}", "{servers: 1, discipline: edf}"}) {
    SCOPED_TRACE(unit);
    const RunResult other = run_yaml(yaml(unit));
    ASSERT_EQ(other.replications.size(), base.replications.size());
    for (std::size_t i = 0; i < base.replications.size(); ++i)
      EXPECT_EQ(K(base.replications[i], Kpi::OrdersArrived), K(other.replications[i], Kpi::OrdersArrived));
  }
}

// --- window edges ----------------------------------------------------------------------------------
//
// Regression tests for a bug these tests found: orders were tagged on the half-open window
// [warmup, horizon) but deliveries, unit completions and rejections were counted on the
// closed window [warmup, horizon]. When event times fall on both edges, which happens
// whenever deterministic or empirical times are aligned with the window (the natural way to
// set up a shift-based model), one event too many was counted:
//   * D/D/1 with A = S = 1 over [10, 110]: deliveries at 10, 11, ..., 110 are all counted,
//     throughput = 1.01 instead of 1/A = 1, and Little's law breaks (wip 1 = lead 1 but
//     throughput x lead = 1.01);
//   * D/D/1/1 with A = 1, S = 1.5 over [10, 110]: the arrival at t = 110 (not tagged) is
//     rejected and counted, so `rejected` is 51 while 50 tagged orders were lost.
// Counting on [warmup, horizon), like the tagging, gives exactly one event per period.
TEST(DeterministicWindowEdges, ThroughputIsOneOverAWhenDeliveriesFallOnTheEdges) {
  const std::string units = "  desk: {servers: 1}\n";
  const std::string tasks = "      serve: {unit: desk, service: {deterministic: 1}}\n";
  const RunResult r = run_yaml(model(1.0, 10, 110, units, tasks));
  for (const auto& rep : r.replications) {
    EXPECT_DOUBLE_EQ(K(rep, Kpi::LeadTimeMean), 1.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::WipMean), 1.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OrdersArrived), 100.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::Throughput), 1.0) << "throughput must be 1/A (closed-window double count)";
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OrdersDelivered), 100.0);
    EXPECT_DOUBLE_EQ(U(rep, 0, UnitStat::Throughput), 1.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::WipMean), K(rep, Kpi::Throughput) * K(rep, Kpi::LeadTimeMean)) << "Little's law";
  }
}

TEST(DeterministicWindowEdges, RejectionsAtTheHorizonAreNotCounted) {
  const std::string units = "  desk: {servers: 1, capacity: 1}\n";
  const std::string tasks = "      serve: {unit: desk, service: {deterministic: 1.5}}\n";
  const RunResult r = run_yaml(model(1.0, 10, 110, units, tasks));
  for (const auto& rep : r.replications) {
    // Tagged arrivals 10..109: the odd ones are accepted, the even ones lost.
    EXPECT_DOUBLE_EQ(K(rep, Kpi::OrdersArrived), 100.0);
    EXPECT_DOUBLE_EQ(K(rep, Kpi::LossRate), 0.5);
    EXPECT_DOUBLE_EQ(U(rep, 0, UnitStat::Rejected), 50.0) << "the arrival at t = horizon is outside the window";
  }
}
