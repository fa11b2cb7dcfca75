// Defect types with severities (issue 10, feature 8): a link's defect probability split over
// the types the model declares (defect_types, least severe first), each (link, type) its own
// origin; each type's visibility, detection, complaint, churn and cost. README "Weak links".
//
// Theory: the share of each type among defects, p_T / sum p; escapes per attempt with a
// type's own detect, p_T (1 - d_T); the complaint and silent-churn rates when the most severe
// noticed type governs, in closed form for two links and two types. Exact: a one-type map
// reproduces `defect: p` bit for bit, zero probabilities the fault-free run; the cost rule and
// the ledger's sums to 1e-9 relative.

#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/rank.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "run_text.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace eslabon_test;
using eslabon::Kpi;
using eslabon::LinkStat;
using eslabon::OriginStat;
using eslabon::RunResult;

double K(const eslabon::ReplicationResult& x, Kpi k) { return x.kpi[static_cast<int>(k)]; }
double L(const eslabon::ReplicationResult& x, std::size_t row, LinkStat s) { return x.links[row][static_cast<int>(s)]; }
double O(const eslabon::ReplicationResult& x, std::size_t row, OriginStat s) {
  return x.origins[row][static_cast<int>(s)];
}

// Every KPI of every replication equal, bit for bit (NaN equal to NaN).
void expect_same_kpis(const RunResult& a, const RunResult& b) {
  ASSERT_EQ(a.replications.size(), b.replications.size());
  for (std::size_t i = 0; i < a.replications.size(); ++i)
    for (int k = 0; k < eslabon::kKpiCount; ++k) {
      const double x = a.replications[i].kpi[k], y = b.replications[i].kpi[k];
      EXPECT_TRUE((std::isnan(x) && std::isnan(y)) || x == y)
          << eslabon::kpi_names()[k] << " replication " << i << ": " << x << " vs " << y;
    }
}

RunResult run_weak_link(const std::vector<eslabon::Override>& changes) {
  std::vector<eslabon::Override> all = {{"run.horizon", "6000"}, {"run.replications", "3"}};
  all.insert(all.end(), changes.begin(), changes.end());
  eslabon::RunOptions o;
  o.threads = 2;
  return eslabon::run_model(eslabon::load_model_file(ESLABON_SOURCE_DIR "/configs/weak_link.yaml", all), o);
}

}  // namespace

// A one-type map whose type keeps every default draws exactly what `defect: p` draws: the same
// uniform, the same bound, the same order of inspection and of the customer's look.
TEST(DefectTypes, OneTypeWithDefaultsIsTheUntypedDefectBitForBit) {
  const RunResult plain = run_weak_link({});
  const RunResult typed = run_weak_link({{"defect_types", "{x: {}}"},
                                         {"links.purchase->produce.defect", "{x: 0.03}"},
                                         {"links.take_order->purchase.defect", "{x: 0.02}"}});
  expect_same_kpis(plain, typed);
  // The defects moved to the type's rows; the link's own row keeps what is not a defect.
  const std::size_t own = index_of(typed.origin_names, "purchase->produce");
  const std::size_t x = index_of(typed.origin_names, "purchase->produce:x");
  const std::size_t link = index_of(typed.link_names, "purchase->produce");
  const std::size_t row = index_of(typed.link_names, "purchase->produce:x");
  for (std::size_t i = 0; i < typed.replications.size(); ++i) {
    const auto& t = typed.replications[i];
    EXPECT_EQ(O(t, own, OriginStat::VisibleDefects), 0);
    EXPECT_EQ(O(t, x, OriginStat::VisibleDefects), O(plain.replications[i], 0, OriginStat::VisibleDefects));
    for (LinkStat s : {LinkStat::Handoffs, LinkStat::Defects, LinkStat::Detected, LinkStat::Escaped})
      EXPECT_EQ(L(t, link, s), L(plain.replications[i], 0, s));
    EXPECT_EQ(L(t, row, LinkStat::Defects), L(t, link, LinkStat::Defects));
    EXPECT_EQ(L(t, row, LinkStat::Handoffs), L(t, link, LinkStat::Handoffs));
    EXPECT_NEAR(L(t, link, LinkStat::Copq), L(plain.replications[i], 0, LinkStat::Copq),
                1e-9 * L(t, link, LinkStat::Copq));
  }
}

TEST(DefectTypes, ZeroProbabilitiesAreTheFaultFreeRun) {
  const RunResult none = run_weak_link({{"links.purchase->produce.defect", "0"}});
  const RunResult zero =
      run_weak_link({{"defect_types", "{minor: {cost: 10}, major: {detect: 1, visible: 0.2, complain: 1, cost: 99}}"},
                     {"links.purchase->produce.defect", "{major: 0, minor: 0}"}});
  expect_same_kpis(none, zero);
}

