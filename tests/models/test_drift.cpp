// The drift check (README "Steady state"): a model whose demand decays is flagged; a stationary
// M/M/1 past a long warm-up is not. Both verdicts are far from the rule's thresholds, so no
// seed decides them (see each test).

#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/results/drift.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include "run_text.hpp"

#include "oracle.hpp"

#include <cmath>
#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace eslabon_test;

using eslabon::DriftRow;
using eslabon::Kpi;
using eslabon::RunResult;

const DriftRow* row_of(const std::vector<DriftRow>& rows, Kpi k) {
  for (const DriftRow& d : rows)
    if (d.kpi == k) return &d;
  return nullptr;
}

void show(const std::vector<DriftRow>& rows) {
  for (const DriftRow& d : rows)
    std::cout << "  " << eslabon::kpi_names()[static_cast<int>(d.kpi)] << ": " << g(d.first) << " -> " << g(d.second)
              << ", difference " << g(d.difference.mean) << " [" << g(d.difference.low) << ", " << g(d.difference.high)
              << "], relative " << g(d.relative) << (d.drifting ? "  DRIFTS" : "") << "\n";
}

}  // namespace

// A finite base of 200 customers without acquisition, each ordering at 0.01/h: every order is
// late (a promise of 0.001 h), and a late customer leaves with churn_if_silent 0.2, so the base
// decays as 200 exp(-0.002 t). Over a window [0, 1000) it averages 200 (1 - 1/e) = 126 customers
// in the first half and 200 (1/e - 1/e^2) = 47 in the second: throughput and customer_base fall
// by 63%, a difference of dozens of its own standard errors, far beyond the 5% materiality.
TEST(Drift, ADecayingBaseDrifts) {
  const RunResult r = run_text("name: decay\n" + run_block(0, 1000, 10, 77) +
                               "units: {A: {servers: 1}, desk: {servers: 1}}\n"
                               "flows: {f: {arrivals: {customers: 200, rate_per_customer: 0.01}, due: 0.001,\n"
                               "  tasks: {a: {unit: A, service: {exponential: {mean: 0.1}}}}}}\n"
                               "complaints: {unit: desk, service: {exponential: {mean: 1}}, complain: 0, "
                               "churn_if_silent: 0.2}\n");
  const auto rows = eslabon::drift_check(r);
  show(rows);
  for (Kpi k : {Kpi::Throughput, Kpi::CustomerBase}) {
    const DriftRow* d = row_of(rows, k);
    ASSERT_NE(d, nullptr) << eslabon::kpi_names()[static_cast<int>(k)];
    EXPECT_TRUE(d->significant && d->material && d->drifting);
    EXPECT_LT(d->relative, -0.4);  // it falls
    EXPECT_EQ(d->difference.n, 10);
  }
  // The halves' own figures agree with the whole window's: the deliveries of the two halves are
  // the window's, and the base's two time averages average to the window's.
  for (const auto& x : r.replications) {
    const double tp = x.kpi[static_cast<int>(Kpi::Throughput)];
    EXPECT_NEAR(0.5 * (x.halves[2][0] + x.halves[2][1]), tp, 1e-12 * tp);
    const double base = x.kpi[static_cast<int>(Kpi::CustomerBase)];
    EXPECT_NEAR(0.5 * (x.halves[4][0] + x.halves[4][1]), base, 1e-9 * base);
  }
  // The table says the same, one row per KPI with a value.
  const eslabon::Table t = r.drift_table();
  EXPECT_EQ(t.rows(), rows.size());
}

// M/M/1 at load 0.5 (relaxation time about 12 h) after a warm-up of 2,000 h: stationary. Each
// half holds about 10,000 orders, so the mean over 10 replications of a KPI's difference between
// the halves has a standard error near 1% of the KPI or less: a material difference (5%) is more
// than 4 standard errors away, so no seed makes it drift. The test checks that margin too.
TEST(Drift, StationaryMM1DoesNotDrift) {
  const RunResult r = run_text("name: mm1\n" + run_block(2000, 40000, 10, 4242) +
                               "units: {A: {servers: 1}}\n"
                               "flows: {f: {arrivals: {poisson: 0.5}, due: 4,\n"
                               "  tasks: {a: {unit: A, service: {exponential: {mean: 1}}}}}}\n");
  const auto rows = eslabon::drift_check(r);
  show(rows);
  EXPECT_EQ(row_of(rows, Kpi::CustomerBase), nullptr) << "no finite base, no row";
  for (Kpi k : {Kpi::LeadTimeMean, Kpi::OnTimeRate, Kpi::Throughput, Kpi::CopqPerOrder}) {
    const DriftRow* d = row_of(rows, k);
    ASSERT_NE(d, nullptr) << eslabon::kpi_names()[static_cast<int>(k)];
    EXPECT_FALSE(d->drifting) << eslabon::kpi_names()[static_cast<int>(k)];
    const double standard_error = d->difference.std / std::sqrt(static_cast<double>(d->difference.n));
    if (k != Kpi::CopqPerOrder) {  // no cost at all here (below)
      EXPECT_GT(eslabon::kDriftMaterialShare * d->overall, 4 * standard_error)
          << eslabon::kpi_names()[static_cast<int>(k)];
    }
  }
  // No cost at all: both halves are 0, the difference exactly 0, not significant.
  EXPECT_FALSE(row_of(rows, Kpi::CopqPerOrder)->significant);
}
