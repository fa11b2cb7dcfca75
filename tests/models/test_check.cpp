// eslabon check (README "Before you simulate: check"): the traffic equations against closed forms
// (exact, to rounding) and against the simulation (within the 99.9% CI of the replications), the
// complaint loop, the finite base's steady state, and the report of an unstable model.
#include "oracle.hpp"
#include "run_text.hpp"

#include <models/config/loader.hpp>
#include <models/output/check_json.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/analytic.hpp>
#include <models/studies/check.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace eslabon_test;
using eslabon::Analysis;
using eslabon::AnalyticOptions;
using eslabon::FlowStat;
using eslabon::Kpi;
using eslabon::Model;
using eslabon::RunResult;
using eslabon::UnitStat;

std::string config_path(const std::string& name) { return std::string(ESLABON_SOURCE_DIR) + "/configs/" + name; }

// Each example config, run once with its own run settings (shared by the tests below).
const RunResult& run_config(const std::string& name) {
  static std::map<std::string, RunResult> runs;
  auto it = runs.find(name);
  if (it == runs.end()) {
    eslabon::RunOptions o;
    o.threads = 1;
    it = runs.emplace(name, eslabon::run_model(eslabon::load_model_file(config_path(name)), o)).first;
  }
  return it->second;
}

// The late share of each flow, P(lead time > due), as the run measured it: the check takes it as an
// input (it does not estimate lead times).
std::vector<double> late_shares(const RunResult& r, std::size_t flows) {
  std::vector<double> late(flows, 0.0);
  for (std::size_t f = 0; f < flows; ++f) {
    double sum = 0;
    int n = 0;
    for (const auto& x : r.replications) {
      const double on_time = x.flows[f][static_cast<int>(FlowStat::OnTimeRate)];
      if (std::isfinite(on_time)) {
        sum += on_time;
        ++n;
      }
    }
    late[f] = n > 0 ? 1 - sum / n : 0.0;
  }
  return late;
}

Analysis analyse_with_late(const Model& m, const RunResult& r) {
  AnalyticOptions o;
  o.late = late_shares(r, m.flows.size());
  return eslabon::analyse(m, o);
}

// 1. Every example config: the analytic utilisation of every unit lies in the 99.9% CI of the
// simulated one. Utilisation is the long-run share of server time at work, which work conservation
// gives whatever the discipline, the distributions, the shifts (over the week's average servers) or
// a demand that changes over time (configs whose windows hold whole periods). A unit with outages:
// the check's utilisation is over the time it is up, W / (servers x availability), the simulated
// one over all time (frozen work is not busy), so each replication's utilisation is divided by its
// availability. Exceptions, stated in the README:
// - a unit with `pressure` works at the speed and errors of the level in force, and the analytic
//   figure is at the staff's factors; configs/pressure.yaml's assembly unit stays at level 0 for as
//   long as it is watched (pressure_top about 0), so it is compared as it is;
// - a finite customer base: the analytic base is the stationary mean of the birth-death process in
//   which each delivered order loses its customer independently with the same churn q. In
//   weak_link.yaml most churn follows late deliveries, which come in bursts (queues, outages) and
//   grow with the base's own load, so the simulated base sits lower (about 387 of 400 against 396:
//   test 2 shows the figures) and every unit's load with it. For such a model (one flow) the
//   utilisation is compared per customer: each replication's simulated utilisation is scaled by
//   (analytic base / that replication's simulated customer_base), which tests the traffic
//   equations and the complaint loop per order, and leaves the base to test 2.
TEST(CheckAgainstSimulation, UtilisationOfEveryUnitOfEveryExampleConfig) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(std::string(ESLABON_SOURCE_DIR) + "/configs"))
    if (e.path().extension() == ".yaml") names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  ASSERT_GE(names.size(), 7u);
  for (const std::string& name : names) {
    const Model m = eslabon::load_model_file(config_path(name));
    const RunResult& r = run_config(name);
    const Analysis a = analyse_with_late(m, r);
    bool finite_base = false;
    for (const auto& f : m.flows) finite_base = finite_base || f.customers > 0;
    if (finite_base) {
      ASSERT_EQ(m.flows.size(), 1u) << name << ": per-customer scaling needs one flow";
    }
    const std::vector<double> base = kpi_values(r, Kpi::CustomerBase);
    for (std::size_t u = 0; u < m.units.size(); ++u) {
      const std::size_t at = index_of(r.unit_names, m.units[u].name);
      std::vector<double> x = unit_values(r, at, UnitStat::Utilisation);
      const std::vector<double> up = unit_values(r, at, UnitStat::Availability);
      if (m.units[u].outages)
        for (std::size_t i = 0; i < x.size(); ++i) x[i] /= up[i];
      if (finite_base)
        for (std::size_t i = 0; i < x.size(); ++i) x[i] *= a.flows[0].customer_base / base[i];
      const std::string what = std::string(m.units[u].outages ? " utilisation / availability" : " utilisation") +
                               (finite_base ? " per customer" : "");
      EXPECT_TRUE(Covers(name + ": unit " + m.units[u].name + what, x, a.units[u].utilisation));
    }
  }
}

