// Counting errors of issue 9, one minimal model each (configs A-E of the issue): what a
// link's row, a KPI or a unit counts must be what README "What is measured" says, checked by
// a second counting route or an exact scenario where one exists, else against a closed form
// with the oracle's CI-derived tolerance (oracle.hpp).

#include <eslabon/core/confidence.hpp>
#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include "run_text.hpp"

#include "oracle.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace eslabon_test;

using eslabon::FlowStat;
using eslabon::Kpi;
using eslabon::LinkStat;
using eslabon::OriginStat;
using eslabon::ReplicationResult;
using eslabon::RunResult;
using eslabon::UnitStat;

double K(const ReplicationResult& r, Kpi k) { return r.kpi[static_cast<int>(k)]; }
double L(const ReplicationResult& r, std::size_t l, LinkStat s) { return r.links[l][static_cast<int>(s)]; }
double O(const ReplicationResult& r, std::size_t o, OriginStat s) { return r.origins[o][static_cast<int>(s)]; }
double F(const ReplicationResult& r, std::size_t f, FlowStat s) { return r.flows[f][static_cast<int>(s)]; }
double U(const ReplicationResult& r, std::size_t u, UnitStat s) { return r.units[u][static_cast<int>(s)]; }

}  // namespace

// A: b->c's defects can pass an attempt's inspection and still be sent back with that attempt
// (the a->b defect it carries is caught), then reach the customer. `escaped` counts b->c's
// defects delivered undetected, whichever attempt made them. Second route: with every carried
// defect visible (and nobody complaining), the origin's visible_defects counts the same defects.
TEST(CountingEscaped, EscapedIsThisLinksDefectsDeliveredUndetected) {
  const RunResult r = run_text(
      "run: {horizon: 20000, warmup: 1000, replications: 10, seed: 5}\n"
      "units: {A: {servers: 1}, B: {servers: 1}, C: {servers: 1}, desk: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.2}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},\n"
      "  b: {unit: B, service: {exponential: {mean: 1}}, after: a},\n"
      "  c: {unit: C, service: {exponential: {mean: 1}}, after: b}}}}\n"
      "links: [{from: a, to: b, defect: 1, detect: 0}, {from: b, to: c, defect: 0.5, detect: 0.5, on_detect: rework}]\n"
      "complaints: {unit: desk, service: 1, visible: 1, complain: 0}\n");
  const std::size_t bc = index_of(r.link_names, "b->c"), ab = index_of(r.link_names, "a->b");
  const std::size_t obc = index_of(r.origin_names, "b->c"), oab = index_of(r.origin_names, "a->b");
  ASSERT_EQ(r.replications.size(), 10u);
  for (const auto& x : r.replications) {
    ASSERT_EQ(K(x, Kpi::LossRate), 0);
    ASSERT_EQ(K(x, Kpi::OrdersUnfinished), 0);
    EXPECT_GT(L(x, bc, LinkStat::Escaped), 0);
    EXPECT_EQ(L(x, bc, LinkStat::Escaped), O(x, obc, OriginStat::VisibleDefects)) << "replication " << x.replication;
    EXPECT_EQ(L(x, ab, LinkStat::Escaped), O(x, oab, OriginStat::VisibleDefects)) << "replication " << x.replication;
  }
}

