// Customers who remember (README "Customers who remember"; issue 10, feature 6): a score per
// customer of a finite base, moved by every contact, s <- (1 - w) s + w x, and churn by score.
// Theory: with w = 1 and fixed probabilities the churn per order and the orders a customer places
// are geometric; the time-average score is the mean outcome; the base keeps its birth-death steady
// state. Exact scenarios: a deterministic sequence of outcomes and the order after which the
// customer leaves, the ledger's owner of a loss after a good contact. Config errors.

#include <models/config/config_error.hpp>
#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "run_text.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace eslabon_test;
using eslabon::Kpi;
using eslabon::OriginStat;
using eslabon::ReplicationResult;
using eslabon::RunResult;
using eslabon::SatisfactionStat;

double K(const ReplicationResult& r, Kpi k) { return r.kpi[static_cast<int>(k)]; }

// One flow from a finite base of n customers ordering at `rate` each; its only task is always
// skipped (delivered the instant it arrives) and leaves a defect the customer sees with
// probability `bad`: each delivery is a bad contact with probability `bad`, independently.
std::string base_model(const std::string& run, double n, double rate, double bad, const std::string& complaints,
                       const std::string& extra_arrivals = "") {
  return "name: memory\n" + run +
         "units: {A: {servers: 1}, desk: {servers: 1}}\n"
         "flows: {f: {arrivals: {customers: " +
         num(n) + ", rate_per_customer: " + num(rate) + extra_arrivals +
         "}, tasks: {a: {unit: A, service: 1, skip: 1, skip_defect: " + num(bad) +
         "}}}}\n"
         "complaints: {unit: desk, service: 0.000001, visible: 1, " +
         complaints + "}\n";
}

void expect_churn_identities(const RunResult& r) {
  for (const auto& x : r.replications) {
    EXPECT_NEAR(K(x, Kpi::ChurnDefectRate) + K(x, Kpi::ChurnLateRate) + K(x, Kpi::ChurnOffendedRate) +
                    K(x, Kpi::ChurnSatisfiedRate),
                K(x, Kpi::ChurnSilentRate), 1e-12);
    EXPECT_NEAR(K(x, Kpi::ChurnAfterResolvedRate) + K(x, Kpi::ChurnAfterUnresolvedRate) + K(x, Kpi::ChurnSilentRate),
                K(x, Kpi::ChurnRate), 1e-12);
  }
}

}  // namespace

// With w = 1 only the last contact counts: a bad one (x = 0) leaves the score at 0, where the
// customer leaves with q; a good one at 1, where nobody leaves. Each order is bad with p, so each
// loses its customer with p q, independently: the churn per order is p q and the orders a customer
// places before leaving are geometric on {1, 2, ...}, mean 1 / (p q). No acquisition: every one of
// the N customers leaves (mean lifetime 1 / (R p q) = 5 time units, the horizon 400), so each
// customer's count is seen in full.
TEST(Memory, WeightOneGivesTheGeometricClosedForm) {
  const double p = 0.5, q = 0.4;
  const RunResult r = run_text(base_model(run_block(0, 400, 20, 611), 1000, 1, p,
                                          "complain: 0, memory: {weight: 1, churn: [[0.5, " + num(q) + "]]}"));
  expect_churn_identities(r);
  EXPECT_TRUE(Covers("churn_rate = p q", kpi_values(r, Kpi::ChurnRate), p * q));
  EXPECT_TRUE(
      Covers("orders_before_leaving_mean = 1 / (p q)", kpi_values(r, Kpi::OrdersBeforeLeavingMean), 1 / (p * q)));
  for (const auto& x : r.replications) {
    EXPECT_EQ(K(x, Kpi::ChurnDefectRate), K(x, Kpi::ChurnRate));  // every loss follows a defect seen
    EXPECT_EQ(K(x, Kpi::ChurnSatisfiedRate), 0.0);
  }
  // Two contacts per order: every dissatisfied customer complains, the handling resolves with r;
  // the decision follows the handling, whose outcome alone counts (w = 1): churn p (1 - r) q.
  const double res = 0.25;
  const RunResult c = run_text(
      base_model(run_block(0, 400, 20, 612), 1000, 1, p,
                 "complain: 1, resolve: " + num(res) + ", memory: {weight: 1, churn: [[0.5, " + num(q) + "]]}"));
  expect_churn_identities(c);
  EXPECT_TRUE(Covers("churn_after_unresolved_rate = p (1 - r) q", kpi_values(c, Kpi::ChurnAfterUnresolvedRate),
                     p * (1 - res) * q));
  EXPECT_TRUE(Covers("orders_before_leaving_mean = 1 / (p (1 - r) q)", kpi_values(c, Kpi::OrdersBeforeLeavingMean),
                     1 / (p * (1 - res) * q)));
  for (const auto& x : c.replications) EXPECT_EQ(K(x, Kpi::ChurnRate), K(x, Kpi::ChurnAfterUnresolvedRate));
}