// One link, two types: each attempt is defective with 0.08, minor with 0.06 and major with 0.02
// (shares 3/4 and 1/4). The receiver catches minor defects with the link's detect 0.5 and major
// ones with the type's own 0.9: per attempt, p_T d_T are caught and p_T (1 - d_T) escape.
TEST(DefectTypes, SharesAndEscapesPerTypeMatchTheory) {
  const double pm = 0.06, pM = 0.02, d = 0.5, dM = 0.9;
  const RunResult r = run_text("name: types\n" + run_block(500, 40000, 10, 7) +
                               "units: {A: {servers: 2, cost_per_hour: 30}, B: {servers: 2}}\n"
                               "flows: {f: {arrivals: {poisson: 0.5}, tasks: {\n"
                               "  a: {unit: A, service: {exponential: {mean: 1}}},\n"
                               "  b: {unit: B, service: {exponential: {mean: 1}}, after: a}}}}\n"
                               "defect_types: {minor: {}, major: {detect: " +
                               num(dM) +
                               "}}\n"
                               "links: [{from: a, to: b, defect: {major: " +
                               num(pM) + ", minor: " + num(pm) + "}, detect: " + num(d) +
                               ", on_detect: rework, rework_service: 0.5}]\n");
  const std::size_t link = index_of(r.link_names, "a->b"), minor = index_of(r.link_names, "a->b:minor"),
                    major = index_of(r.link_names, "a->b:major");
  std::vector<double> share_minor, defects, esc_minor, esc_major, det_major;
  for (const auto& x : r.replications) {
    const double h = L(x, link, LinkStat::Handoffs);
    share_minor.push_back(L(x, minor, LinkStat::Defects) / L(x, link, LinkStat::Defects));
    defects.push_back(L(x, link, LinkStat::Defects) / h);
    esc_minor.push_back(L(x, minor, LinkStat::Escaped) / h);
    esc_major.push_back(L(x, major, LinkStat::Escaped) / h);
    det_major.push_back(L(x, major, LinkStat::Detected) / h);
    // The link's row is the total over its types; each type's row has the link's handoffs.
    for (LinkStat s : {LinkStat::Defects, LinkStat::Detected, LinkStat::Escaped})
      EXPECT_EQ(L(x, link, s), L(x, minor, s) + L(x, major, s));
    EXPECT_NEAR(L(x, link, LinkStat::ReworkTime), L(x, minor, LinkStat::ReworkTime) + L(x, major, LinkStat::ReworkTime),
                1e-9 * L(x, link, LinkStat::ReworkTime));
    EXPECT_EQ(L(x, major, LinkStat::Handoffs), h);
    EXPECT_TRUE(std::isnan(L(x, major, LinkStat::SlaMetRate)));
    // Nothing but rework here: every cost is on the type rows, and the link's copq is their sum.
    const double cm = O(x, index_of(r.origin_names, "a->b:minor"), OriginStat::Copq);
    const double cM = O(x, index_of(r.origin_names, "a->b:major"), OriginStat::Copq);
    EXPECT_NEAR(L(x, minor, LinkStat::Copq), cm, 1e-12 * cm);
    EXPECT_NEAR(L(x, link, LinkStat::Copq), cm + cM, 1e-9 * (cm + cM));
    EXPECT_EQ(O(x, index_of(r.origin_names, "a->b"), OriginStat::Copq), 0);
  }
  EXPECT_TRUE(Covers("minor share of defects = pm / (pm + pM)", share_minor, pm / (pm + pM)));
  EXPECT_TRUE(Covers("defects per attempt = pm + pM", defects, pm + pM));
  EXPECT_TRUE(Covers("minor escapes per attempt = pm (1 - d)", esc_minor, pm * (1 - d)));
  EXPECT_TRUE(Covers("major escapes per attempt = pM (1 - dM)", esc_major, pM * (1 - dM)));
  EXPECT_TRUE(Covers("major caught per attempt = pM dM", det_major, pM * dM));
}