// B: a->b's defects are all caught at b and fixed at a unit that costs nothing; b->c's
// (uninspected at c) and c->d's are caught together at d and reworked at C (100 per hour).
// The cost of a rework goes to the origins caught at that inspection: a->b owes nothing.
TEST(CountingCost, ReworkCostGoesToTheOriginsCaughtAtThatInspection) {
  const RunResult r = run_text(
      "run: {horizon: 20000, warmup: 1000, replications: 10, seed: 5}\n"
      "units: {A: {servers: 1}, B: {servers: 1}, C: {servers: 1, cost_per_hour: 100}, D: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.1}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},\n"
      "  b: {unit: B, service: {exponential: {mean: 1}}, after: a},\n"
      "  c: {unit: C, service: {exponential: {mean: 1}}, after: b},\n"
      "  d: {unit: D, service: {exponential: {mean: 1}}, after: c}}}}\n"
      "links: [{from: a, to: b, defect: 1, detect: 1, on_detect: fix, fix_service: 0.001},\n"
      "  {from: b, to: c, defect: 0.5, detect: 0},\n"
      "  {from: c, to: d, defect: 0.5, detect: 1, on_detect: rework, rework_service: {exponential: {mean: 1}}}]\n");
  const std::size_t ab = index_of(r.link_names, "a->b"), bc = index_of(r.link_names, "b->c");
  const std::size_t cd = index_of(r.link_names, "c->d");
  for (const auto& x : r.replications) {
    EXPECT_GT(L(x, ab, LinkStat::Detected), 0);
    EXPECT_EQ(L(x, ab, LinkStat::Copq), 0) << "replication " << x.replication;
    EXPECT_GT(L(x, bc, LinkStat::Copq), 0);
    EXPECT_GT(L(x, cd, LinkStat::Copq), 0);
    EXPECT_NEAR(L(x, bc, LinkStat::Copq) + L(x, cd, LinkStat::Copq), K(x, Kpi::CopqPerOrder) * K(x, Kpi::OrdersArrived),
                1e-9 * L(x, cd, LinkStat::Copq));
  }
}

// C: the complaint desk holds one complaint (M/M/1/1): a complaint that finds it busy is
// turned away. complaint_resolution_time_mean averages the complaints handled, whose time
// from delivery to the end of handling is their service time, mean 4.
TEST(CountingComplaints, ResolutionTimeAveragesHandledComplaintsOnly) {
  const RunResult r = run_text(
      "run: {horizon: 20000, warmup: 1000, replications: 10, seed: 5}\n"
      "units: {A: {servers: 1}, desk: {servers: 1, capacity: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.5},\n"
      "  tasks: {a: {unit: A, service: {exponential: {mean: 1}}, skip: 0.5, skip_defect: 1}}}}\n"
      "complaints: {unit: desk, service: {exponential: {mean: 4}}, visible: 1, complain: 1, resolve: 1}\n");
  std::vector<double> xs;
  for (const auto& x : r.replications) {
    EXPECT_GT(U(x, index_of(r.unit_names, "desk"), UnitStat::Rejected), 0);  // some were turned away
    xs.push_back(K(x, Kpi::ComplaintResolutionTimeMean));
  }
  EXPECT_TRUE(Covers("C: complaint_resolution_time_mean = E[service] = 4 (handled complaints)", xs, 4.0));
}

// D: a->b's defects are never inspected at b, and c catches them all and sends b back. By
// origin, a->b owns what was caught of it and the rework it caused; b->c made no defect.
TEST(CountingOrigins, DetectedAndReworkTimeGoByOrigin) {
  const RunResult r = run_text(
      "run: {horizon: 20000, warmup: 1000, replications: 10, seed: 5}\n"
      "units: {A: {servers: 1}, B: {servers: 1, cost_per_hour: 60}, C: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.2}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},\n"
      "  b: {unit: B, service: {exponential: {mean: 1}}, after: a},\n"
      "  c: {unit: C, service: {exponential: {mean: 1}}, after: b}}}}\n"
      "links: [{from: a, to: b, defect: 0.5, detect: 0}, {from: b, to: c, defect: 0, detect: 1, on_detect: rework}]\n");
  const std::size_t ab = index_of(r.link_names, "a->b"), bc = index_of(r.link_names, "b->c");
  for (const auto& x : r.replications) {
    ASSERT_EQ(K(x, Kpi::LossRate), 0);
    for (std::size_t l : {ab, bc}) EXPECT_LE(L(x, l, LinkStat::Detected), L(x, l, LinkStat::Defects));
    EXPECT_GT(L(x, ab, LinkStat::Defects), 0);
    EXPECT_EQ(L(x, ab, LinkStat::Detected), L(x, ab, LinkStat::Defects)) << "c catches every one";
    EXPECT_EQ(L(x, ab, LinkStat::Escaped), 0);
    EXPECT_EQ(L(x, bc, LinkStat::Detected), 0);
    EXPECT_GT(L(x, ab, LinkStat::ReworkTime), 0);
    EXPECT_EQ(L(x, bc, LinkStat::ReworkTime), 0);
    EXPECT_NEAR(L(x, ab, LinkStat::Copq), 60 * L(x, ab, LinkStat::ReworkTime), 1e-9 * L(x, ab, LinkStat::Copq));
    EXPECT_EQ(L(x, bc, LinkStat::Copq), 0);
  }
}

