// The complaint iceberg (issue 9, item 5): dissatisfied customers, the silent ones, churn by
// path and complaints a full desk turns away. Identities that hold replication by replication
// (the paths partition the dissatisfied customers and the churn), then closed forms with the
// oracle's CI-derived tolerance (oracle.hpp).

#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include "run_text.hpp"

#include "oracle.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace eslabon_test;

using eslabon::Kpi;
using eslabon::ReplicationResult;
using eslabon::RunResult;

double K(const ReplicationResult& r, Kpi k) { return r.kpi[static_cast<int>(k)]; }

std::vector<double> values(const RunResult& r, Kpi k) {
  std::vector<double> xs;
  for (const auto& x : r.replications) xs.push_back(K(x, k));
  return xs;
}

// Every order skips its only task and carries a defect its customer sees (skip 1, skip_defect 1,
// visible 1), so it is delivered at its arrival instant and every customer is dissatisfied.
// Deliveries, and so complaints (a thinning with `complain`), are Poisson streams.
std::string every_order_dissatisfied(double rate, const std::string& desk, double desk_mean, double complain,
                                     std::uint64_t seed) {
  return "name: iceberg\n" + run_block(1000, 20000, 20, seed) + "units: {A: {servers: 1}, desk: " + desk +
         "}\n"
         "flows: {f: {arrivals: {poisson: " +
         num(rate) +
         "}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}, skip: 1, skip_defect: 1}}}}\n"
         "complaints: {unit: desk, service: {exponential: {mean: " +
         num(desk_mean) + "}}, visible: 1, complain: " + num(complain) +
         ", resolve: 0.7, churn_if_resolved: 0.1, churn_if_unresolved: 0.5, churn_if_silent: 0.3}\n";
}

// What must hold in every replication: every delivered customer is dissatisfied; the
// dissatisfied either complain or stay silent; churn is the sum of its three paths.
void expect_identities(const RunResult& r) {
  for (const auto& x : r.replications) {
    EXPECT_EQ(K(x, Kpi::DissatisfiedRate), 1.0);
    EXPECT_NEAR(K(x, Kpi::SilentRate) + K(x, Kpi::ComplaintRate), 1.0, 1e-12);
    EXPECT_NEAR(K(x, Kpi::SilentToComplaintRatio), K(x, Kpi::SilentRate) / K(x, Kpi::ComplaintRate), 1e-12);
    EXPECT_NEAR(K(x, Kpi::ChurnAfterResolvedRate) + K(x, Kpi::ChurnAfterUnresolvedRate) + K(x, Kpi::ChurnSilentRate),
                K(x, Kpi::ChurnRate), 1e-12);
  }
}

}  // namespace

// A desk that never fills: the paths' shares are products of the config's probabilities.
TEST(Iceberg, PathsAreProductsOfTheProbabilities) {
  const double c = 0.4, resolve = 0.7, cr = 0.1, cu = 0.5, cs = 0.3;
  const RunResult r = run_text(every_order_dissatisfied(0.5, "{servers: 1}", 0.5, c, 901));
  expect_identities(r);
  for (const auto& x : r.replications) EXPECT_EQ(K(x, Kpi::ComplaintsTurnedAway), 0.0);
  EXPECT_TRUE(Covers("silent_rate = 1 - complain", values(r, Kpi::SilentRate), 1 - c));
  EXPECT_TRUE(Covers("silent_to_complaint_ratio = (1 - c) / c", values(r, Kpi::SilentToComplaintRatio), (1 - c) / c));
  EXPECT_TRUE(
      Covers("churn_after_resolved_rate = c resolve cr", values(r, Kpi::ChurnAfterResolvedRate), c * resolve * cr));
  EXPECT_TRUE(Covers("churn_after_unresolved_rate = c (1 - resolve) cu", values(r, Kpi::ChurnAfterUnresolvedRate),
                     c * (1 - resolve) * cu));
  EXPECT_TRUE(Covers("churn_silent_rate = (1 - c) cs", values(r, Kpi::ChurnSilentRate), (1 - c) * cs));
}

// A desk of one server and no waiting room (M/M/1/1) fed by Poisson complaints of offered load
// a turns away the share B(1, a) = a / (1 + a) (Erlang's loss formula; Poisson arrivals see
// time averages). A complaint turned away is not resolved: it churns with churn_if_unresolved.
TEST(Iceberg, TurnedAwayIsErlangLoss) {
  const double rate = 0.5, c = 1.0, mean = 1.0, resolve = 0.7, cr = 0.1, cu = 0.5;
  const double a = rate * c * mean, B = a / (1 + a);
  const RunResult r = run_text(every_order_dissatisfied(rate, "{servers: 1, capacity: 1}", mean, c, 902));
  expect_identities(r);
  for (const auto& x : r.replications) EXPECT_EQ(K(x, Kpi::SilentRate), 0.0);
  EXPECT_TRUE(Covers("complaints_turned_away = c B(1, a)", values(r, Kpi::ComplaintsTurnedAway), c * B));
  EXPECT_TRUE(Covers("churn_after_resolved_rate = c (1 - B) resolve cr", values(r, Kpi::ChurnAfterResolvedRate),
                     c * (1 - B) * resolve * cr));
  EXPECT_TRUE(Covers("churn_after_unresolved_rate = c (B + (1 - B)(1 - resolve)) cu",
                     values(r, Kpi::ChurnAfterUnresolvedRate), c * (B + (1 - B) * (1 - resolve)) * cu));
}

// Without a complaints section its defaults hold (visible 1, late_dissatisfies, complain 0):
// every late customer is dissatisfied and silent, and nobody leaves. A promise of 0.1 h on
// work of 1 h makes most deliveries late.
TEST(Iceberg, WithoutComplaintsSectionLateCustomersAreSilent) {
  const RunResult r = run_text("name: plain\n" + run_block(0, 200, 2, 1) +
                               "units: {A: {servers: 1}}\n"
                               "flows: {f: {arrivals: {poisson: 0.5}, due: 0.1, tasks: {a: {unit: A, service: "
                               "{exponential: {mean: 1}}}}}}\n");
  for (const auto& x : r.replications) {
    EXPECT_GT(K(x, Kpi::DissatisfiedRate), 0.5);
    EXPECT_NEAR(K(x, Kpi::DissatisfiedRate), 1 - K(x, Kpi::OnTimeRate), 1e-12);
    EXPECT_EQ(K(x, Kpi::SilentRate), K(x, Kpi::DissatisfiedRate));
    for (Kpi k : {Kpi::ComplaintRate, Kpi::ChurnRate, Kpi::ChurnAfterResolvedRate, Kpi::ChurnAfterUnresolvedRate,
                  Kpi::ChurnSilentRate, Kpi::ComplaintsTurnedAway})
      EXPECT_EQ(K(x, k), 0.0);
    EXPECT_TRUE(std::isnan(K(x, Kpi::SilentToComplaintRatio)));
  }
}