// Two links in a row, each with {minor: 0.2, major: 0.1} and no inspection, so an order carries
// 0, 1 or 2 defects, one draw per link. The customer notices a major defect with 0.9 and a minor
// one with 0.5: per link, a major is noticed with a = 0.09, a minor (and no major) with b = 0.1.
// The most severe noticed type governs: complain with major's 0.8 when a major was noticed
// (1 - (1 - a)^2), else with minor's 0.2 when a minor was ((1 - a)^2 - (1 - a - b)^2); those who
// do not complain leave with the governing type's churn_if_silent (0.5, 0.1).
TEST(DefectTypes, TheMostSevereNoticedTypeGovernsTheReaction) {
  const double a = 0.1 * 0.9, b = 0.2 * 0.5;
  const double major = 1 - (1 - a) * (1 - a), minor = (1 - a) * (1 - a) - (1 - a - b) * (1 - a - b);
  const RunResult r = run_text("name: severity\n" + run_block(200, 20000, 10, 11) +
                               "units: {A: {servers: 2}, B: {servers: 2}, C: {servers: 2}, D: {servers: 3}}\n"
                               "flows: {f: {arrivals: {poisson: 0.3}, tasks: {\n"
                               "  a: {unit: A, service: {exponential: {mean: 1}}},\n"
                               "  b: {unit: B, service: {exponential: {mean: 1}}, after: a},\n"
                               "  c: {unit: C, service: {exponential: {mean: 1}}, after: b}}}}\n"
                               "defect_types:\n"
                               "  minor: {visible: 0.5, complain: 0.2, churn_if_silent: 0.1}\n"
                               "  major: {visible: 0.9, complain: 0.8, churn_if_silent: 0.5, cost: 250}\n"
                               "links:\n"
                               "  - {from: a, to: b, defect: {minor: 0.2, major: 0.1}}\n"
                               "  - {from: b, to: c, defect: {minor: 0.2, major: 0.1}}\n"
                               "complaints: {unit: D, service: {exponential: {mean: 1}}, complain: 0.5, resolve: 1}\n"
                               "costs: {complaint: 30, lost_customer: 100}\n");
  std::vector<double> complaints, churn, visible;
  for (const auto& x : r.replications) {
    complaints.push_back(K(x, Kpi::ComplaintRate));
    churn.push_back(K(x, Kpi::ChurnSilentRate));
    visible.push_back(K(x, Kpi::VisibleDefectRate));
    EXPECT_EQ(K(x, Kpi::ChurnRate), K(x, Kpi::ChurnSilentRate));  // churn_if_resolved is 0
    // Costs: 250 per noticed major defect, 30 per complaint, 100 per lost customer, all external
    // failure; the four categories and the ledger's rows each add up to copq_per_order.
    double noticed_major = 0, rows = 0, total = 0;
    for (std::size_t g = 0; g < r.origin_names.size(); ++g) {
      rows += O(x, g, OriginStat::CopqPerOrder);
      total += O(x, g, OriginStat::Copq);
      if (r.origin_names[g].size() > 6 && r.origin_names[g].substr(r.origin_names[g].size() - 6) == ":major")
        noticed_major += O(x, g, OriginStat::VisibleDefects);
    }
    const double per_order = K(x, Kpi::CopqPerOrder);
    const double delivered = total / per_order;  // delivered tagged orders
    const double expected =
        (250 * noticed_major + 30 * K(x, Kpi::ComplaintRate) * delivered + 100 * K(x, Kpi::ChurnRate) * delivered) /
        delivered;
    EXPECT_NEAR(per_order, expected, 1e-9 * expected);
    EXPECT_NEAR(K(x, Kpi::CopqExternalFailure), per_order, 1e-12 * per_order);
    EXPECT_NEAR(K(x, Kpi::CopqPrevention) + K(x, Kpi::CopqAppraisal) + K(x, Kpi::CopqInternalFailure) +
                    K(x, Kpi::CopqExternalFailure),
                per_order, 1e-9 * per_order);
    EXPECT_NEAR(rows, per_order, 1e-9 * per_order);
  }
  EXPECT_TRUE(Covers("visible_defect_rate = 1 - (1 - a - b)^2", visible, 1 - (1 - a - b) * (1 - a - b)));
  EXPECT_TRUE(Covers("complaint_rate = 0.8 P(major) + 0.2 P(minor governs)", complaints, 0.8 * major + 0.2 * minor));
  EXPECT_TRUE(Covers("churn_silent_rate = 0.2 0.5 P(major) + 0.8 0.1 P(minor governs)", churn,
                     0.2 * 0.5 * major + 0.8 * 0.1 * minor));
}