// 2. The complaint loop on weak_link.yaml: complaints are work at the service desk at the rate
// delivered orders x P(dissatisfied) x complain, dissatisfaction coming from defects that escaped
// every inspection and were noticed, and from late deliveries (the run's late share); the rates per
// delivered order match the simulation's KPIs. The finite base settles at its truncated Poisson mean
// under independent churn, which this model's bursty churn holds a little lower (see test 1): the
// desk's utilisation is compared per customer, and the base within 3%.
TEST(CheckAgainstSimulation, ComplaintDeskAndCustomersOfWeakLink) {
  const Model m = eslabon::load_model_file(config_path("weak_link.yaml"));
  const RunResult& r = run_config("weak_link.yaml");
  const Analysis a = analyse_with_late(m, r);
  const std::size_t desk = static_cast<std::size_t>(m.complaints.unit);
  const std::size_t at = index_of(r.unit_names, "service_desk");
  EXPECT_GT(a.units[desk].utilisation, 0.0);
  const eslabon::FlowLoad& f = a.flows[0];
  const eslabon::CustomerFigures& c = f.customers;
  // The base (test 1): the birth-death law with independent churn holds it a little higher than the
  // bursty churn of this model does. Within 3%, and above the simulated mean.
  const eslabon::Interval base = eslabon::confidence_interval(kpi_values(r, Kpi::CustomerBase), kLevel);
  std::cout << "  customer_base: simulated " << g(base.mean) << " [" << g(base.low) << ", " << g(base.high)
            << "], analytic (Poisson(A / (R q)) cut at N, q = " << g(c.churn) << ") " << g(f.customer_base) << "\n";
  EXPECT_GT(f.customer_base, base.low);
  EXPECT_LT(f.customer_base, 1.03 * base.mean);
  // Per customer (the rate is R x the base): the desk's work per order, and the other figures per order.
  std::vector<double> desk_per_customer = unit_values(r, at, UnitStat::Utilisation);
  const std::vector<double> bases = kpi_values(r, Kpi::CustomerBase);
  for (std::size_t i = 0; i < bases.size(); ++i) desk_per_customer[i] *= f.customer_base / bases[i];
  EXPECT_TRUE(Covers("service_desk utilisation per customer", desk_per_customer, a.units[desk].utilisation));
  EXPECT_TRUE(Covers("defect_escape_rate", kpi_values(r, Kpi::DefectEscapeRate), c.defect_escape));
  EXPECT_TRUE(Covers("visible_defect_rate", kpi_values(r, Kpi::VisibleDefectRate), c.visible_defect));
  EXPECT_TRUE(Covers("dissatisfied_rate", kpi_values(r, Kpi::DissatisfiedRate), c.dissatisfied));
  EXPECT_TRUE(Covers("complaint_rate", kpi_values(r, Kpi::ComplaintRate), c.complaint));
  EXPECT_TRUE(Covers("churn_rate", kpi_values(r, Kpi::ChurnRate), c.churn));
  EXPECT_TRUE(Covers("rework_per_order", kpi_values(r, Kpi::ReworkPerOrder), f.reworks));
  // Without the late share the complaints come from defects alone: fewer.
  const Analysis none = eslabon::analyse(m);
  EXPECT_LT(none.units[desk].arrival_rate, a.units[desk].arrival_rate);
  // The check's own figures, with the late share it estimates (lead_time.hpp) settled with the base.
  const eslabon::CheckReport own = eslabon::check_model(m);
  const eslabon::FlowLoad& s = own.analysis.flows[0];
  std::vector<double> late = kpi_values(r, Kpi::OnTimeRate);
  for (double& x : late) x = 1 - x;
  const eslabon::Interval sim_late = eslabon::confidence_interval(late, kLevel);
  std::cout << "  the check's own: late share " << g(s.late) << " (simulated " << g(sim_late.mean) << " ["
            << g(sim_late.low) << ", " << g(sim_late.high) << "]), base " << g(s.customer_base) << ", complaints "
            << g(s.customers.complaint) << ", churn " << g(s.customers.churn) << "\n";
  // The estimated late share within 0.05 of the simulated (as test_lead_time's), and the base it
  // settles within 3% of the simulated, above it (the bursty churn again).
  EXPECT_LT(std::abs(s.late - sim_late.mean), 0.05);
  EXPECT_GT(s.customer_base, base.low);
  EXPECT_LT(s.customer_base, 1.03 * base.mean);
  EXPECT_GT(s.customers.complaint, none.flows[0].customers.complaint);
}

