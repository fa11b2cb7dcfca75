// Queue disciplines (models/model/disciplines.hpp): the one list against the config loader
// and the JSON Schema; `spt` (shortest processing time first) in exact scenarios, against
// M/G/1 theory, and the rule that makes it fair to compare: a job's service time is the same
// random number whatever the discipline.
#include <models/config/config_error.hpp>
#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/model/disciplines.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oracle.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace eslabon_test;
using eslabon::Discipline;
using eslabon::FlowStat;
using eslabon::Kpi;
using eslabon::LinkStat;
using eslabon::ReplicationResult;
using eslabon::RunResult;
using eslabon::UnitStat;

RunResult run_yaml(const std::string& yaml) {
  const eslabon::Model m = eslabon::load_model_text(yaml, "<test>");
  eslabon::RunOptions o;
  o.threads = 1;
  return eslabon::run_model(m, o);
}

ReplicationResult simulate_yaml(const std::string& yaml) {
  return eslabon::simulate(eslabon::load_model_text(yaml, "<test>"), 7, 0);
}

double U(const ReplicationResult& r, std::size_t u, UnitStat s) { return r.units.at(u)[static_cast<int>(s)]; }
double L(const ReplicationResult& r, std::size_t l, LinkStat s) { return r.links.at(l)[static_cast<int>(s)]; }
double K(const ReplicationResult& r, Kpi k) { return r.kpi[static_cast<int>(k)]; }

// Equal but for the order in which the engine summed the same terms.
void expect_same_sum(double a, double b, const std::string& what) {
  EXPECT_NEAR(a, b, 1e-9 * std::max(1.0, std::abs(a))) << what;
}

std::vector<double> unit_values(const RunResult& r, std::size_t u, UnitStat s) {
  std::vector<double> xs;
  for (const auto& rep : r.replications) xs.push_back(rep.units[u][static_cast<int>(s)]);
  return xs;
}

}  // namespace

// --- the list ----------------------------------------------------------------------------------

// configs/eslabon.schema.json lists the same disciplines, in the same order, as the list.
TEST(DisciplineRegistry, AgreesWithTheJsonSchema) {
  std::ifstream in(std::string(ESLABON_SOURCE_DIR) + "/configs/eslabon.schema.json");
  const nlohmann::ordered_json schema = nlohmann::ordered_json::parse(in);
  const std::vector<std::string> from_schema = schema.at("$defs").at("unit").at("properties").at("discipline").at("enum");
  EXPECT_EQ(from_schema, eslabon::discipline_names());
}

// Every name loads to its discipline and prints back as itself; the enum follows the list.
TEST(DisciplineRegistry, NamesLoadAndPrintBack) {
  const std::vector<std::string> names = eslabon::discipline_names();
  ASSERT_EQ(names, (std::vector<std::string>{"fifo", "priority", "edf", "spt", "preemptive"}));
  for (std::size_t i = 0; i < names.size(); ++i) {
    const eslabon::Model m = eslabon::load_model_text(
        "run: {horizon: 10}\nunits:\n  desk: {servers: 1, discipline: " + names[i] +
            "}\nflows:\n  f:\n    arrivals: {poisson: 1}\n    tasks:\n      t: {unit: desk, service: 1}\n",
        "<test>");
    EXPECT_EQ(static_cast<std::size_t>(m.units[0].discipline), i);
    EXPECT_EQ(eslabon::to_string(m.units[0].discipline), names[i]);
    EXPECT_STRNE(eslabon::discipline_info(m.units[0].discipline).meaning, "");
  }
  EXPECT_TRUE(eslabon::discipline_info(Discipline::Fifo).by_arrival) << "fifo keeps the ring-buffer fast path";
  EXPECT_TRUE(eslabon::discipline_info(Discipline::Spt).needs_service);
}

TEST(DisciplineRegistry, UnknownNameGetsDidYouMean) {
  try {
    eslabon::load_model_text(
        "run: {horizon: 10}\nunits:\n  desk: {servers: 1, discipline: stp}\n"
        "flows:\n  f:\n    arrivals: {poisson: 1}\n    tasks:\n      t: {unit: desk, service: 1}\n",
        "m.yaml");
    FAIL() << "stp is not a discipline";
  } catch (const eslabon::ConfigError& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "m.yaml:3:34: units.desk.discipline: expected fifo, priority, edf, spt or preemptive, got 'stp' (did you mean 'spt'?)");
  }
}