// One customer, every delivery bad (x = 0), w = 1/4 from 1: the score after order k is 0.75^k,
// 0.75, 0.5625, 0.421875, 0.31640625, 0.2373046875; the customer leaves when it falls below 0.3,
// after order 5 exactly, and the base is empty. satisfaction_mean is the time average of that
// step function over [0, t5), the customer's life, read from the orders' arrival times.
TEST(Memory, ExactScoresAndTheOrderAfterWhichTheCustomerLeaves) {
  eslabon::RunOptions o;
  o.threads = 1;
  o.record_orders = true;
  const RunResult r = eslabon::run_model(
      eslabon::load_model_text(
          base_model(run_block(0, 5000, 3, 613), 1, 0.1, 1, "complain: 0, memory: {weight: 0.25, churn: [[0.3, 1]]}"),
          "<test>"),
      o);
  const eslabon::Table orders = r.orders_table();
  const auto& rep = std::get<std::vector<std::int64_t>>(orders.find("replication")->data);
  const auto& arrival = std::get<std::vector<double>>(orders.find("arrival")->data);
  for (const auto& x : r.replications) {
    EXPECT_EQ(K(x, Kpi::OrdersDelivered), 5.0);
    EXPECT_EQ(K(x, Kpi::ChurnRate), 0.2);
    EXPECT_EQ(K(x, Kpi::ChurnDefectRate), 0.2);
    EXPECT_EQ(K(x, Kpi::OrdersBeforeLeavingMean), 5.0);
    std::vector<double> t;
    for (std::size_t i = 0; i < rep.size(); ++i)
      if (static_cast<std::uint64_t>(rep[i]) == x.replication) t.push_back(arrival[i]);
    ASSERT_EQ(t.size(), 5u);
    double area = t[0], s = 1;  // score 1 until the first delivery
    for (int k = 1; k < 5; ++k) {
      s *= 0.75;
      area += s * (t[k] - t[k - 1]);
    }
    EXPECT_NEAR(K(x, Kpi::SatisfactionMean), area / t[4], 1e-12);
    EXPECT_NEAR(K(x, Kpi::CustomerBase), t[4] / 5000, 1e-12);  // one customer until t5, then none
    // The bands: 1 (band 0.9-1.0) on [0, t1), 0.75 on [t1, t2), 0.5625 ... 0.3164 on [t4, t5).
    const double band9 = t[0], band7 = t[1] - t[0], band5 = t[2] - t[1], band4 = t[3] - t[2], band3 = t[4] - t[3];
    const double want[10] = {0, 0, 0, band3, band4, band5, 0, band7, 0, band9};
    for (int b = 0; b < 10; ++b) {
      EXPECT_NEAR(x.satisfaction[b][static_cast<int>(SatisfactionStat::Customers)], want[b] / 5000, 1e-12) << b;
      EXPECT_NEAR(x.satisfaction[b][static_cast<int>(SatisfactionStat::Share)], want[b] / t[4], 1e-12) << b;
    }
  }
}