// 3. Defects carried from upstream are inspected again downstream. Chain a -> b -> c: a->b makes a
// defect with p that nobody there looks at (detect 0); b->c makes its own with q and catches every
// carried defect with d, sending b back (rework). With n = 0 or 1 carried into b->c: from 0, each
// attempt is sent back with q d, E0 = q d / (1 - q d) redos; from 1, an attempt carries 1 + Bern(q)
// defects: one is caught with d (back to 0 carried), of two both with d^2 (back to 0) or one with
// 2 d (1 - d) (still 1 carried), so E1 = (d (1 + E0) (1 - q + q d) + 2 q d (1 - d)) / (1 - 2 q d (1 - d)).
// Redos at b
// per order: p E1 + (1 - p) E0; the first-order equations (q d / (1 - q d)) miss the p part.
TEST(CheckTheory, CarriedDefectsAreReworkedWhereTheyAreCaught) {
  const double lambda = 0.3, p = 0.2, q = 0.1, d = 0.6, R = 0.5;
  const double e0 = q * d / (1 - q * d);
  const double e1 = (d * (1 + e0) * (1 - q + q * d) + 2 * q * d * (1 - d)) / (1 - 2 * q * d * (1 - d));
  const double redos = p * e1 + (1 - p) * e0;
  const std::string yaml = run_block(2000, 100000, 10, 3101) +
                           "units: {A: {servers: 1}, B: {servers: 1}, C: {servers: 1}}\n"
                           "flows: {f: {arrivals: {poisson: " +
                           num(lambda) +
                           "}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},\n"
                           "  b: {unit: B, service: {exponential: {mean: 1}}, after: a},\n"
                           "  c: {unit: C, service: {exponential: {mean: 1}}, after: b}}}}\n"
                           "links: [{from: a, to: b, defect: " +
                           num(p) + ", detect: 0}, {from: b, to: c, defect: " + num(q) + ", detect: " + num(d) +
                           ", on_detect: rework, rework_service: " + num(R) + "}]\n";
  const Model m = eslabon::load_model_text(yaml, "<test>");
  const Analysis a = eslabon::analyse(m);
  EXPECT_NEAR(a.flows[0].reworks, redos, 1e-12);
  EXPECT_NEAR(a.flows[0].traffic.tasks[1].redos, redos, 1e-12);
  EXPECT_NEAR(a.units[1].utilisation, lambda * (1 + redos * R), 1e-12);
  EXPECT_NEAR(a.units[1].arrival_rate, lambda * (1 + redos), 1e-12);
  const RunResult r = run_text(yaml);
  EXPECT_TRUE(Covers("rework_per_order = p E1 + (1 - p) E0", kpi_values(r, Kpi::ReworkPerOrder), redos));
  EXPECT_TRUE(Covers("B utilisation", unit_values(r, index_of(r.unit_names, "B"), UnitStat::Utilisation),
                     a.units[1].utilisation));
  EXPECT_TRUE(Covers("defect_escape_rate", kpi_values(r, Kpi::DefectEscapeRate), a.flows[0].customers.defect_escape));
}

