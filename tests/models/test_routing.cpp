// Routing with probabilities (README "Routing with probabilities"; issue 10, feature 3): a task
// with `next` sends each order on to exactly one of its successors; the others are routed
// away, a join waits only for the suppliers the order goes through, and the order is delivered
// when every sink it reaches is done.
//
// Checked against a Jackson network with probabilistic routing (each station an M/M/c fed by
// the split Poisson stream, the lead time the route-weighted sum of mean sojourns), the route
// shares against their probabilities (binomial intervals), common random numbers (an order
// keeps its route when the probabilities do not move it), an exact deterministic scenario
// (delivery, the join and the delay causes follow the route taken), the traffic equations of
// `eslabon check`, and the config errors.

#include <models/config/config_error.hpp>
#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/analytic.hpp>
#include <models/studies/routes.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "run_text.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace {

using namespace eslabon_test;
using eslabon::Kpi;
using eslabon::LinkStat;
using eslabon::RunResult;
using eslabon::UnitStat;

std::string exp_service(double mean) { return "{exponential: {mean: " + num(mean) + "}}"; }

struct MMc {
  int c;
  double lambda, mu;
  double a() const { return lambda / mu; }
  double rho() const { return lambda / (c * mu); }
  double wq() const { return erlang_c(c, a()) / (c * mu - lambda); }
  double lq() const { return lambda * wq(); }
  double w() const { return wq() + 1.0 / mu; }
  double tau() const {  // as in test_theory.cpp: the M/M/1 value at the pooled rate, at least 1/mu
    return std::max(1.0 / mu, 1.0 / std::pow(std::sqrt(c * mu) - std::sqrt(lambda), 2));
  }
};

RunResult run_recorded(const std::string& yaml, const std::vector<eslabon::Override>& ov = {}) {
  eslabon::RunOptions o;
  o.threads = 1;
  o.record_orders = true;
  return eslabon::run_model(eslabon::load_model_text(yaml, "<test>", ov), o);
}

// Per (replication, order): the causes that took time on its path, with their times.
std::map<std::pair<std::int64_t, std::int64_t>, std::map<std::string, double>> causes_by_order(const RunResult& r) {
  eslabon::Table t = r.delays_table();
  std::map<std::pair<std::int64_t, std::int64_t>, std::map<std::string, double>> out;
  for (std::size_t i = 0; i < t.i64("order").size(); ++i)
    out[{t.i64("replication")[i], t.i64("order")[i]}][t.str("cause")[i]] += t.f64("time")[i];
  return out;
}

}  // namespace