// Two contacts per order: the delivery (bad, x = 0) and the handling of the complaint it draws
// (resolved, x = 1), w = 1/2 from 1: 0.5 then 0.75 (stays: 0.75 >= 0.7); 0.375 then 0.6875 < 0.7:
// the customer leaves after the handling of order 2, a good contact. The loss goes to the causes
// of their most recent bad contact, order 2's delivery (the skipped step's defect); the complaints
// go there too. A customer who starts at 0 and leaves after a good first delivery (0.2 < 0.5) has no
// bad contact on record: the loss is unattributed. (A second order arriving within the desk's
// 10^-6 h handling would interleave; at 0.01 orders per hour that never happens here.)
TEST(Memory, ExactLossAfterAGoodContactIsChargedToTheLastBadOne) {
  const RunResult r = run_text(base_model(run_block(0, 20000, 3, 614), 1, 0.01, 1,
                                          "complain: 1, resolve: 1, memory: {weight: 0.5, churn: [[0.7, 1]]}") +
                               "costs: {complaint: 10, lost_customer: 1000}\n");
  const std::size_t skip = index_of(r.origin_names, "skip:a");
  const std::size_t none = index_of(r.origin_names, "(unattributed)");
  for (const auto& x : r.replications) {
    EXPECT_EQ(K(x, Kpi::OrdersDelivered), 2.0);
    EXPECT_EQ(K(x, Kpi::ChurnAfterResolvedRate), 0.5);
    EXPECT_EQ(K(x, Kpi::ChurnRate), 0.5);
    EXPECT_EQ(K(x, Kpi::OrdersBeforeLeavingMean), 2.0);
    EXPECT_EQ(x.origins[skip][static_cast<int>(OriginStat::Copq)], 1020.0);
    EXPECT_EQ(x.origins[none][static_cast<int>(OriginStat::Copq)], 0.0);
    EXPECT_EQ(K(x, Kpi::CopqPerOrder), 510.0);
  }
  const RunResult u = run_text(base_model(run_block(0, 20000, 2, 615), 1, 0.01, 0,
                                          "complain: 0, memory: {weight: 0.2, start: 0, churn: [[0.5, 1]]}") +
                               "costs: {lost_customer: 1000}\n");
  for (const auto& x : u.replications) {
    EXPECT_EQ(K(x, Kpi::OrdersDelivered), 1.0);
    EXPECT_EQ(K(x, Kpi::ChurnSatisfiedRate), 1.0);
    EXPECT_EQ(K(x, Kpi::ChurnSilentRate), 1.0);
    EXPECT_EQ(x.origins[index_of(u.origin_names, "(unattributed)")][static_cast<int>(OriginStat::Copq)], 1000.0);
  }
}

// Contacts come to each customer as a Poisson stream independent of their outcomes, so the
// time-average score is the stationary mean of the smoothed outcomes, the mean outcome 1 - p,
// whatever w. With w = 1 the score is 0 or 1: the bands 0.0-0.1 and 0.9-1.0 hold p and 1 - p.
TEST(Memory, TimeAverageScoreIsTheMeanOutcome) {
  const double p = 0.3;
  for (double w : {0.3, 1.0}) {
    const RunResult r = run_text(
        base_model(run_block(100, 1000, 20, 616), 100, 0.5, p, "complain: 0, memory: {weight: " + num(w) + "}"));
    EXPECT_TRUE(Covers("satisfaction_mean = 1 - p, w = " + g(w), kpi_values(r, Kpi::SatisfactionMean), 1 - p));
    for (const auto& x : r.replications) {
      EXPECT_EQ(K(x, Kpi::ChurnRate), 0.0);
      EXPECT_TRUE(std::isnan(K(x, Kpi::OrdersBeforeLeavingMean)));  // nobody left
      double total = 0;
      for (const auto& band : x.satisfaction) total += band[static_cast<int>(SatisfactionStat::Share)];
      EXPECT_NEAR(total, 1.0, 1e-12);
    }
    if (w != 1.0) continue;
    std::vector<double> low, high;
    for (const auto& x : r.replications) {
      low.push_back(x.satisfaction[0][static_cast<int>(SatisfactionStat::Share)]);
      high.push_back(x.satisfaction[9][static_cast<int>(SatisfactionStat::Share)]);
      for (int b = 1; b < 9; ++b) EXPECT_EQ(x.satisfaction[b][static_cast<int>(SatisfactionStat::Share)], 0.0);
    }
    EXPECT_TRUE(Covers("w = 1: share of band 0.0-0.1 = p", low, p));
    EXPECT_TRUE(Covers("w = 1: share of band 0.9-1.0 = 1 - p", high, 1 - p));
  }
}