// 4. Typed defects with their own detect, and false alarms. Each attempt on a->b is minor with p1
// (its own detect 0: never caught, always carried on), major with p2 (its own detect 1: always
// caught, sent back) or sound; an attempt in which nothing was caught is sent back as a false alarm
// with f, the minor defects it carries staying with the order. So an attempt is sent back with
// s = p2 + (1 - p2) f (s / (1 - s) redos per order, (1 - p2) f / (1 - s) false alarms), and the
// delivered order carries no minor defect with g = (1 - p1 - p2)(1 - f) / (1 - p2 - (1 - p1 - p2) f);
// the customer notices none (each with minor's visible v) with
// h = (1 - f)(1 - p2 - p1 v) / (1 - p2 - f (1 - p2 - p1 v)), and half of the rest complain.
TEST(CheckTheory, TypedDefectsAndFalseAlarms) {
  const double lambda = 0.4, p1 = 0.1, p2 = 0.05, f = 0.1, v = 0.4;
  const double s = p2 + (1 - p2) * f;
  const double g = (1 - p1 - p2) * (1 - f) / (1 - p2 - (1 - p1 - p2) * f);
  const double h = (1 - f) * (1 - p2 - p1 * v) / (1 - p2 - f * (1 - p2 - p1 * v));
  const std::string yaml = run_block(1000, 50000, 10, 3102) +
                           "units: {A: {servers: 1}, B: {servers: 1}, desk: {servers: 1}}\n"
                           "defect_types: {minor: {visible: " +
                           num(v) + ", detect: 0}, major: {detect: 1}}\n"
                           "flows: {f: {arrivals: {poisson: " +
                           num(lambda) +
                           "}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},\n"
                           "  b: {unit: B, service: {exponential: {mean: 1}}, after: a}}}}\n"
                           "links: [{from: a, to: b, defect: {minor: " +
                           num(p1) + ", major: " + num(p2) + "}, detect: 0.5, false_alarm: " + num(f) +
                           "}]\n"
                           "complaints: {unit: desk, service: {exponential: {mean: 2}}, complain: 0.5}\n";
  const Model m = eslabon::load_model_text(yaml, "<test>");
  const Analysis a = eslabon::analyse(m);
  EXPECT_NEAR(a.flows[0].reworks, s / (1 - s), 1e-12);
  EXPECT_NEAR(a.units[0].utilisation, lambda * (1 + s / (1 - s)), 1e-12);
  EXPECT_NEAR(a.links[0].false_alarms, lambda * (1 - p2) * f / (1 - s), 1e-12);
  EXPECT_NEAR(a.flows[0].customers.defect_escape, 1 - g, 1e-12);
  EXPECT_NEAR(a.flows[0].customers.visible_defect, 1 - h, 1e-12);
  // No due date: only noticed defects dissatisfy; half complain, each 2 h at the desk.
  EXPECT_NEAR(a.complaint_rate, lambda * (1 - h) * 0.5, 1e-12);
  EXPECT_NEAR(a.units[2].utilisation, lambda * (1 - h) * 0.5 * 2, 1e-12);
  const RunResult r = run_text(yaml);
  EXPECT_TRUE(Covers("rework_per_order = s / (1 - s)", kpi_values(r, Kpi::ReworkPerOrder), s / (1 - s)));
  EXPECT_TRUE(Covers("defect_escape_rate = 1 - g", kpi_values(r, Kpi::DefectEscapeRate), 1 - g));
  EXPECT_TRUE(Covers("visible_defect_rate = 1 - h", kpi_values(r, Kpi::VisibleDefectRate), 1 - h));
  EXPECT_TRUE(Covers("complaint_rate", kpi_values(r, Kpi::ComplaintRate), (1 - h) * 0.5));
  EXPECT_TRUE(Covers("desk utilisation", unit_values(r, index_of(r.unit_names, "desk"), UnitStat::Utilisation),
                     a.units[2].utilisation));
}