// 1. A Jackson network with probabilistic routing. Poisson(lambda) orders are taken at an M/M/2
// unit, then go on to `expedite` (probability p, an M/M/1) or `standard` (1 - p, an M/M/1), and
// are shipped at an M/M/1 once the route taken is done. Splitting a Poisson stream at random
// gives Poisson streams (rates lambda p and lambda (1 - p)), Burke's theorem makes each
// departure stream Poisson and their merge feeds `ship` at rate lambda: by Jackson's theorem
// every unit is an M/M/c with its routed arrival rate, and the mean lead time is W_take + p
// W_expedite + (1 - p) W_standard + W_ship.
TEST(RoutingTheory, JacksonNetworkWithProbabilisticRouting) {
  const double lambda = 1.0, p = 0.3;
  const std::vector<MMc> st = {{2, lambda, 1 / 1.2}, {1, lambda * p, 1 / 2.0}, {1, lambda * (1 - p), 1 / 1.0},
                               {1, lambda, 1 / 0.5}};
  const std::vector<double> visits = {1, p, 1 - p, 1};
  double tau = 0, lead = 0;
  for (std::size_t u = 0; u < st.size(); ++u) {
    tau = std::max(tau, st[u].tau());
    lead += visits[u] * st[u].w();
  }
  const double warmup = std::ceil(30 * tau), window = 100000;
  const std::string yaml =
      "name: routed jackson\n" + run_block(warmup, window, 30, 2101) +
      "units: {T: {servers: 2}, E: {servers: 1}, S: {servers: 1}, L: {servers: 1}}\n"
      "flows:\n  orders:\n    arrivals: {poisson: " + num(lambda) + "}\n    tasks:\n"
      "      take: {unit: T, service: " + exp_service(1 / st[0].mu) + ", next: {expedite: " + num(p) +
      ", standard: " + num(1 - p) + "}}\n"
      "      expedite: {unit: E, service: " + exp_service(1 / st[1].mu) + "}\n"
      "      standard: {unit: S, service: " + exp_service(1 / st[2].mu) + "}\n"
      "      ship: {unit: L, service: " + exp_service(1 / st[3].mu) + ", after: [expedite, standard]}\n";
  const RunResult r = run_text(yaml);
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  // The traffic equations of `eslabon check` give the same routed rates.
  const auto load = eslabon::offered_load(eslabon::load_model_text(yaml, "<test>"));
  for (std::size_t u = 0; u < st.size(); ++u) {
    const std::size_t i = index_of(r.unit_names, std::string(1, "TESL"[u]));
    EXPECT_NEAR(load[i].arrival_rate, st[u].lambda, 1e-12) << r.unit_names[i];
    EXPECT_NEAR(load[i].utilisation, st[u].rho(), 1e-12) << r.unit_names[i];
    const std::string tag = "unit " + r.unit_names[i] + " (M/M/" + std::to_string(st[u].c) + ", lambda=" +
                            g(st[u].lambda) + ", rho=" + g(st[u].rho()) + ") ";
    EXPECT_TRUE(Covers(tag + "utilisation", unit_values(r, i, UnitStat::Utilisation), st[u].rho(), allow(st[u].rho())));
    EXPECT_TRUE(Covers(tag + "mean_queue", unit_values(r, i, UnitStat::MeanQueue), st[u].lq(), allow(st[u].lq())));
    EXPECT_TRUE(Covers(tag + "mean_wait", unit_values(r, i, UnitStat::MeanWait), st[u].wq(), allow(st[u].wq())));
  }
  EXPECT_TRUE(Covers("lead_time_mean = sum of sojourns weighted by route", kpi_values(r, Kpi::LeadTimeMean), lead,
                     allow(lead)));
  EXPECT_TRUE(Covers("wip_mean = lambda * lead time", kpi_values(r, Kpi::WipMean), lambda * lead, allow(lambda * lead)));
}

// 2. Route shares. Each order draws one uniform for its route (purpose `route`); the targets
// are taken in the order of their names, so with {b: 0.2, c: 0.5, d: 0.3} an order goes to b
// when u < 0.2, to c when u < 0.7, else to d. Over N orders the count on each route is
// Binomial(N, p): its share must lie within 3.29 standard deviations (99.9%) of p. Then common
// random numbers: moving 0.1 from c to b moves only orders with u in [0.2, 0.3) from c to b,
// and every other order keeps its route.
TEST(RoutingTheory, RouteSharesAreBinomialAndKeepTheirOrdersUnderChange) {
  const std::string yaml =
      "run: {horizon: 5000, warmup: 0, replications: 4, seed: 2102}\n"
      "units: {A: {servers: 1}, B: {servers: 2}, C: {servers: 2}, D: {servers: 2}}\n"
      "flows:\n  f:\n    arrivals: {poisson: 1}\n    tasks:\n"
      "      take: {unit: A, service: {exponential: {mean: 0.5}}, next: {d: 0.3, b: 0.2, c: 0.5}}\n"
      "      b: {unit: B, service: 0.5}\n      c: {unit: C, service: 0.5}\n      d: {unit: D, service: 0.5}\n";
  auto routes = [](const RunResult& r) {
    std::map<std::pair<std::int64_t, std::int64_t>, std::string> out;
    for (const auto& [order, causes] : causes_by_order(r)) {
      std::string route;
      for (const char* u : {"B", "C", "D"})
        if (causes.count(std::string("service:") + u)) route += u;
      out[order] = route;
    }
    return out;
  };
  const RunResult base = run_recorded(yaml);
  const auto before = routes(base);
  std::map<std::string, double> count;
  for (const auto& [order, route] : before) {
    ASSERT_EQ(route.size(), 1u) << "order " << order.second << " went through " << route;
    ++count[route];
  }
  double n = 0;
  for (const auto& x : base.replications) n += x.kpi[static_cast<int>(Kpi::OrdersArrived)];
  ASSERT_EQ(static_cast<double>(before.size()), n);  // every tagged order delivered, once
  for (const auto& [route, p] : std::vector<std::pair<std::string, double>>{{"B", 0.2}, {"C", 0.5}, {"D", 0.3}}) {
    const double share = count[route] / n, sd = std::sqrt(p * (1 - p) / n);
    std::cout << "  route " << route << ": " << count[route] << " of " << n << " = " << g(share) << ", p " << p
              << " +- " << g(3.29 * sd) << "\n";
    EXPECT_LE(std::abs(share - p), 3.2905 * sd) << "route " << route;
  }
  const auto after = routes(run_recorded(yaml, {{"flows.f.tasks.take.next.b", "0.3", ""},
                                                {"flows.f.tasks.take.next.c", "0.4", ""}}));
  ASSERT_EQ(after.size(), before.size());
  double moved = 0;
  for (const auto& [order, route] : before) {
    const std::string now = after.at(order);
    if (route == "C" && now == "B")
      ++moved;
    else
      EXPECT_EQ(now, route) << "order " << order.second << " of replication " << order.first;
  }
  // The orders moved are Binomial(N, 0.1).
  EXPECT_LE(std::abs(moved / n - 0.1), 3.2905 * std::sqrt(0.1 * 0.9 / n)) << moved << " of " << n;
}