// E: an order of flow `both` needs l at L (2 h) and r at R (3 h), sources visited by name (l
// first); an order of flow `one` needs only l at L (1 h). Each unit has one server and holds 2
// jobs. both-orders arrive at 1, 2, 3, ...: at 3, l1 is done, l2 starts and l3 joins L's line,
// then r3 finds R full (r1 in service until 4, r2 waiting): the order is lost and l3 leaves
// L's line at once. The one-order arriving at 3.5 then finds a place at L, waits for l2 and
// is served 5 to 6: lead time 2.5. (Were l3 left in the line until it came up, L would be
// full at 3.5 and the one-order lost too.) Both-orders 1 and 2 are delivered at 4 and 7.
TEST(CountingLoss, ALostOrdersQueuedWorkFreesItsPlaceAtOnce) {
  const RunResult r = run_text(
      "run: {horizon: 4, warmup: 0, replications: 1, seed: 5}\n"
      "units: {L: {servers: 1, capacity: 2}, R: {servers: 1, capacity: 2}}\n"
      "flows:\n"
      "  both: {arrivals: {interarrival: 1}, tasks: {l: {unit: L, service: 2}, r: {unit: R, service: 3}}}\n"
      "  one: {arrivals: {interarrival: 3.5}, tasks: {l: {unit: L, service: 1}}}\n");
  ASSERT_EQ(r.replications.size(), 1u);
  const auto& x = r.replications[0];
  const std::size_t both = index_of(r.flow_names, "both"), one = index_of(r.flow_names, "one");
  const std::size_t ul = index_of(r.unit_names, "L"), ur = index_of(r.unit_names, "R");
  EXPECT_EQ(K(x, Kpi::OrdersUnfinished), 0);
  EXPECT_EQ(F(x, both, FlowStat::OrdersArrived), 3);
  EXPECT_DOUBLE_EQ(F(x, both, FlowStat::LossRate), 1.0 / 3);
  EXPECT_EQ(F(x, both, FlowStat::LeadTimeMean), (3.0 + 5.0) / 2);
  EXPECT_EQ(F(x, one, FlowStat::OrdersArrived), 1);
  EXPECT_EQ(F(x, one, FlowStat::LossRate), 0);
  EXPECT_EQ(F(x, one, FlowStat::LeadTimeMean), 2.5);
  EXPECT_EQ(U(x, ul, UnitStat::Rejected), 0);
  EXPECT_EQ(U(x, ur, UnitStat::Rejected), 1);
  // L's queue over [0, 4]: l2 waits 2 to 3; l3 joins at 3 and leaves at once; the one-order
  // waits from 3.5.
  EXPECT_DOUBLE_EQ(U(x, ul, UnitStat::MeanQueue), (1.0 + 0.5) / 4);
}

// Links without an SLA have no sla_met_rate.
TEST(CountingRates, SlaMetRateIsEmptyWithoutAnSla) {
  const RunResult r = run_text(
      "run: {horizon: 200, warmup: 0, replications: 2, seed: 5}\n"
      "units: {A: {servers: 1}, B: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.2}, tasks: {a: {unit: A, service: 1}, b: {unit: B, service: 1, after: a}}}}\n"
      "links: [{from: a, to: b, defect: 0.1}]\n");
  for (const auto& x : r.replications) EXPECT_TRUE(std::isnan(L(x, 0, LinkStat::SlaMetRate)));
  EXPECT_TRUE(std::isnan(r.link_stat(0, LinkStat::SlaMetRate).mean));
}