// 5. Discourtesy and customers who remember (weight 1): the only task, at a unit of courtesy c,
// offends with 1 - c; an offended customer's contact scores 0 and leaves with 0.3 (churn row
// [0.5, 0.3]), a satisfied one scores 1 and stays. So q = 0.3 (1 - c) per order, and the base is
// Poisson(A / (R q)) cut at N: its mean sets the arrival rate (R per customer).
TEST(CheckTheory, DiscourtesyAndABaseThatRemembers) {
  const double N = 60, R = 0.02, A = 0.05, c = 0.8, q = 0.3 * (1 - c), rho = A / (R * q);
  double mass = 0, first = 0, term = std::exp(-rho);
  for (int n = 0; n <= static_cast<int>(N); ++n) {
    mass += term;
    first += n * term;
    term *= rho / (n + 1);
  }
  const double base = first / mass;
  const std::string yaml = run_block(20000, 40000, 10, 3103) +
                           "units: {A: {servers: 1, staff: {courtesy: " + num(c) +
                           "}}, desk: {servers: 1}}\n"
                           "flows: {f: {arrivals: {customers: " +
                           num(N) + ", rate_per_customer: " + num(R) + ", acquisition: " + num(A) +
                           "}, tasks: {a: {unit: A, service: {exponential: {mean: 0.5}}}}}}\n"
                           "complaints: {unit: desk, service: 1, complain: 0, memory: {weight: 1, churn: [[0.5, 0.3]]}}\n";
  const Model m = eslabon::load_model_text(yaml, "<test>");
  const Analysis a = eslabon::analyse(m);
  EXPECT_NEAR(a.flows[0].customers.discourtesy, 1 - c, 1e-12);
  EXPECT_NEAR(a.flows[0].customers.churn, q, 1e-12);
  EXPECT_NEAR(a.flows[0].customer_base, base, 1e-9);
  EXPECT_NEAR(a.units[0].utilisation, R * base * 0.5, 1e-9);
  EXPECT_TRUE(a.flows[0].customers.churn_exact);
  const RunResult r = run_text(yaml);
  EXPECT_TRUE(Covers("discourtesy_rate = 1 - c", kpi_values(r, Kpi::DiscourtesyRate), 1 - c));
  EXPECT_TRUE(Covers("customer_base = E[n], Poisson(A/(R q)) cut at N", kpi_values(r, Kpi::CustomerBase), base));
  EXPECT_TRUE(Covers("A utilisation", unit_values(r, 0, UnitStat::Utilisation), a.units[0].utilisation));
}