// 3. Exact, deterministic times, one order every 100 h (no queueing). a (1 h) forks to x (2 h)
// and y (1 h); x routes to c (3 h, through a link with a 0.5 h delay) or d (0.5 h), each with
// probability 0.5; j (1 h) joins y and c; d and j are the sinks.
//   route c: a 0-1, y 1-2, x 1-3; d routed away at 3; x->c arrives at 3.5, c 3.5-6.5, j 6.5-7.5:
//            delivered at 7.5, along j <- c <- x <- a: service 1 + 2 + 3 + 1 and delay 0.5.
//   route d: a 0-1, y 1-2, x 1-3; c routed away at 3, which resolves j's last supplier: j
//            3-4 (it waited for x's choice, not only for y); d 3-3.5; delivered at 4 by j, along
//            j <- c (routed away, no time) <- x <- a: service 1 + 2 + 1.
TEST(RoutingExact, DeliveryJoinAndDelayCausesFollowTheRouteTaken) {
  const std::string yaml =
      "run: {horizon: 4000, warmup: 0, replications: 2, seed: 2103}\n"
      "units: {A: {servers: 1}, X: {servers: 1}, Y: {servers: 1}, C: {servers: 1}, D: {servers: 1}, J: {servers: 1}}\n"
      "flows:\n  f:\n    arrivals: {interarrival: 100}\n    tasks:\n"
      "      a: {unit: A, service: 1}\n"
      "      x: {unit: X, service: 2, after: a, next: {c: 0.5, d: 0.5}}\n"
      "      y: {unit: Y, service: 1, after: a}\n"
      "      c: {unit: C, service: 3}\n"
      "      d: {unit: D, service: 0.5}\n"
      "      j: {unit: J, service: 1, after: [y, c]}\n"
      "links: [{from: x, to: c, delay: 0.5}]\n";
  const RunResult r = run_recorded(yaml);
  const auto causes = causes_by_order(r);
  const std::map<std::string, double> via_c = {
      {"service:A", 1}, {"service:X", 2}, {"delay:x->c", 0.5}, {"service:C", 3}, {"service:J", 1}};
  const std::map<std::string, double> via_d = {{"service:A", 1}, {"service:X", 2}, {"service:J", 1}};
  eslabon::Table orders = r.orders_table();
  std::map<std::int64_t, double> routed_c;  // per replication
  int seen_c = 0, seen_d = 0;
  ASSERT_EQ(orders.i64("order").size(), 2u * 39u);  // arrivals at 100, ..., 3900
  for (std::size_t i = 0; i < orders.i64("order").size(); ++i) {
    const std::pair<std::int64_t, std::int64_t> key{orders.i64("replication")[i], orders.i64("order")[i]};
    const auto& mine = causes.at(key);
    const bool c = mine.count("service:C") > 0;
    (c ? seen_c : seen_d)++;
    if (c) ++routed_c[key.first];
    EXPECT_DOUBLE_EQ(orders.f64("lead_time")[i], c ? 7.5 : 4.0) << "order " << key.second;
    EXPECT_EQ(mine, c ? via_c : via_d) << "order " << key.second;
  }
  EXPECT_GT(seen_c, 0);
  EXPECT_GT(seen_d, 0);
  // The link covers the handoff x->c only when that route is taken; d's unit serves the others.
  const std::size_t link = index_of(r.link_names, "x->c"), d = index_of(r.unit_names, "D");
  for (const auto& x : r.replications) {
    EXPECT_EQ(x.links[link][static_cast<int>(LinkStat::Handoffs)], routed_c[static_cast<std::int64_t>(x.replication)]);
    EXPECT_DOUBLE_EQ(x.units[d][static_cast<int>(UnitStat::Throughput)] * 4000,
                     39 - routed_c[static_cast<std::int64_t>(x.replication)]);
  }
}

