// Who pays (README "Who pays"): every cost is charged to causes. Exact scenarios for the rules
// (a late penalty by the order's lateness split; complaint and churn by the defects the
// customer saw, else by that lateness, held while the complaint waits), and the bound
// on what stays unattributed in the example model.

#include <eslabon/core/confidence.hpp>
#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include "run_text.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace {

using eslabon_test::run_text;

using eslabon::Kpi;
using eslabon::OriginStat;
using eslabon::RunResult;

std::size_t row(const RunResult& r, const std::string& name) {
  auto it = std::find(r.origin_names.begin(), r.origin_names.end(), name);
  EXPECT_NE(it, r.origin_names.end()) << "no ledger row '" << name << "'";
  return static_cast<std::size_t>(it - r.origin_names.begin());
}

// Two flows of one task at A (service 2) arrive together every 10 h; `f1` enters first (names
// order simultaneous arrivals), so `f2` waits 2 h. f1 (due 1) is 1 h late, all of it its own
// service: its costs go to service:A. f2 (due 1.5) is 2.5 h late: the 2 h in the queue
// (avoidable) take 2 of it, its service the remaining 0.5, so its costs split 4:1.
const char* kTwoFlows =
    "run: {horizon: 1000, warmup: 100, replications: 2, seed: 1}\n"
    "units: {A: {servers: 1}, desk: {servers: 1}}\n"
    "flows:\n"
    "  f1: {arrivals: {interarrival: 10}, due: 1, tasks: {a: {unit: A, service: 2}}}\n"
    "  f2: {arrivals: {interarrival: 10}, due: 1.5, tasks: {b: {unit: A, service: 2}}}\n";

}  // namespace

TEST(WhoPays, LatePenaltyFollowsTheLatenessSplit) {
  const RunResult r = run_text(std::string(kTwoFlows) + "costs: {late_penalty: 10}\n");
  const std::size_t service = row(r, "service:A"), queue = row(r, "queue:A"), none = row(r, "(unattributed)");
  for (const auto& x : r.replications) {
    ASSERT_DOUBLE_EQ(x.kpi[static_cast<int>(Kpi::OnTimeRate)], 0.0);
    // Per pair of orders: f1's 10 to service; f2's 10 split 8 (queue) and 2 (service).
    EXPECT_NEAR(x.origins[service][static_cast<int>(OriginStat::CopqPerOrder)], (10 + 2) / 2.0, 1e-9);
    EXPECT_NEAR(x.origins[queue][static_cast<int>(OriginStat::CopqPerOrder)], 8 / 2.0, 1e-9);
    EXPECT_EQ(x.origins[none][static_cast<int>(OriginStat::Copq)], 0.0);
    EXPECT_NEAR(x.kpi[static_cast<int>(Kpi::CopqPerOrder)], 10.0, 1e-9);
  }
}

// The same orders complain (late deliveries dissatisfy) and, unresolved, leave. A complaint
// waits at the desk (5 h each, so f2's waits behind f1's): its customer's loss is charged when
// handling ends, by the weights held for that order since delivery.
TEST(WhoPays, ComplaintAndChurnOfALateOrderFollowItsLateness) {
  const RunResult r = run_text(std::string(kTwoFlows) +
                               "complaints: {unit: desk, service: 5, complain: 1, resolve: 0, churn_if_unresolved: 1}\n"
                               "costs: {late_penalty: 10, complaint: 100, lost_customer: 1000}\n");
  const std::size_t service = row(r, "service:A"), queue = row(r, "queue:A"), none = row(r, "(unattributed)");
  for (const auto& x : r.replications) {
    ASSERT_DOUBLE_EQ(x.kpi[static_cast<int>(Kpi::ChurnRate)], 1.0);
    const double pair = 10 + 100 + 1000;  // what each late order costs
    EXPECT_NEAR(x.origins[service][static_cast<int>(OriginStat::CopqPerOrder)], (pair + 0.2 * pair) / 2, 1e-9);
    EXPECT_NEAR(x.origins[queue][static_cast<int>(OriginStat::CopqPerOrder)], 0.8 * pair / 2, 1e-9);
    EXPECT_EQ(x.origins[none][static_cast<int>(OriginStat::Copq)], 0.0);
  }
}

// A defect the customer sees takes the dissatisfaction's costs even when the order is also
// late; the late penalty still follows the lateness (here all service: the promise is tighter
// than the work).
TEST(WhoPays, VisibleDefectsTakeComplaintAndChurnLatenessTakesThePenalty) {
  const RunResult r = run_text(
      "run: {horizon: 1000, warmup: 100, replications: 2, seed: 1}\n"
      "units: {A: {servers: 1}, B: {servers: 1}, desk: {servers: 1}}\n"
      "flows: {f: {arrivals: {interarrival: 10}, due: 1, tasks: {a: {unit: A, service: 1},\n"
      "  b: {unit: B, service: 1, after: a}}}}\n"
      "links: [{from: a, to: b, defect: 1, detect: 0}]\n"
      "complaints: {unit: desk, service: 1, visible: 1, complain: 1, resolve: 0, churn_if_unresolved: 1}\n"
      "costs: {late_penalty: 10, complaint: 100, lost_customer: 1000}\n");
  const std::size_t link = row(r, "a->b"), sa = row(r, "service:A"), sb = row(r, "service:B");
  for (const auto& x : r.replications) {
    EXPECT_NEAR(x.origins[link][static_cast<int>(OriginStat::CopqPerOrder)], 1100, 1e-9);
    EXPECT_NEAR(x.origins[sa][static_cast<int>(OriginStat::CopqPerOrder)], 5, 1e-9);
    EXPECT_NEAR(x.origins[sb][static_cast<int>(OriginStat::CopqPerOrder)], 5, 1e-9);
    EXPECT_NEAR(x.origins[link][static_cast<int>(OriginStat::VisibleShare)], 1, 1e-12);
  }
}

// The ledger's rows add up to the KPI, and on the example model almost nothing is left without
// a cause (the bound: under 5% of the cost of poor quality).
TEST(WhoPays, WeakLinkExampleLeavesUnder5PercentUnattributed) {
  eslabon::RunOptions o;
  o.threads = 2;
  o.replications = 4;
  const RunResult r = eslabon::run_model(eslabon::load_model_file(ESLABON_SOURCE_DIR "/configs/weak_link.yaml"), o);
  const std::size_t none = row(r, "(unattributed)");
  for (const auto& x : r.replications) {
    double sum = 0;
    for (const auto& g : x.origins) sum += g[static_cast<int>(OriginStat::CopqPerOrder)];
    EXPECT_NEAR(sum, x.kpi[static_cast<int>(Kpi::CopqPerOrder)], 1e-9 * sum);
  }
  const auto share = r.origin_stat(none, OriginStat::CopqShare);
  EXPECT_LT(share.high, 0.05) << "unattributed share " << share.mean;
  // The lateness rows carry most of it (queues and outages), the links their defects' share.
  EXPECT_GT(r.origin_stat(row(r, "queue:production"), OriginStat::Copq).mean, 0);
  EXPECT_GT(r.origin_stat(row(r, "outage:production"), OriginStat::Copq).mean, 0);
  EXPECT_GT(r.origin_stat(row(r, "purchase->produce"), OriginStat::Copq).mean, 0);
}
