// People (README "People"; issue 10, feature 5): a unit's staff training and motivation scale
// its service speed and its error rates (defects on the links it supplies, skips of its tasks).

#include <models/config/config_error.hpp>
#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/analytic.hpp>
#include <models/studies/rank.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "run_text.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace {

using namespace eslabon_test;
using eslabon::Kpi;
using eslabon::LinkStat;
using eslabon::RunResult;

const std::string kChain =
    "run: {horizon: 20000, warmup: 500, replications: 10, seed: 31}\n"
    "units: {A: {servers: 1, staff: {training: 0.5}}, B: {servers: 1, staff: {motivation: 0.8}}}\n"
    "flows: {f: {arrivals: {poisson: 0.2}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},\n"
    "  b: {unit: B, service: {exponential: {mean: 1}}, after: a, skip: 0.2}}}}\n"
    "links: [{from: a, to: b, defect: 0.1, detect: 0}]\n";

}  // namespace

// Half-trained staff at A make twice the defects on the link A supplies; B's staff at 0.8
// motivation skip 0.2 / 0.8 = 0.25 of its steps. Service: A's work takes 1 / 0.5 = 2 h.
TEST(People, TrainingAndMotivationScaleErrorsAndSpeed) {
  const RunResult r = run_text(kChain);
  const std::size_t ab = index_of(r.link_names, "a->b"), A = index_of(r.unit_names, "A");
  const std::size_t B = index_of(r.unit_names, "B");
  std::vector<double> defect_share, utilisation, served;
  for (const auto& x : r.replications) {
    served.push_back(x.units[B][static_cast<int>(eslabon::UnitStat::Throughput)]);
    defect_share.push_back(x.links[ab][static_cast<int>(LinkStat::Defects)] /
                           x.links[ab][static_cast<int>(LinkStat::Handoffs)]);
    utilisation.push_back(x.units[A][static_cast<int>(eslabon::UnitStat::Utilisation)]);
  }
  EXPECT_TRUE(Covers("defects per handoff = 0.1 / training", defect_share, 0.2));
  EXPECT_TRUE(Covers("utilisation of A = lambda E[S] / speed", utilisation, 0.2 * 1 / 0.5));
  EXPECT_TRUE(Covers("B serves the steps it does not skip: lambda (1 - 0.2 / 0.8)", served, 0.2 * 0.75));
}

// Exact: deterministic work of 2 h done by staff twice as fast takes 1 h; a defect probability
// of 0.6 at half the training is certain (capped at 1).
TEST(People, ExactSpeedAndCappedErrors) {
  const RunResult r = run_text(
      "run: {horizon: 1000, warmup: 100, replications: 2, seed: 1}\n"
      "units: {A: {servers: 1, staff: {training: 2}}, B: {servers: 1, staff: {training: 0.5}}, C: {servers: 1}}\n"
      "flows: {f: {arrivals: {interarrival: 10}, tasks: {a: {unit: A, service: 2},\n"
      "  b: {unit: B, service: 1, after: a}, c: {unit: C, service: 1, after: b}}}}\n"
      "links: [{from: b, to: c, defect: 0.6, detect: 0}]\n");
  const std::size_t bc = index_of(r.link_names, "b->c");
  for (const auto& x : r.replications) {
    EXPECT_DOUBLE_EQ(x.kpi[static_cast<int>(Kpi::LeadTimeMean)], 1 + 2 + 1);  // 2/2 + 1/0.5 + 1
    EXPECT_EQ(x.links[bc][static_cast<int>(LinkStat::Defects)], x.links[bc][static_cast<int>(LinkStat::Handoffs)]);
  }
}