// A task reached by no route is routed away, and so is everything after it that nothing else
// reaches: here e only follows c, so orders routed to d never do e, and are delivered by d.
TEST(RoutingExact, EverythingOnlyARoutedAwayTaskLeadsToIsRoutedAway) {
  const std::string yaml =
      "run: {horizon: 1000, warmup: 0, replications: 1, seed: 2104}\n"
      "units: {A: {servers: 1}, C: {servers: 1}, D: {servers: 1}, E: {servers: 1}}\n"
      "flows:\n  f:\n    arrivals: {interarrival: 10}\n    tasks:\n"
      "      a: {unit: A, service: 1, next: {c: 0.5, d: 0.5}}\n"
      "      c: {unit: C, service: 1}\n      e: {unit: E, service: 2, after: c}\n"
      "      d: {unit: D, service: 4}\n";
  const RunResult r = run_recorded(yaml);
  eslabon::Table orders = r.orders_table();
  const auto causes = causes_by_order(r);
  double on_e = 0;
  for (std::size_t i = 0; i < orders.i64("order").size(); ++i) {
    const auto& mine = causes.at({orders.i64("replication")[i], orders.i64("order")[i]});
    const bool c = mine.count("service:C") > 0;
    on_e += c;
    EXPECT_DOUBLE_EQ(orders.f64("lead_time")[i], c ? 4.0 : 5.0);
    EXPECT_EQ(mine.count("service:E"), c ? 1u : 0u);
  }
  const std::size_t e = index_of(r.unit_names, "E");
  EXPECT_DOUBLE_EQ(r.replications[0].units[e][static_cast<int>(UnitStat::Throughput)] * 1000, on_e);
}

// The traffic equations: a task's share of the orders is the probability that the order's path
// reaches it, summed over the routes (exact, not a product of independent shares): a join of a
// plain fork is reached by every order, a join of two routes of one choice too, and a route
// after a route multiplies.
TEST(RoutingAnalytic, SharesOfTheOrdersFollowTheRoutes) {
  const eslabon::Model m = eslabon::load_model_text(
      "run: {horizon: 100}\n"
      "units: {A: {servers: 9}, X: {servers: 9}, Y: {servers: 9}, C: {servers: 9}, D: {servers: 9},\n"
      "        J: {servers: 9}, M: {servers: 9}, E: {servers: 9}, F: {servers: 9}, H: {servers: 9}}\n"
      "flows:\n  f:\n    arrivals: {poisson: 2}\n    tasks:\n"
      "      a: {unit: A, service: 1}\n"
      "      x: {unit: X, service: 1, after: a, next: {c: 0.25, d: 0.75}}\n"
      "      y: {unit: Y, service: 1, after: a}\n"
      "      c: {unit: C, service: 1}\n"
      "      d: {unit: D, service: 1, skip: 0.2}\n"
      "      j: {unit: J, service: 1, after: [y, c]}\n"
      "      m: {unit: M, service: 1, after: [c, d]}\n"
      "      e: {unit: E, service: 1, after: c, next: {f: 0.4, h: 0.6}}\n"
      "      f: {unit: F, service: 1}\n"
      "      h: {unit: H, service: 1}\n"
      "links: [{from: x, to: c, defect: 0.5, detect: 1}]\n",
      "<routes>");
  const auto shares = eslabon::route_shares(m.flows[0]);
  EXPECT_TRUE(shares.exact);
  const std::map<std::string, double> want = {{"a", 1},   {"x", 1},    {"y", 1},   {"c", 0.25}, {"d", 0.75},
                                              {"j", 1},   {"m", 1},    {"e", 0.25}, {"f", 0.1},  {"h", 0.15}};
  for (std::size_t k = 0; k < m.flows[0].tasks.size(); ++k)
    EXPECT_NEAR(shares.task[k], want.at(m.flows[0].tasks[k].name), 1e-12) << m.flows[0].tasks[k].name;
  const auto load = eslabon::offered_load(m);
  auto rate = [&](const std::string& unit) { return load[static_cast<std::size_t>(m.unit_index(unit))].arrival_rate; };
  EXPECT_NEAR(rate("C"), 2 * 0.25, 1e-12);
  EXPECT_NEAR(rate("D"), 2 * 0.75 * 0.8, 1e-12);  // skipped steps are left out
  EXPECT_NEAR(rate("F"), 2 * 0.1, 1e-12);
  EXPECT_NEAR(rate("J"), 2.0, 1e-12);
  // The rework on x->c counts for the orders routed along it: 0.25 x q / (1 - q) = 0.25 redos.
  EXPECT_NEAR(rate("X"), 2 * (1 + 0.25), 1e-12);
}