// With memory on and a fixed churn per order (w = 1, leave with 1 after a bad contact, never after
// a good one: q = sd) the base is the birth-death process of the finite base without memory
// (test_weak_links.cpp, 8b): n -> n + 1 at rate A (n < N), n -> n - 1 at rate r sd n, stationary
// law Poisson(A / (r sd)) cut at N.
TEST(Memory, TheBaseKeepsItsTruncatedPoissonSteadyState) {
  const double N = 1000, rate = 0.01, sd = 0.5, A = 2;
  const double rho = A / (rate * sd);
  double mass = 0, first = 0, term = std::exp(-rho);
  for (int n = 0; n <= static_cast<int>(N); ++n) {
    mass += term;
    first += n * term;
    term *= rho / (n + 1);
  }
  const RunResult r =
      run_text(base_model(run_block(4000, 20000, 20, 617), N, rate, sd,
                          "complain: 0, memory: {weight: 1, churn: [[0.5, 1]]}", ", acquisition: " + num(A)));
  expect_churn_identities(r);
  EXPECT_TRUE(
      Covers("customer_base = E[n], Poisson(A/(r sd)) cut at N", kpi_values(r, Kpi::CustomerBase), first / mass));
  EXPECT_TRUE(Covers("churn_rate = sd", kpi_values(r, Kpi::ChurnRate), sd));
}

// A loss after a good contact (w = 0.1: two bad deliveries take the score to 0.81, below 0.85,
// and good ones climb back only slowly) is charged to the customer's last bad contact, here always
// the one link's defects: nothing is unattributed (no warm-up: every bad contact is on a tagged
// order, and every customer starts at 1), and the ledger's rows add up to copq_per_order.
TEST(Memory, EveryLossHasAnOwnerAndTheRowsAddUp) {
  const RunResult r =
      run_text("name: memory ledger\n" + run_block(0, 3000, 10, 618) +
               "units: {A: {servers: 2}, B: {servers: 2}, desk: {servers: 1}}\n"
               "flows: {f: {arrivals: {customers: 300, rate_per_customer: 0.01, acquisition: 0.5},\n"
               "  tasks: {a: {unit: A, service: {exponential: {mean: 0.2}}}, b: {unit: B, service: 0.1, after: a}}}}\n"
               "links: [{from: a, to: b, defect: 0.3, detect: 0}]\n"
               "complaints: {unit: desk, service: 0.1, complain: 0.2, resolve: 0.5,\n"
               "  memory: {weight: 0.1, churn: [[0.85, 0.2]]}}\n"
               "costs: {complaint: 10, lost_customer: 500}\n");
  expect_churn_identities(r);
  const std::size_t none = index_of(r.origin_names, "(unattributed)");
  double satisfied = 0;
  for (const auto& x : r.replications) {
    double rows = 0;
    for (const auto& row : x.origins) rows += row[static_cast<int>(OriginStat::CopqPerOrder)];
    EXPECT_NEAR(rows, K(x, Kpi::CopqPerOrder), 1e-9 * K(x, Kpi::CopqPerOrder));
    EXPECT_EQ(x.origins[none][static_cast<int>(OriginStat::Copq)], 0.0);
    satisfied += K(x, Kpi::ChurnSatisfiedRate) + K(x, Kpi::ChurnAfterResolvedRate);
  }
  EXPECT_GT(satisfied, 0.0);  // losses after good contacts happened, and found their owner
}

// Memory off: `memory: null` and memory in a model without a finite base run as without it, bit
// for bit; the churn split by last straw still adds up, nobody leaves satisfied, and the
// satisfaction figures are empty.
TEST(Memory, OffChangesNothing) {
  const std::string plain = base_model(run_block(50, 500, 3, 619), 100, 0.05, 0.4,
                                       "complain: 0.3, resolve: 0.5, churn_if_silent: 0.3, churn_if_unresolved: 0.6");
  const RunResult a = run_text(plain);
  std::string nulled = plain;
  nulled.replace(nulled.find("complain: 0.3"), 0, "memory: null, ");
  const RunResult b = run_text(nulled);
  expect_churn_identities(a);
  EXPECT_TRUE(a.band_names.empty());
  for (std::size_t i = 0; i < a.replications.size(); ++i) {
    const auto& x = a.replications[i];
    EXPECT_TRUE(std::isnan(K(x, Kpi::SatisfactionMean)));
    EXPECT_TRUE(std::isnan(K(x, Kpi::OrdersBeforeLeavingMean)));
    EXPECT_EQ(K(x, Kpi::ChurnSatisfiedRate), 0.0);
    EXPECT_EQ(K(x, Kpi::ChurnDefectRate), K(x, Kpi::ChurnSilentRate));
    EXPECT_TRUE(x.satisfaction.empty());
    for (int k = 0; k < eslabon::kKpiCount; ++k)
      EXPECT_TRUE(x.kpi[k] == b.replications[i].kpi[k] ||
                  (std::isnan(x.kpi[k]) && std::isnan(b.replications[i].kpi[k])))
          << eslabon::kpi_names()[k];
  }
  const std::string open =
      "name: open\n" + run_block(50, 500, 2, 620) +
      "units: {A: {servers: 1}, desk: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 1}, tasks: {a: {unit: A, service: 0.5, skip: 0.5, skip_defect: 0.5}}}}\n"
      "complaints: {unit: desk, service: 0.1, complain: 0.3, churn_if_silent: 0.5";
  const RunResult c = run_text(open + "}\n"), d = run_text(open + ", memory: {weight: 0.5, churn: [[1, 1]]}}\n");
  EXPECT_TRUE(d.band_names.empty());
  for (std::size_t i = 0; i < c.replications.size(); ++i)
    for (int k = 0; k < eslabon::kKpiCount; ++k)
      EXPECT_TRUE(c.replications[i].kpi[k] == d.replications[i].kpi[k] ||
                  (std::isnan(c.replications[i].kpi[k]) && std::isnan(d.replications[i].kpi[k])))
          << eslabon::kpi_names()[k];
}