// Staff at the reference level (1) is the config without staff, bit for bit.
TEST(People, ReferenceStaffChangesNothing) {
  const std::string plain = "run: {horizon: 3000, warmup: 100, replications: 2, seed: 4}\n"
                            "units: {A: {servers: 1}, B: {servers: 1}}\n"
                            "flows: {f: {arrivals: {poisson: 0.5}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},\n"
                            "  b: {unit: B, service: {exponential: {mean: 1}}, after: a, skip: 0.1}}}}\n"
                            "links: [{from: a, to: b, defect: 0.1, detect: 0.5}]\n";
  std::string staffed = plain;
  staffed.replace(staffed.find("A: {servers: 1}"), 15, "A: {servers: 1, staff: {training: 1, motivation: 1, courtesy: 1}}");
  const RunResult a = run_text(plain), b = run_text(staffed);
  for (std::size_t i = 0; i < a.replications.size(); ++i)
    for (int k = 0; k < eslabon::kKpiCount; ++k) {
      const double x = a.replications[i].kpi[k], y = b.replications[i].kpi[k];
      EXPECT_TRUE((std::isnan(x) && std::isnan(y)) || x == y) << eslabon::kpi_names()[k];
    }
}

// rank lists "train unit X" and "motivate unit X" as weak points (with Shapley values).
TEST(People, RankTrainsAndMotivates) {
  const eslabon::Model m = eslabon::load_model_text(kChain, "<people>");
  const auto w = eslabon::weak_points(m);
  auto has = [&](const std::string& name, const std::string& kind) {
    return std::any_of(w.begin(), w.end(), [&](const eslabon::WeakPoint& p) {
      return p.name == name && p.kind == kind && p.fault && !p.fix.empty() &&
             p.fix[0].path == "units." + name + ".staff." + kind && p.fix[0].value == "1";
    });
  };
  EXPECT_TRUE(has("A", "training"));
  EXPECT_TRUE(has("B", "motivation"));
  EXPECT_FALSE(has("A", "motivation"));
}