// A proportion's confidence interval stays within [0, 1]; other figures keep the t-interval.
TEST(CountingRates, ProportionIntervalsAreClippedToZeroOne) {
  RunResult r;
  r.unit_names = {"u"};
  r.flow_names = {"f"};
  r.link_names = {"a->b"};
  r.origin_names = {"a->b", "(unattributed)"};
  for (int i = 0; i < 2; ++i) {
    ReplicationResult x;
    x.replication = static_cast<std::uint64_t>(i);
    x.kpi.fill(i ? 0.95 : 0.05);
    x.units.resize(1);
    x.units[0].fill(i ? 0.95 : 0.05);
    x.flows.resize(1);
    x.flows[0].fill(i ? 0.95 : 0.05);
    x.links.resize(1);
    x.links[0].fill(i ? 0.95 : 0.05);
    x.origins.resize(2);
    for (auto& o : x.origins) o.fill(i ? 0.95 : 0.05);
    r.replications.push_back(std::move(x));
  }
  const double h = eslabon::confidence_interval(std::vector<double>{0.05, 0.95}).half_width();
  ASSERT_GT(h, 0.5);  // the plain t-interval leaves [0, 1] on both sides
  auto clipped = [](const eslabon::Interval& iv) { return iv.low == 0 && iv.high == 1 && iv.mean == 0.5; };
  auto plain = [&](const eslabon::Interval& iv) { return iv.low == 0.5 - h && iv.high == 0.5 + h; };
  for (Kpi k : {Kpi::OnTimeRate, Kpi::LossRate, Kpi::DefectEscapeRate, Kpi::VisibleDefectRate, Kpi::PerfectOrderRate,
                Kpi::ComplaintRate, Kpi::ChurnRate})
    EXPECT_TRUE(clipped(r.kpi(k))) << eslabon::kpi_names()[static_cast<int>(k)];
  for (Kpi k : {Kpi::LeadTimeMean, Kpi::ReworkPerOrder, Kpi::CopqPerOrder, Kpi::Throughput})
    EXPECT_TRUE(plain(r.kpi(k))) << eslabon::kpi_names()[static_cast<int>(k)];
  EXPECT_TRUE(clipped(r.flow_stat(0, FlowStat::OnTimeRate)));
  EXPECT_TRUE(clipped(r.flow_stat(0, FlowStat::LossRate)));
  EXPECT_TRUE(plain(r.flow_stat(0, FlowStat::LeadTimeMean)));
  EXPECT_TRUE(clipped(r.link_stat(0, LinkStat::SlaMetRate)));
  EXPECT_TRUE(plain(r.link_stat(0, LinkStat::ReworkTime)));
  EXPECT_TRUE(clipped(r.unit_stat(0, UnitStat::Utilisation)));
  EXPECT_TRUE(clipped(r.unit_stat(0, UnitStat::Availability)));
  EXPECT_TRUE(plain(r.unit_stat(0, UnitStat::MeanQueue)));
  EXPECT_TRUE(clipped(r.origin_stat(0, OriginStat::VisibleShare)));
  EXPECT_TRUE(clipped(r.origin_stat(0, OriginStat::CopqShare)));
  EXPECT_TRUE(plain(r.origin_stat(0, OriginStat::Copq)));
  // The summary tables carry the same bounds.
  const eslabon::Table t = r.summary_table();
  const auto& low = std::get<std::vector<double>>(t.find("ci_low")->data);
  const auto& kpi = std::get<std::vector<std::string>>(t.find("kpi")->data);
  EXPECT_EQ(low[index_of(kpi, "on_time_rate")], 0.0);
  EXPECT_EQ(low[index_of(kpi, "lead_time_mean")], 0.5 - h);
}