// rank sees each type as its own weak point: fixing it sets only its probability to 0.
TEST(DefectTypes, RankFixesEachTypeAlone) {
  const std::string text =
      "run: {horizon: 2000, warmup: 100, replications: 2}\n"
      "units: {A: {servers: 1}, B: {servers: 1}, C: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.2}, tasks: {a: {unit: A, service: 1}, b: {unit: B, service: 1, after: a},\n"
      "  c: {unit: C, service: 1, after: b}}}}\n"
      "defect_types: {minor: {cost: 5}, major: {cost: 50}, critical: {}}\n"
      "links: [{from: a, to: b, defect: {minor: 0.1, major: 0.05, critical: 0}, lost: 0.01, timeout: 2},\n"
      "        {from: b, to: c, defect: 0.1}]\n";
  const eslabon::Model m = eslabon::load_model_text(text, "<rank>");
  const auto w = eslabon::weak_points(m);
  auto find = [&](const std::string& name, const std::string& kind) {
    return std::find_if(w.begin(), w.end(),
                        [&](const eslabon::WeakPoint& p) { return p.name == name && p.kind == kind; });
  };
  for (const std::string t : {"minor", "major"}) {
    auto p = find("a->b:" + t, "defect_type");
    ASSERT_NE(p, w.end()) << t;
    EXPECT_TRUE(p->fault);
    EXPECT_EQ(p->origin, "a->b:" + t);
    ASSERT_EQ(p->fix.size(), 1u);
    EXPECT_EQ(p->fix[0].path, "links.a->b.defect." + t);
    EXPECT_EQ(p->fix[0].value, "0");
  }
  EXPECT_EQ(find("a->b:critical", "defect_type"), w.end());  // probability 0: nothing to fix
  EXPECT_EQ(find("a->b", "defects"), w.end());               // its defects are the type rows
  EXPECT_EQ(find("a->b", "lost")->origin, "a->b");           // the link's own row holds its lost handoffs
  EXPECT_EQ(find("b->c", "defects")->origin, "b->c");
  // The fix loads, and leaves the other type as it was.
  const eslabon::Model fixed = eslabon::load_model_text(text, "<rank>", find("a->b:major", "defect_type")->fix);
  ASSERT_EQ(fixed.links[0].defect_types.size(), 3u);
  EXPECT_EQ(fixed.links[0].defect_types[0].p, 0.1);
  EXPECT_EQ(fixed.links[0].defect_types[1].p, 0);
  EXPECT_DOUBLE_EQ(fixed.links[0].defect, 0.1);
}

TEST(DefectTypes, BadInputIsAConfigErrorWithItsPlace) {
  const std::string head =
      "run: {horizon: 100}\n"
      "units: {A: {servers: 1}, B: {servers: 1}, D: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 1}, tasks: {a: {unit: A, service: 1}, b: {unit: B, service: 1, after: a}}}}\n";
  const std::string types = "defect_types: {minor: {visible: 0.5}, major: {detect: 0.9}}\n";
  auto link = [](const std::string& defect) { return "links: [{from: a, to: b, defect: " + defect + "}]\n"; };
  EXPECT_EQ(error_of(head + types + link("{majr: 0.1}")),
            "m.yaml:5:35: links.a->b.defect.majr: unknown defect type 'majr' (did you mean 'major'?); expected one "
            "of minor, major");
  EXPECT_EQ(error_of(head + link("{minor: 0.1}")),
            "m.yaml:4:35: links.a->b.defect.minor: unknown defect type 'minor'; declare it under defect_types");
  EXPECT_EQ(error_of(head + types + link("{minor: 0.7, major: 0.5}")),
            "m.yaml:5:34: links.a->b.defect: expected probabilities that sum to at most 1, got a sum of 1.2");
  EXPECT_EQ(error_of(head + types + link("{minor: 1.5}")),
            "m.yaml:5:42: links.a->b.defect.minor: expected a probability between 0 and 1, got 1.5");
  EXPECT_EQ(error_of(head + types + link("{}")),
            "m.yaml:5:34: links.a->b.defect: expected at least one defect type, got an empty mapping");
  EXPECT_EQ(error_of(head + "defect_types: {minor: {visibl: 0.5}}\n"),
            "m.yaml:4:24: defect_types.minor.visibl: unknown key (did you mean 'visible'?); expected one of visible, "
            "detect, complain, churn_if_resolved, churn_if_unresolved, churn_if_silent, cost");
  EXPECT_EQ(error_of(head + "defect_types: {major: {cost: -1}}\n"),
            "m.yaml:4:30: defect_types.major.cost: expected a cost >= 0, got -1");
  EXPECT_EQ(error_of(head + "defect_types: {a.b: {}}\n"),
            "m.yaml:4:16: defect_types.a.b: expected a type name without '.' or ':', got 'a.b'");
  EXPECT_EQ(error_of(head + "defect_types: {}\n"),
            "m.yaml:4:15: defect_types: expected at least one type, got an empty mapping");
  EXPECT_EQ(error_of(head + "defect_types: {major: {complain: 0.8}}\n"),
            "m.yaml:4:34: defect_types.major.complain: needs a complaints section (without one, dissatisfied "
            "customers neither complain nor leave)");
  // With a complaints section, the same is fine.
  EXPECT_EQ(error_of(head + "defect_types: {major: {complain: 0.8}}\n" + link("{major: 0.1}") +
                     "complaints: {unit: D, service: 1}\n"),
            "(no error)");
}