TEST(People, BadStaffIsAConfigError) {
  auto error_of = [](const std::string& staff) {
    try {
      eslabon::load_model_text("run: {horizon: 100}\nunits: {A: {servers: 1, staff: " + staff +
                                   "}}\nflows: {f: {arrivals: {poisson: 1}, tasks: {a: {unit: A, service: 1}}}}\n",
                               "p.yaml");
    } catch (const eslabon::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("{training: 0}").find("units.A.staff.training: expected a level > 0"), std::string::npos)
      << error_of("{training: 0}");
  EXPECT_NE(error_of("{trainng: 1}").find("did you mean 'training'"), std::string::npos) << error_of("{trainng: 1}");
}

// Courtesy: each contact (the first and the last task of an order) at a unit with courtesy c
// offends the customer with 1 - c; an offended customer is dissatisfied, and what that costs
// goes to the units that offended, shared by their offending contacts.
TEST(People, DiscourtesyDissatisfiesAndItsUnitsPay) {
  const RunResult r = run_text(
      "run: {horizon: 20000, warmup: 500, replications: 10, seed: 17}\n"
      "units: {A: {servers: 1, staff: {courtesy: 0.5}}, M: {servers: 1}, B: {servers: 1, staff: {courtesy: 0.5}},\n"
      "        desk: {servers: 5}}\n"
      "flows: {f: {arrivals: {poisson: 0.2}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},\n"
      "  m: {unit: M, service: {exponential: {mean: 1}}, after: a}, b: {unit: B, service: {exponential: {mean: 1}}, after: m}}}}\n"
      "complaints: {unit: desk, service: 0.1, complain: 1, resolve: 1}\n"
      "costs: {complaint: 10}\n");
  const std::size_t ra = index_of(r.origin_names, "courtesy:A"), rb = index_of(r.origin_names, "courtesy:B");
  EXPECT_EQ(std::find(r.origin_names.begin(), r.origin_names.end(), "courtesy:M"), r.origin_names.end());
  std::vector<double> offended, share_a, share_b;
  for (const auto& x : r.replications) {
    offended.push_back(x.kpi[static_cast<int>(Kpi::DiscourtesyRate)]);
    // Nothing else dissatisfies here (no defects, no due date): every complaint is a discourtesy's.
    EXPECT_EQ(x.kpi[static_cast<int>(Kpi::DissatisfiedRate)], x.kpi[static_cast<int>(Kpi::DiscourtesyRate)]);
    EXPECT_NEAR(x.origins[ra][static_cast<int>(eslabon::OriginStat::CopqPerOrder)] +
                    x.origins[rb][static_cast<int>(eslabon::OriginStat::CopqPerOrder)],
                x.kpi[static_cast<int>(Kpi::CopqPerOrder)], 1e-9);
    share_a.push_back(x.origins[ra][static_cast<int>(eslabon::OriginStat::CopqPerOrder)]);
    share_b.push_back(x.origins[rb][static_cast<int>(eslabon::OriginStat::CopqPerOrder)]);
  }
  // Offended by A, B or both: 1 - 0.5 x 0.5; each unit pays 10 x (P(it alone) + P(both) / 2).
  EXPECT_TRUE(Covers("discourtesy_rate = 1 - 0.5^2", offended, 0.75));
  EXPECT_TRUE(Covers("courtesy:A pays 10 (0.25 + 0.25 / 2)", share_a, 3.75));
  EXPECT_TRUE(Covers("courtesy:B pays 10 (0.25 + 0.25 / 2)", share_b, 3.75));
}

// A discourteous complaint desk: the complaint is not resolved well with 1 - courtesy.
TEST(People, DiscourteousHandlingLeavesComplaintsUnresolved) {
  const RunResult r = run_text(
      "run: {horizon: 20000, warmup: 500, replications: 10, seed: 18}\n"
      "units: {A: {servers: 1}, desk: {servers: 5, staff: {courtesy: 0.6}}}\n"
      "flows: {f: {arrivals: {poisson: 0.2}, due: 0.001, tasks: {a: {unit: A, service: 1}}}}\n"
      "complaints: {unit: desk, service: 0.1, complain: 1, resolve: 1, churn_if_unresolved: 1}\n");
  std::vector<double> unresolved;
  for (const auto& x : r.replications)
    unresolved.push_back(x.kpi[static_cast<int>(Kpi::ChurnAfterUnresolvedRate)] /
                         x.kpi[static_cast<int>(Kpi::ComplaintRate)]);
  EXPECT_TRUE(Covers("complaints not resolved = 1 - courtesy", unresolved, 0.4));
  const auto w = eslabon::weak_points(eslabon::load_model_text(
      "run: {horizon: 100}\nunits: {A: {servers: 1, staff: {courtesy: 0.9}}}\n"
      "flows: {f: {arrivals: {poisson: 1}, tasks: {a: {unit: A, service: 1}}}}\n",
      "<c>"));
  EXPECT_TRUE(std::any_of(w.begin(), w.end(), [](const eslabon::WeakPoint& p) {
    return p.kind == "courtesy" && p.name == "A" && p.fault && p.origin == "courtesy:A";
  }));
}

// The offered load (eslabon check, Model.offered_load) counts the staff: A (training 0.5) works
// at half speed and doubles the defects on a->b, which its receiver sends back (rework feedback:
// q = 0.2 x 2 = 0.4, 1 / (1 - q) services per order of 1 / 0.5 h each); B (motivation 0.8) skips
// 0.2 / 0.8 of its steps and works at 0.8 speed. Against the closed form and the simulation.
TEST(People, OfferedLoadCountsTheStaff) {
  const std::string yaml =
      "run: {horizon: 20000, warmup: 500, replications: 10, seed: 7}\n"
      "units: {A: {servers: 1, staff: {training: 0.5}}, B: {servers: 1, staff: {motivation: 0.8}}}\n"
      "flows: {f: {arrivals: {poisson: 0.2}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},\n"
      "  b: {unit: B, service: {exponential: {mean: 1}}, after: a, skip: 0.2}}}}\n"
      "links: [{from: a, to: b, defect: 0.2, detect: 1, on_detect: rework}]\n";
  const auto load = eslabon::offered_load(eslabon::load_model_text(yaml, "<test>"));
  const double a = 0.2 * (1 / (1 - 0.4)) * (1 / 0.5), b = 0.2 * (1 - 0.25) * (1 / 0.8);
  EXPECT_NEAR(load[0].utilisation, a, 1e-12);
  EXPECT_NEAR(load[1].utilisation, b, 1e-12);
  const RunResult r = run_text(yaml);
  EXPECT_TRUE(Covers("A's simulated utilisation", unit_values(r, index_of(r.unit_names, "A"), eslabon::UnitStat::Utilisation), a));
  EXPECT_TRUE(Covers("B's simulated utilisation", unit_values(r, index_of(r.unit_names, "B"), eslabon::UnitStat::Utilisation), b));
}