TEST(Memory, BadInputsArePositionedErrors) {
  const std::string head =
      "run: {horizon: 10}\nunits: {A: {servers: 1}}\n"
      "flows: {f: {arrivals: {customers: 10, rate_per_customer: 0.1}, tasks: {a: {unit: A, service: 1}}}}\n"
      "complaints: {unit: A, service: 1,\n  memory: ";
  auto err = [&](const std::string& memory) { return error_of(head + memory + "}\n"); };
  EXPECT_EQ(err("{start: 0.5}"),
            "m.yaml:5:11: complaints.memory.weight: missing; expected the weight of each new contact in the score, "
            "a number in (0, 1]");
  EXPECT_EQ(
      err("{weight: 0}"),
      "m.yaml:5:20: complaints.memory.weight: expected a number in (0, 1] (the weight of each new contact), got 0");
  EXPECT_EQ(err("{weight: 1.5}"),
            "m.yaml:5:20: complaints.memory.weight: expected a number in (0, 1] (the weight of each new contact), got "
            "1.5");
  EXPECT_EQ(err("{weight: 1, start: 2}"), "m.yaml:5:30: complaints.memory.start: expected a score in [0, 1], got 2");
  EXPECT_EQ(err("{weight: 1, churn: 0.3}"),
            "m.yaml:5:30: complaints.memory.churn: expected a list of [BELOW, PROBABILITY] rows, got 0.3");
  EXPECT_EQ(err("{weight: 1, churn: [0.3]}"),
            "m.yaml:5:31: complaints.memory.churn.0: expected a row [BELOW, PROBABILITY] (a score, and the chance to "
            "leave below it), got 0.3");
  EXPECT_EQ(err("{weight: 1, churn: [[0.5, 0.1], [0.4, 0.2]]}"),
            "m.yaml:5:44: complaints.memory.churn.1.0: expected a score above the previous row's (0.5), got 0.4");
  EXPECT_EQ(err("{weight: 1, churn: [[1.5, 0.1]]}"),
            "m.yaml:5:32: complaints.memory.churn.0.0: expected a score in [0, 1], got 1.5");
  EXPECT_EQ(err("{weight: 1, churn: [[0.5, 2]]}"),
            "m.yaml:5:37: complaints.memory.churn.0.1: expected a probability between 0 and 1, got 2");
  EXPECT_EQ(err("{weight: 1, outcomes: {late: -1}}"),
            "m.yaml:5:40: complaints.memory.outcomes.late: expected an outcome in [0, 1], got -1");
  EXPECT_NE(err("{weight: 1, outcomes: {lat: 0}}")
                .find("complaints.memory.outcomes.lat: unknown key (did you mean "
                      "'late'?); expected one of defect, late, offended, resolved, "
                      "unresolved"),
            std::string::npos);
  EXPECT_NE(err("{wieght: 1}").find("complaints.memory.wieght: unknown key (did you mean 'weight'?)"),
            std::string::npos);
  std::string big = head;
  big.replace(big.find("customers: 10"), 13, "customers: 2000000");
  EXPECT_EQ(error_of(big + "{weight: 1}}\n"),
            "m.yaml:5:11: complaints.memory: a finite base with memory holds at most 1000000 customers; flow f has "
            "2000000");
}