// --- spt, exactly ------------------------------------------------------------------------------

namespace {

// Five flows, one job each every 8 time units at one server (work 6 per period, so the
// unit empties before the next arrivals). Simultaneous arrivals join in the order of the
// flows' names: a (2) takes the server at t = 8k; b (1.5), c (0.5), d (1), e (1) wait.
std::string five_flows(const std::string& discipline) {
  std::string yaml =
      "name: five\nrun: {horizon: 110.0625, warmup: 10.0625, replications: 2, seed: 3}\n"
      "units:\n  desk: {servers: 1, discipline: " +
      discipline + "}\nflows:\n";
  for (auto [f, s] :
       {std::pair{"a", 2.0}, std::pair{"b", 1.5}, std::pair{"c", 0.5}, std::pair{"d", 1.0}, std::pair{"e", 1.0}})
    yaml += std::string("  ") + f +
            ":\n    arrivals: {interarrival: {deterministic: 8}}\n    tasks:\n"
            "      serve: {unit: desk, service: {deterministic: " +
            num(s) + "}}\n";
  return yaml;
}

void expect_leads(const RunResult& r, const std::vector<double>& leads) {
  ASSERT_EQ(r.flow_names, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  for (const auto& rep : r.replications)
    for (std::size_t f = 0; f < leads.size(); ++f)
      EXPECT_DOUBLE_EQ(rep.flows.at(f)[static_cast<int>(FlowStat::LeadTimeMean)], leads[f])
          << "flow " << r.flow_names[f];
}

}  // namespace

// spt serves c (0.5), then d and e (1 each, d joined first), then b (1.5):
//   a [8,10], c [10,10.5], d [10.5,11.5], e [11.5,12.5], b [12.5,14]
// where fifo serves b, c, d, e in the order they joined:
//   a [8,10], b [10,11.5], c [11.5,12], d [12,13], e [13,14].
TEST(DisciplineSpt, ServesTheShortestWaitingJobFirstTiesInArrivalOrder) {
  expect_leads(run_yaml(five_flows("spt")), {2, 6, 2.5, 3.5, 4.5});
  expect_leads(run_yaml(five_flows("fifo")), {2, 3.5, 4, 5, 6});
}

// The key includes fix work known when the job joins: b's work (service 1) gets 2 more for
// the defect its link always sends and the receiver always fixes, so it is 3 long and waits
// behind c (2.5), which joined after it. Every 8 time units:
//   a [8,10] at desk; b.prep [8,8.25] at front, b.work joins at 8.25 (key 1 + 2);
//   c.prep [8,8.5] at side, c.work joins at 8.5 (key 2.5);  c.work [10,12.5], b.work [12.5,15.5].
// (Without the fix work in the key b would go first, as under fifo: b [10,13], c [13,15.5].)
TEST(DisciplineSpt, KeyIncludesFixWorkKnownAtEntry) {
  auto yaml = [](const std::string& discipline) {
    return "name: fix\nrun: {horizon: 110.0625, warmup: 10.0625, replications: 1, seed: 3}\n"
           "units:\n  desk: {servers: 1, discipline: " +
           discipline +
           "}\n  front: {servers: 1}\n  side: {servers: 1}\n"
           "flows:\n"
           "  a:\n    arrivals: {interarrival: {deterministic: 8}}\n    tasks:\n"
           "      serve: {unit: desk, service: 2}\n"
           "  b:\n    arrivals: {interarrival: {deterministic: 8}}\n    tasks:\n"
           "      prep: {unit: front, service: 0.25}\n      work: {unit: desk, service: 1, after: prep}\n"
           "  c:\n    arrivals: {interarrival: {deterministic: 8}}\n    tasks:\n"
           "      prep: {unit: side, service: 0.5}\n      work: {unit: desk, service: 2.5, after: prep}\n"
           "links:\n  - {from: front, to: desk, defect: 1, detect: 1, on_detect: fix, fix_service: 2}\n";
  };
  auto leads = [](const RunResult& r) {
    std::vector<double> xs;
    for (std::size_t f = 0; f < 3; ++f)
      xs.push_back(r.replications.at(0).flows.at(f)[static_cast<int>(FlowStat::LeadTimeMean)]);
    return xs;
  };
  EXPECT_EQ(leads(run_yaml(yaml("spt"))), (std::vector<double>{2, 7.5, 4.5}));
  EXPECT_EQ(leads(run_yaml(yaml("fifo"))), (std::vector<double>{2, 5, 7.5}));
}

// --- the same service times under every discipline ---------------------------------------------

// spt draws a job's service time when it joins the queue, from the address it has at service
// start under any other discipline (draws.hpp: service of task k, attempt a of the order; a
// complaint's handling time of the order). One model with rework at `work` and complaints at
// `desk`; only one unit's discipline changes at a time.
//   * work: spt vs fifo. Which handoffs are defective and caught does not depend on timing,
//     so the rework counts are equal and the rework time (its draws, summed) is the same sum.
//   * desk: spt vs fifo, only complaints queue there, arriving as deliveries do (unchanged):
//     one server, the same work arriving at the same times, so the same busy periods (the
//     same utilisation) whatever the order of service; everything at `work` is bit-identical.
TEST(DisciplineSpt, ServiceTimesDoNotDependOnTheDiscipline) {
  auto yaml = [](const std::string& work, const std::string& desk) {
    return "name: same draws\nrun: {horizon: 20000, warmup: 1000, replications: 1, seed: 5}\n"
           "units:\n  work: {servers: 1, discipline: " +
           work + "}\n  desk: {servers: 1, discipline: " + desk +
           "}\n"
           "flows:\n  f:\n    arrivals: {poisson: 0.3}\n    tasks:\n"
           "      a: {unit: work, service: {exponential: {mean: 1}}}\n"
           "      b: {unit: work, service: {exponential: {mean: 1}}, after: a}\n"
           "links:\n  - {from: a, to: b, defect: 0.4, detect: 0.5, on_detect: rework,"
           " rework_service: {exponential: {mean: 0.5}}}\n"
           "complaints: {unit: desk, service: {exponential: {mean: 2}}, visible: 1, complain: 1, resolve: 0.5}\n";
  };
  const ReplicationResult base = simulate_yaml(yaml("fifo", "fifo"));
  const ReplicationResult work = simulate_yaml(yaml("spt", "fifo"));
  const ReplicationResult desk = simulate_yaml(yaml("fifo", "spt"));
  ASSERT_GT(L(base, 0, LinkStat::Detected), 100);
  ASSERT_GT(K(base, Kpi::ComplaintRate), 0.1);
  EXPECT_EQ(K(base, Kpi::OrdersUnfinished), 0);
  EXPECT_EQ(K(work, Kpi::OrdersUnfinished), 0);
  for (LinkStat s : {LinkStat::Handoffs, LinkStat::Defects, LinkStat::Detected, LinkStat::Escaped})
    EXPECT_EQ(L(work, 0, s), L(base, 0, s)) << eslabon::link_stat_names()[static_cast<int>(s)];
  expect_same_sum(L(work, 0, LinkStat::ReworkTime), L(base, 0, LinkStat::ReworkTime), "rework time at an spt unit");
  EXPECT_EQ(K(work, Kpi::ReworkPerOrder), K(base, Kpi::ReworkPerOrder));
  EXPECT_EQ(K(work, Kpi::ComplaintRate), K(base, Kpi::ComplaintRate));
  EXPECT_NE(U(work, 0, UnitStat::MeanWait), U(base, 0, UnitStat::MeanWait)) << "spt reorders the work";

  for (int s = 0; s < eslabon::kUnitStatCount; ++s)  // (the pressure columns are empty in both)
    EXPECT_TRUE(desk.units[0][s] == base.units[0][s] || (std::isnan(desk.units[0][s]) && std::isnan(base.units[0][s])))
        << "work: " << eslabon::unit_stat_names()[s];
  expect_same_sum(U(desk, 1, UnitStat::Utilisation), U(base, 1, UnitStat::Utilisation), "complaint desk utilisation");
  expect_same_sum(U(desk, 1, UnitStat::MeanBusy), U(base, 1, UnitStat::MeanBusy), "complaint desk busy");
  EXPECT_LT(U(desk, 1, UnitStat::MeanWait), U(base, 1, UnitStat::MeanWait)) << "spt shortens the mean wait";
  EXPECT_EQ(K(desk, Kpi::ComplaintRate), K(base, Kpi::ComplaintRate));
}

// --- spt against M/G/1 theory --------------------------------------------------------------------

// Non-preemptive shortest processing time first at one M/G/1 server (Phipps 1956; Conway,
// Maxwell & Miller, Theory of Scheduling; Kleinrock, Queueing Systems vol. 2): a job of size
// x waits on average
//   W(x) = W0 / ((1 - rho(x-)) (1 - rho(x))),  W0 = lambda E[S^2] / 2,
//   rho(x) = lambda * integral_0^x t dF(t)   (the load of jobs no longer than x),
// and the mean wait is E[W(S)]. Exponential service (rate mu) is continuous, so
// rho(x-) = rho(x) = (lambda/mu) (1 - e^{-mu x} (1 + mu x)), and with u = F(x) = 1 - e^{-mu x}
//   E[W(S)] = integral_0^1 W0 / (1 - rho(x(u)))^2 du,  x(u) = -ln(1 - u) / mu,
// a smooth bounded integrand, integrated here by Simpson's rule. The same model under fifo
// must keep Pollaczek-Khinchine's Wq = W0 / (1 - rho) and wait longer on average; and as
// both draw the same service times (same seed), the utilisations are the same busy periods.
// Tolerance as in test_theory.cpp: the theory must lie in the 99.9% Student-t interval over
// 30 replications, warm-up 30 tau with tau = 2 lambda E[S^2] / (1 - rho)^2.
TEST(DisciplineSpt, MG1MeanWaitMatchesPhippsAndBeatsFifo) {
  const double lambda = 0.8, mu = 1.0, rho = lambda / mu;
  const double es2 = 2 / (mu * mu);
  const double w0 = lambda * es2 / 2;
  auto rho_upto = [&](double x) { return (lambda / mu) * (1 - std::exp(-mu * x) * (1 + mu * x)); };
  auto integrand = [&](double u) {
    const double r = u >= 1 ? rho : rho_upto(-std::log1p(-u) / mu);
    return w0 / ((1 - r) * (1 - r));
  };
  const int n = 1 << 16;  // Simpson, even number of intervals
  double sum = integrand(0) + integrand(1);
  for (int i = 1; i < n; ++i) sum += (i % 2 ? 4 : 2) * integrand(static_cast<double>(i) / n);
  const double w_spt = sum / (3.0 * n);
  const double w_fifo = w0 / (1 - rho);
  ASSERT_NEAR(w_spt, 1.88222, 1e-4) << "the quadrature";

  const double tau = 2 * lambda * es2 / ((1 - rho) * (1 - rho));
  const double warmup = std::ceil(30 * tau), window = 100000;
  auto yaml = [&](const std::string& discipline) {
    return "name: spt\n" + run_block(warmup, window, 30, 808) +
           "units:\n  desk: {servers: 1, discipline: " + discipline +
           "}\nflows:\n  orders:\n    arrivals: {poisson: " + num(lambda) +
           "}\n    tasks:\n"
           "      serve: {unit: desk, service: {exponential: {mean: " +
           num(1 / mu) + "}}}\n";
  };
  const RunResult spt = run_yaml(yaml("spt"));
  const RunResult fifo = run_yaml(yaml("fifo"));
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  const std::vector<double> ws = unit_values(spt, 0, UnitStat::MeanWait), wf = unit_values(fifo, 0, UnitStat::MeanWait);
  EXPECT_TRUE(Covers("spt M/M/1 mean_wait = E[W(S)] (Phipps)", ws, w_spt, allow(w_spt)));
  EXPECT_TRUE(Covers("fifo M/M/1 mean_wait = P-K Wq", wf, w_fifo, allow(w_fifo)));
  std::vector<double> gain;
  for (std::size_t i = 0; i < ws.size(); ++i) gain.push_back(wf[i] - ws[i]);
  EXPECT_TRUE(Covers("fifo - spt mean_wait (paired)", gain, w_fifo - w_spt, allow(w_fifo) + allow(w_spt)));
  const eslabon::Interval g = eslabon::confidence_interval(gain, kLevel);
  EXPECT_GT(g.low, 0) << "spt waits less than fifo on the same arrivals and service times";
  EXPECT_TRUE(Covers("spt utilisation = rho", unit_values(spt, 0, UnitStat::Utilisation), rho, allow(rho)));
  for (std::size_t i = 0; i < ws.size(); ++i)
    expect_same_sum(spt.replications[i].units[0][static_cast<int>(UnitStat::Utilisation)],
                    fifo.replications[i].units[0][static_cast<int>(UnitStat::Utilisation)], "same busy periods");
}