// 4. Config errors, each positioned at the key or value at fault.
TEST(RoutingConfig, BadRoutesAreConfigErrors) {
  const std::string head =
      "name: m\nrun: {horizon: 100}\nunits: {A: {servers: 1}, B: {servers: 1}}\n"
      "flows:\n  f:\n    arrivals: {poisson: 1}\n    tasks:\n";
  auto error_of = [&](const std::string& tasks) {
    try {
      eslabon::load_model_text(head + tasks, "m.yaml");
    } catch (const eslabon::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string b = "      expedite: {unit: B, service: 1}\n      standard: {unit: B, service: 2}\n";
  struct Case {
    std::string tasks, message;
  };
  const std::vector<Case> cases = {
      {"      take: {unit: A, service: 1, next: {expedite: 0.2, standard: 0.7}}\n" + b,
       "m.yaml:8:41: flows.f.tasks.take.next: expected probabilities that sum to 1, got a sum of 0.9"},
      {"      take: {unit: A, service: 1, next: {expedite: 0.2, standrd: 0.8}}\n" + b,
       "m.yaml:8:57: flows.f.tasks.take.next: unknown task 'standrd' in flow f (did you mean 'standard'?)"},
      {"      take: {unit: A, service: 1, next: {expedite: 1.2, standard: -0.2}}\n" + b,
       "m.yaml:8:52: flows.f.tasks.take.next.expedite: expected a probability between 0 and 1, got 1.2"},
      {"      take: {unit: A, service: 1, next: {take: 0.5, standard: 0.5}}\n" + b,
       "m.yaml:8:42: flows.f.tasks.take.next: a task cannot route to itself"},
      {"      take: {unit: A, service: 1, next: [expedite, standard]}\n" + b,
       "m.yaml:8:41: flows.f.tasks.take.next: expected a mapping of task names to probabilities, e.g. {expedite: "
       "0.2, standard: 0.8}, got a list"},
      {"      take: {unit: A, service: 1, next: {}}\n" + b,
       "m.yaml:8:41: flows.f.tasks.take.next: expected at least one task, got an empty mapping"},
      {"      take: {unit: A, service: 1, next: {expedite: 0.2, standard: 0.8}}\n" + b +
           "      ship: {unit: A, service: 1, after: [take, standard]}\n",
       "m.yaml:11:43: flows.f.tasks.ship.after: task 'take' chooses its successor with next, which does not name "
       "ship (add it to flows.f.tasks.take.next, or take 'take' out of after)"},
      {"      take: {unit: A, service: 1, after: standard, next: {expedite: 0.2, standard: 0.8}}\n" + b,
       "m.yaml:8:42: flows.f.tasks: expected the tasks to form an acyclic graph, found the cycle take -> standard -> "
       "take"},
      {"      take: {unit: A, service: 1, next: {expedite: 1}}\n"
       "      expedite: {unit: B, service: 1, next: {take: 1}}\n",
       "m.yaml:8:41: flows.f.tasks: expected the tasks to form an acyclic graph, found the cycle take -> expedite -> "
       "take"},
  };
  for (const auto& c : cases) EXPECT_EQ(error_of(c.tasks), c.message) << c.tasks;
  // Naming the routing task in `after` as well adds nothing; a route of probability 0 is allowed.
  EXPECT_EQ(error_of("      take: {unit: A, service: 1, next: {expedite: 0, standard: 1}}\n"
                     "      expedite: {unit: B, service: 1, after: take}\n      standard: {unit: B, service: 2}\n"),
            "no error");
}
