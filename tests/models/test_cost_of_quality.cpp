// The cost of quality in its four classic categories (issue 10, feature 8): prevention,
// appraisal (inspection), internal failure (rework, fix, scrap, contract penalties) and
// external failure (late penalties, complaints, lost customers); and inspection false alarms.
// README "Cost of quality".

#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "run_text.hpp"

#include <cmath>
#include <string>

namespace {

using namespace eslabon_test;
using eslabon::Kpi;
using eslabon::LinkStat;
using eslabon::OriginStat;
using eslabon::RunResult;

double K(const eslabon::ReplicationResult& x, Kpi k) { return x.kpi[static_cast<int>(k)]; }

}  // namespace

// A good handoff sent back with probability p at each receipt: the redos per order are
// geometric, p / (1 - p), every one a false alarm, all on the link's own row.
TEST(CostOfQuality, FalseAlarmReworkRateIsGeometric) {
  const double p = 0.2;
  const RunResult r = run_text("name: alarms\n" + run_block(500, 20000, 10, 21) +
                               "units: {A: {servers: 2, cost_per_hour: 30}, B: {servers: 2}}\n"
                               "flows: {f: {arrivals: {poisson: 0.5}, tasks: {\n"
                               "  a: {unit: A, service: {exponential: {mean: 1}}},\n"
                               "  b: {unit: B, service: {exponential: {mean: 1}}, after: a}}}}\n"
                               "links: [{from: a, to: b, false_alarm: " + num(p) +
                               ", on_detect: rework, rework_service: 0.5}]\n");
  const std::size_t link = index_of(r.link_names, "a->b"), row = index_of(r.origin_names, "a->b");
  std::vector<double> reworks, alarm_share;
  for (const auto& x : r.replications) {
    reworks.push_back(K(x, Kpi::ReworkPerOrder));
    const double alarms = x.links[link][static_cast<int>(LinkStat::FalseAlarms)];
    const double handoffs = x.links[link][static_cast<int>(LinkStat::Handoffs)];
    alarm_share.push_back(alarms / handoffs);
    EXPECT_EQ(x.links[link][static_cast<int>(LinkStat::Defects)], 0);
    EXPECT_EQ(x.links[link][static_cast<int>(LinkStat::Detected)], 0);
    // Every redo is a rework_service of 0.5 h at 30 per hour, on the link's row, internal failure.
    EXPECT_NEAR(x.links[link][static_cast<int>(LinkStat::ReworkTime)], 0.5 * alarms, 1e-9 * alarms);
    EXPECT_NEAR(x.origins[row][static_cast<int>(OriginStat::Copq)], 15 * alarms, 1e-9 * alarms);
    EXPECT_NEAR(K(x, Kpi::CopqInternalFailure), K(x, Kpi::CopqPerOrder), 1e-12);
  }
  EXPECT_TRUE(Covers("rework_per_order = p / (1 - p)", reworks, p / (1 - p)));
  EXPECT_TRUE(Covers("false alarms per handoff = p", alarm_share, p));
}

// A false alarm under on_detect: fix adds one fix_service at the receiver, exactly.
TEST(CostOfQuality, AFalseAlarmUnderFixAddsTheFixWork) {
  const RunResult r = run_text(
      "run: {horizon: 1000, warmup: 100, replications: 2, seed: 2}\n"
      "units: {A: {servers: 1}, B: {servers: 1, cost_per_hour: 60}}\n"
      "flows: {f: {arrivals: {interarrival: 10}, tasks: {a: {unit: A, service: 1}, b: {unit: B, service: 1, after: a}}}}\n"
      "links: [{from: a, to: b, false_alarm: 1, on_detect: fix, fix_service: 0.5}]\n");
  for (const auto& x : r.replications) {
    EXPECT_DOUBLE_EQ(K(x, Kpi::LeadTimeMean), 2.5);  // a 1 h, b 1 h + 0.5 h fixing nothing
    EXPECT_DOUBLE_EQ(K(x, Kpi::ReworkPerOrder), 0);  // fixed in place, nothing redone
    EXPECT_NEAR(K(x, Kpi::CopqPerOrder), 30, 1e-12);  // 0.5 h at 60 per hour
  }
}

// Inspection costs (appraisal) are charged per attempt the receiver inspects; prevention per
// time unit of the window; the four categories add up to copq_per_order exactly, and the
// ledger's rows still add up to it too.
TEST(CostOfQuality, CategoriesAddUpAndAppraisalAndPreventionAreExact) {
  eslabon::RunOptions o;
  o.threads = 2;
  o.replications = 4;
  const eslabon::Model m = eslabon::load_model_file(ESLABON_SOURCE_DIR "/configs/weak_link.yaml",
                                                    {{"links.purchase->produce.inspection_cost", "3"},
                                                     {"links.purchase->produce.false_alarm", "0.05"},
                                                     {"costs.prevention", "2"},
                                                     {"run.horizon", "5000"},
                                                     {"run.warmup", "500"}});
  const RunResult r = eslabon::run_model(m, o);
  const std::size_t link = index_of(r.link_names, "purchase->produce");
  const std::size_t prevention = index_of(r.origin_names, "(prevention)");
  for (const auto& x : r.replications) {
    const double sum = K(x, Kpi::CopqPrevention) + K(x, Kpi::CopqAppraisal) + K(x, Kpi::CopqInternalFailure) +
                       K(x, Kpi::CopqExternalFailure);
    EXPECT_NEAR(sum, K(x, Kpi::CopqPerOrder), 1e-9 * sum);
    double rows = 0;
    for (const auto& g : x.origins) rows += g[static_cast<int>(OriginStat::CopqPerOrder)];
    EXPECT_NEAR(rows, K(x, Kpi::CopqPerOrder), 1e-9 * rows);
    // Appraisal: 3 per inspected attempt (every attempt reached the receiver: no lost handoffs
    // here). In money: the per-order figure times the delivered tagged orders (total / per order).
    double total = 0;
    for (const auto& g : x.origins) total += g[static_cast<int>(OriginStat::Copq)];
    const double delivered = total / K(x, Kpi::CopqPerOrder);
    const double inspected = x.links[link][static_cast<int>(LinkStat::Handoffs)];
    EXPECT_EQ(x.links[link][static_cast<int>(LinkStat::Lost)], 0);
    EXPECT_NEAR(K(x, Kpi::CopqAppraisal) * delivered, 3 * inspected, 1e-9 * inspected);
    EXPECT_NEAR(x.origins[prevention][static_cast<int>(OriginStat::Copq)], 2 * (5000 - 500), 1e-9);
    EXPECT_GT(x.links[link][static_cast<int>(LinkStat::FalseAlarms)], 0);
  }
}