// 6. The report of an unstable model: every unit without a finite capacity at utilisation >= 1,
// with the fewest servers that give < 1 and <= 0.85 (work rate W over availability a: the smallest
// n with W / (n a) < 1, and with W / (n a) <= 0.85); a handoff sent back on every attempt makes its
// supplier's work endless, which no number of servers helps. And --json's document.
TEST(CheckReport, NamesTheOverloadedUnitsAndTheServersTheyNeed) {
  const std::string chain = config_path("chain.yaml");
  // purchasing: 1 order/h x 1.6 h on 1 server; production 1 x 3.2 h on 1 server (capacity: inf is none).
  const Model m = eslabon::load_model_file(
      chain, {{"units.purchasing.servers", "1", ""}, {"units.production.servers", "1", ""}});
  const eslabon::CheckReport r = eslabon::check_model(m);
  ASSERT_TRUE(r.unstable());
  ASSERT_EQ(r.overloaded.size(), 2u);
  EXPECT_EQ(m.units[r.overloaded[0].unit].name, "purchasing");
  EXPECT_EQ(r.overloaded[0].stable, 2);       // 1.6 / 2 = 0.8 < 1
  EXPECT_EQ(r.overloaded[0].comfortable, 2);  // 0.8 <= 0.85
  EXPECT_EQ(m.units[r.overloaded[1].unit].name, "production");
  EXPECT_EQ(r.overloaded[1].stable, 4);       // 3.2 / 4 = 0.8; 3.2 / 3 > 1
  EXPECT_EQ(r.overloaded[1].comfortable, 4);
  EXPECT_EQ(r.warnings[0],
            "warning: unit purchasing has utilisation 1.6 >= 1: its queue grows without bound; it needs 2 servers "
            "for utilisation < 1 and 2 for <= 0.85 (it has 1)");
  // A finite capacity turns the excess away: not unstable.
  EXPECT_FALSE(eslabon::check_model(eslabon::load_model_file(
                   chain, {{"units.purchasing.servers", "1", ""}, {"units.purchasing.capacity", "20", ""},
                           {"units.production.servers", "4", ""}}))
                   .unstable());
  // Exactly 0.85 is comfortable, exactly 1 is not stable: W = 1.7 on 2 servers.
  eslabon::UnitLoad l;
  l.work_rate = 1.7;
  EXPECT_EQ(eslabon::servers_needed(l, 1.0, true), 2);
  EXPECT_EQ(eslabon::servers_needed(l, 0.85, false), 2);
  l.work_rate = 2;
  EXPECT_EQ(eslabon::servers_needed(l, 1.0, true), 3);
  l.availability = 0.5;
  EXPECT_EQ(eslabon::servers_needed(l, 0.85, false), 5);  // 4 / 5 = 0.8; 4 / 4 = 1
  // Every attempt defective and caught: endless rework at the supplier.
  const Model endless = eslabon::load_model_file(config_path("weak_link.yaml"),
                                                 {{"links.purchase->produce.defect", "1", ""},
                                                  {"links.purchase->produce.detect", "1", ""}});
  const eslabon::CheckReport e = eslabon::check_model(endless);
  ASSERT_EQ(e.overloaded.size(), 1u);
  EXPECT_EQ(endless.units[e.overloaded[0].unit].name, "purchasing");
  EXPECT_EQ(e.overloaded[0].stable, -1);
  EXPECT_NE(e.warnings[0].find("no number of servers is enough"), std::string::npos);
  // The JSON document: every section, the overloaded units named, non-finite figures null.
  const nlohmann::json doc = nlohmann::json::parse(eslabon::check_json(m, r));
  for (const char* key : {"model", "time_unit", "units", "flows", "links", "complaints", "unstable", "warnings", "notes"})
    EXPECT_TRUE(doc.contains(key)) << key;
  EXPECT_EQ(doc["unstable"], nlohmann::json::array({"purchasing", "production"}));
  EXPECT_EQ(doc["units"]["purchasing"]["servers_for_stable"], 2);
  EXPECT_NEAR(doc["units"]["purchasing"]["utilisation"].get<double>(), 1.6, 1e-12);
  EXPECT_EQ(doc["units"]["purchasing"]["unstable"], true);
  EXPECT_EQ(doc["flows"]["standard"]["tasks"]["purchase"]["unit"], "purchasing");
  const nlohmann::json bad = nlohmann::json::parse(eslabon::check_json(endless, e));
  EXPECT_TRUE(bad["units"]["purchasing"]["utilisation"].is_null());
  EXPECT_TRUE(bad["units"]["purchasing"]["servers_for_stable"].is_null());
}

}  // namespace
