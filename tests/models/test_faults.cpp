// Link fault kinds: the vocabulary (models/model/link_faults.hpp) against the JSON Schema and
// the loader, and the fault kind `lost` (a handed-over request is lost; the receiver notices
// `timeout` later and the supplier task is done again in full):
//   * an exact scenario with deterministic times, computed by hand;
//   * theory: lost handoffs are Bernoulli feedback through a delay (the timeout), so the
//     supplier is Jackson's M/M/1 with feedback (BCMP: a delay station of any distribution
//     keeps the product form) -- tolerances as in test_weak_links.cpp, the 99.9% interval of
//     the replications widened only by the initial-transient allowance;
//   * lost: 0 (or lost outside the active window) reproduces the fault-free run bit for bit;
//   * bad input, with its file:line:col message.

#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/model/link_faults.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/analytic.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oracle.hpp"

#include <bit>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace eslabon_test;
using eslabon::Kpi;
using eslabon::LinkStat;
using eslabon::OriginStat;
using eslabon::ReplicationResult;
using eslabon::RunResult;
using eslabon::UnitStat;
using Json = nlohmann::ordered_json;

RunResult run_text(const std::string& yaml, bool record_orders = false, const std::vector<eslabon::Override>& ov = {}) {
  eslabon::RunOptions o;
  o.threads = 1;
  o.record_orders = record_orders;
  return eslabon::run_model(eslabon::load_model_text(yaml, "<test>", ov), o);
}

std::string error_of(const std::string& text) {
  try {
    eslabon::load_model_text(text, "m.yaml");
  } catch (const eslabon::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

double K(const ReplicationResult& r, Kpi k) { return r.kpi[static_cast<int>(k)]; }
double U(const ReplicationResult& r, std::size_t u, UnitStat s) { return r.units[u][static_cast<int>(s)]; }
double L(const ReplicationResult& r, std::size_t l, LinkStat s) { return r.links[l][static_cast<int>(s)]; }

template <class F>
std::vector<double> per_rep(const RunResult& r, F f) {
  std::vector<double> xs;
  for (const auto& rep : r.replications) xs.push_back(f(rep));
  return xs;
}

double mm1_tau(double lambda, double mu) { return 1.0 / std::pow(std::sqrt(mu) - std::sqrt(lambda), 2); }

// Two tasks, `make` at unit supplier and `check` at unit receiver, and one link between them.
std::string two_step_model(const std::string& run, const std::string& arrivals, const std::string& make,
                           const std::string& check, const std::string& link, double cost = 10) {
  return "name: faults\n" + run + "units:\n  supplier: {servers: 1, cost_per_hour: " + num(cost) +
         "}\n  receiver: {servers: 1}\n"
         "flows:\n  orders:\n    arrivals: " +
         arrivals +
         "\n    tasks:\n"
         "      make: {unit: supplier, service: " +
         make +
         "}\n"
         "      check: {unit: receiver, service: " +
         check +
         ", after: make}\n"
         "links:\n  - {from: make, to: check, " +
         link + "}\n";
}

// Every table of two runs, bit for bit (NaN equal to NaN).
void expect_same_tables(const RunResult& a, const RunResult& b) {
  const eslabon::Table ta[] = {a.replications_table(), a.units_table(),   a.flows_table(),
                               a.links_table(),        a.origins_table(), a.orders_table()};
  const eslabon::Table tb[] = {b.replications_table(), b.units_table(),   b.flows_table(),
                               b.links_table(),        b.origins_table(), b.orders_table()};
  for (std::size_t t = 0; t < std::size(ta); ++t) {
    SCOPED_TRACE(ta[t].name());
    ASSERT_EQ(ta[t].columns().size(), tb[t].columns().size());
    ASSERT_EQ(ta[t].rows(), tb[t].rows());
    for (std::size_t c = 0; c < ta[t].columns().size(); ++c) {
      const auto& ca = ta[t].columns()[c];
      const auto& cb = tb[t].columns()[c];
      ASSERT_EQ(ca.name, cb.name);
      if (const auto* x = std::get_if<std::vector<double>>(&ca.data)) {
        const auto& y = std::get<std::vector<double>>(cb.data);
        for (std::size_t i = 0; i < x->size(); ++i)
          EXPECT_TRUE(std::bit_cast<std::uint64_t>((*x)[i]) == std::bit_cast<std::uint64_t>(y[i]) ||
                      (std::isnan((*x)[i]) && std::isnan(y[i])))
              << ca.name << " row " << i << ": " << (*x)[i] << " vs " << y[i];
      } else {
        EXPECT_TRUE(ca.data == cb.data) << ca.name;
      }
    }
  }
}

}  // namespace

// --- the vocabulary --------------------------------------------------------------------------

// The schema's link has the same keys, in the same order, as the list (from, to, each fault
// kind's keys, sla, active), and on_detect the same outcomes.
TEST(LinkFaults, AgreeWithTheJsonSchema) {
  std::ifstream in(std::string(ESLABON_SOURCE_DIR) + "/configs/eslabon.schema.json");
  const Json link = Json::parse(in).at("$defs").at("link");
  EXPECT_EQ(link.at("additionalProperties"), false);
  std::vector<std::string> keys;
  for (auto it = link.at("properties").begin(); it != link.at("properties").end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, eslabon::link_keys());
  EXPECT_EQ(link.at("required"), Json({"from", "to"}));
  EXPECT_EQ(link.at("properties").at("on_detect").at("enum").get<std::vector<std::string>>(),
            eslabon::on_detect_names());
}

TEST(LinkFaults, NamesAreSpelledOnce) {
  // A fault kind's name is its first key (rank switches the fault off by setting it to 0).
  for (const auto& f : eslabon::link_faults()) {
    ASSERT_FALSE(f.keys.empty()) << f.name;
    EXPECT_STREQ(f.keys.front(), f.name);
    EXPECT_GT(std::string(f.meaning).size(), 10u) << f.name;
  }
  for (int d = 0; d < static_cast<int>(eslabon::OnDetect::Count); ++d)
    EXPECT_EQ(eslabon::to_string(static_cast<eslabon::OnDetect>(d)), eslabon::on_detect_names()[d]);
  EXPECT_EQ(eslabon::on_detect_names(), (std::vector<std::string>{"rework", "fix", "scrap"}));
}

// --- lost: an exact scenario -----------------------------------------------------------------
// Orders every 100 h from t = 100 (warm-up 0, horizon 500: 4 tagged orders). make takes 2 h at
// the supplier, check 1 h at the receiver. The link loses every handoff (lost: 1) while its
// active window [0, 110) is open; the receiver notices 300 min = 5 h later. Order 1: make
// 100-102, handoff at 102 lost; noticed at 107, make again 107-109 (in full: the link's
// rework_service of 0.5 h is for defects), handoff at 109 lost; noticed at 114, make 114-116,
// handoff at 116, the window closed: accepted; check 116-117. Lead time 17 = 2 (S + timeout)
// + S + S_check. Orders 2-4: 3 each. The lost attempts carry nothing: their defect (defect: 1,
// detect: 0) and delay (1 h) are never seen.

TEST(WeakLinkLost, ExactScenarioWithDeterministicTimes) {
  const std::string run = "run: {horizon: 500, warmup: 0, replications: 2, seed: 3}\n";
  const std::string arrivals = "{interarrival: {deterministic: 100}}";
  for (const std::string extra : {"", ", defect: 1, detect: 0, delay: 1, rework_service: 0.5"}) {
    SCOPED_TRACE("link extras '" + extra + "'");
    const RunResult r =
        run_text(two_step_model(run, arrivals, "2", "1", "lost: 1, timeout: 300min, active: [0, 110]" + extra), true);
    ASSERT_EQ(r.replications.size(), 2u);
    for (const auto& x : r.replications) {
      EXPECT_EQ(K(x, Kpi::OrdersArrived), 4);
      EXPECT_EQ(K(x, Kpi::OrdersDelivered), 4);
      EXPECT_EQ(K(x, Kpi::OrdersUnfinished), 0);
      EXPECT_DOUBLE_EQ(K(x, Kpi::LeadTimeMean), (17.0 + 3 + 3 + 3) / 4);
      EXPECT_DOUBLE_EQ(K(x, Kpi::WipMean), 26.0 / 500);
      EXPECT_DOUBLE_EQ(K(x, Kpi::ReworkPerOrder), 2.0 / 4);         // the two redos count as rework
      EXPECT_DOUBLE_EQ(K(x, Kpi::CopqPerOrder), 2 * 2.0 * 10 / 4);  // 4 h of redo at 10 per hour
      EXPECT_EQ(K(x, Kpi::DefectEscapeRate), 0);
      EXPECT_EQ(L(x, 0, LinkStat::Handoffs), 6);
      EXPECT_EQ(L(x, 0, LinkStat::Lost), 2);
      EXPECT_EQ(L(x, 0, LinkStat::Defects), 0);
      EXPECT_EQ(L(x, 0, LinkStat::Detected), 0);
      EXPECT_EQ(L(x, 0, LinkStat::Escaped), 0);
      EXPECT_DOUBLE_EQ(L(x, 0, LinkStat::ReworkTime), 4);
      EXPECT_DOUBLE_EQ(L(x, 0, LinkStat::Copq), 40);
      EXPECT_TRUE(std::isnan(L(x, 0, LinkStat::SlaMetRate)));               // no sla: no level to meet
      EXPECT_EQ(x.origins[0][static_cast<int>(OriginStat::CopqShare)], 1);  // all on make->check
      EXPECT_DOUBLE_EQ(U(x, 0, UnitStat::Utilisation), 12.0 / 500);         // 3 + 3 makes of 2 h
      EXPECT_DOUBLE_EQ(U(x, 0, UnitStat::Throughput), 6.0 / 500);
      EXPECT_DOUBLE_EQ(U(x, 1, UnitStat::Throughput), 4.0 / 500);
    }
    const eslabon::Table orders = r.orders_table();
    ASSERT_EQ(orders.rows(), 8u);
    const auto* reworks = orders.find("reworks");
    const auto* lead = orders.find("lead_time");
    ASSERT_TRUE(reworks && lead);
    const auto& rw = std::get<std::vector<std::int64_t>>(reworks->data);
    const auto& lt = std::get<std::vector<double>>(lead->data);
    for (std::size_t i = 0; i < orders.rows(); ++i) {
      const bool first = i % 4 == 0;  // the first order of each replication
      EXPECT_EQ(rw[i], first ? 2 : 0) << "row " << i;
      EXPECT_DOUBLE_EQ(lt[i], first ? 17 : 3) << "row " << i;
    }
  }
}

// --- lost: theory ----------------------------------------------------------------------------
// A single link make->check with lost probability p and no other fault. Each handoff attempt
// is lost independently, so attempts per order are geometric: handoffs 1/(1-p), lost p/(1-p)
// per order, lost/handoffs = p. Each loss sends make back to the supplier after a delay (the
// timeout, deterministic tau): Jackson's network with Bernoulli feedback through a delay
// station, product form (BCMP), so the supplier is an M/M/1 at lambda_a = lambda/(1-p):
//   utilisation rho = lambda E[S]/(1-p), throughput lambda_a, mean_queue rho^2/(1-rho);
//   lead time = visits x sojourn + losses x tau + receiver = 1/((1-p)(mu-lambda_a))
//               + tau p/(1-p) + 1/(mu_r - lambda).
// The redo is rework at the supplier's cost: rework_per_order p/(1-p), rework_time per order
// E[S] p/(1-p), copq per order cost E[S] p/(1-p). `check` (eslabon check) offers the same load.

TEST(WeakLinkLost, AttemptsAreGeometricAndTheSupplierIsJacksonWithFeedback) {
  const double lambda = 0.5, es = 1.0, mu = 1 / es, p = 0.25, tau_out = 2.0, es_r = 0.5, cost = 10;
  const double lam_a = lambda / (1 - p), rho = lam_a * es;  // 2/3
  const double tau = std::max(mm1_tau(lam_a, mu), mm1_tau(lambda, 1 / es_r));
  const double warmup = std::ceil(30 * tau), window = 100000;
  const std::string yaml = two_step_model(
      run_block(warmup, window, 30, 2201), "{poisson: " + num(lambda) + "}", "{exponential: {mean: " + num(es) + "}}",
      "{exponential: {mean: " + num(es_r) + "}}", "lost: " + num(p) + ", timeout: " + num(tau_out), cost);
  const RunResult r = run_text(yaml);
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  const std::string tag = "lost p=" + g(p) + ": ";
  for (const auto& x : r.replications) {
    ASSERT_EQ(K(x, Kpi::OrdersUnfinished), 0);
    ASSERT_EQ(K(x, Kpi::LossRate), 0);
  }
  auto unit = [&](UnitStat s) { return per_rep(r, [&](const ReplicationResult& x) { return U(x, 0, s); }); };
  auto per_order = [&](LinkStat s) {
    return per_rep(r, [&](const ReplicationResult& x) { return L(x, 0, s) / K(x, Kpi::OrdersArrived); });
  };
  EXPECT_TRUE(Covers(tag + "supplier utilisation = lambda E[S]/(1-p)", unit(UnitStat::Utilisation), rho, allow(rho)));
  EXPECT_TRUE(Covers(tag + "supplier throughput = lambda/(1-p)", unit(UnitStat::Throughput), lam_a, allow(lam_a)));
  const double lq = rho * rho / (1 - rho);
  EXPECT_TRUE(Covers(tag + "supplier mean_queue = rho^2/(1-rho)", unit(UnitStat::MeanQueue), lq, allow(lq)));
  EXPECT_TRUE(Covers(
      tag + "lost/handoffs = p",
      per_rep(r, [&](const ReplicationResult& x) { return L(x, 0, LinkStat::Lost) / L(x, 0, LinkStat::Handoffs); }),
      p));
  EXPECT_TRUE(Covers(tag + "handoffs per order = 1/(1-p)", per_order(LinkStat::Handoffs), 1 / (1 - p)));
  EXPECT_TRUE(Covers(tag + "lost per order = p/(1-p)", per_order(LinkStat::Lost), p / (1 - p)));
  EXPECT_TRUE(Covers(tag + "rework_time per order = E[S] p/(1-p)", per_order(LinkStat::ReworkTime), es * p / (1 - p)));
  EXPECT_TRUE(Covers(tag + "rework_per_order = p/(1-p)",
                     per_rep(r, [](const ReplicationResult& x) { return K(x, Kpi::ReworkPerOrder); }), p / (1 - p)));
  EXPECT_TRUE(Covers(tag + "copq_per_order = cost E[S] p/(1-p)",
                     per_rep(r, [](const ReplicationResult& x) { return K(x, Kpi::CopqPerOrder); }),
                     cost * es * p / (1 - p)));
  const double lead = 1 / ((1 - p) * (mu - lam_a)) + tau_out * p / (1 - p) + 1 / (1 / es_r - lambda);
  EXPECT_TRUE(Covers(tag + "lead_time_mean = 1/((1-p)(mu-lambda_a)) + tau p/(1-p) + 1/(mu_r-lambda)",
                     per_rep(r, [](const ReplicationResult& x) { return K(x, Kpi::LeadTimeMean); }), lead,
                     allow(lead)));
  // Exact bookkeeping, every replication: each loss is one more handoff and one redo.
  for (const auto& x : r.replications) {
    const double arrived = K(x, Kpi::OrdersArrived), lost = L(x, 0, LinkStat::Lost);
    EXPECT_EQ(L(x, 0, LinkStat::Handoffs), arrived + lost);
    EXPECT_EQ(L(x, 0, LinkStat::Defects), 0);
    EXPECT_DOUBLE_EQ(K(x, Kpi::ReworkPerOrder), lost / arrived);
    const double copq = L(x, 0, LinkStat::Copq), redo = cost * L(x, 0, LinkStat::ReworkTime);
    EXPECT_NEAR(copq, redo, 1e-12 * redo);
  }
  const auto load = eslabon::offered_load(eslabon::load_model_text(yaml, "<test>"));
  EXPECT_NEAR(load[0].utilisation, rho, 1e-12);
  EXPECT_NEAR(load[0].arrival_rate, lam_a, 1e-12);
}

// Lost and defects on one link: an attempt is lost with p, else defective with d and caught
// with c (rework, rework_service deterministic R). It is redone with r = p + (1-p) d c, so per
// order: handoffs 1/(1-r), lost p/(1-r), defects (1-p) d/(1-r), detected (1-p) d c/(1-r), redos
// r/(1-r); a loss redoes make in full (E[S]), a caught defect takes R, so the supplier's
// utilisation is lambda (E[S] + (p E[S] + (1-p) d c R)/(1-r)) whatever the queue (work balance).

TEST(WeakLinkLost, LostAndDefectsOnOneLinkShareTheFeedback) {
  const double lambda = 0.4, es = 1.0, p = 0.2, d = 0.3, c = 0.5, R = 0.25;
  const double r_ = p + (1 - p) * d * c;
  const double rho = lambda * (es + (p * es + (1 - p) * d * c * R) / (1 - r_));
  const double tau = 200, warmup = 6000, window = 100000;  // tau bounds the M/G/1's relaxation time (rho ~ 0.54)
  const std::string yaml = two_step_model(run_block(warmup, window, 30, 2202), "{poisson: " + num(lambda) + "}",
                                          "{exponential: {mean: " + num(es) + "}}", "{exponential: {mean: 0.5}}",
                                          "lost: " + num(p) + ", timeout: 1, defect: " + num(d) +
                                              ", detect: " + num(c) + ", on_detect: rework, rework_service: " + num(R));
  const RunResult r = run_text(yaml);
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  auto per_order = [&](LinkStat s) {
    return per_rep(r, [&](const ReplicationResult& x) { return L(x, 0, s) / K(x, Kpi::OrdersArrived); });
  };
  const std::string tag = "lost p=" + g(p) + " defect " + g(d) + " detect " + g(c) + ": ";
  EXPECT_TRUE(Covers(tag + "supplier utilisation",
                     per_rep(r, [](const ReplicationResult& x) { return U(x, 0, UnitStat::Utilisation); }), rho,
                     allow(rho)));
  EXPECT_TRUE(Covers(tag + "handoffs per order = 1/(1-r)", per_order(LinkStat::Handoffs), 1 / (1 - r_)));
  EXPECT_TRUE(Covers(tag + "lost per order = p/(1-r)", per_order(LinkStat::Lost), p / (1 - r_)));
  EXPECT_TRUE(Covers(tag + "defects per order = (1-p) d/(1-r)", per_order(LinkStat::Defects), (1 - p) * d / (1 - r_)));
  EXPECT_TRUE(
      Covers(tag + "detected per order = (1-p) d c/(1-r)", per_order(LinkStat::Detected), (1 - p) * d * c / (1 - r_)));
  EXPECT_TRUE(Covers(tag + "rework_time per order", per_order(LinkStat::ReworkTime),
                     (p * es + (1 - p) * d * c * R) / (1 - r_)));
  EXPECT_TRUE(Covers(tag + "rework_per_order = r/(1-r)",
                     per_rep(r, [](const ReplicationResult& x) { return K(x, Kpi::ReworkPerOrder); }), r_ / (1 - r_)));
  for (const auto& x : r.replications) {
    // Every attempt is lost, caught, or accepted once per order; a lost one has no defect.
    EXPECT_EQ(L(x, 0, LinkStat::Handoffs),
              K(x, Kpi::OrdersArrived) + L(x, 0, LinkStat::Lost) + L(x, 0, LinkStat::Detected));
    EXPECT_EQ(L(x, 0, LinkStat::Defects), L(x, 0, LinkStat::Detected) + L(x, 0, LinkStat::Escaped));
  }
  const auto load = eslabon::offered_load(eslabon::load_model_text(yaml, "<test>"));
  EXPECT_NEAR(load[0].utilisation, rho, 1e-12);
}

// --- lost: 0 changes nothing -----------------------------------------------------------------
// No lost draw happens with lost: 0, nor outside the active window, so a model with every
// other fault gives the fault-free-of-losses run bit for bit, every table.

TEST(WeakLinkLost, LostZeroReproducesTheRunBitForBit) {
  const std::string weak = std::string(ESLABON_SOURCE_DIR) + "/configs/weak_link.yaml";
  const eslabon::Model base = eslabon::load_model_file(weak);
  eslabon::RunOptions o;
  o.threads = 1;
  o.replications = 3;
  o.record_orders = true;
  const RunResult plain = eslabon::run_model(base, o);
  using eslabon::Override;
  const std::vector<std::vector<Override>> same = {
      {{"links.purchase->produce.lost", "0", ""}, {"links.purchase->produce.timeout", "4h", ""}},
      {{"links.take_order->purchase.lost", "0", ""}},
  };
  for (const auto& ov : same) {
    SCOPED_TRACE(ov[0].path);
    expect_same_tables(plain, eslabon::run_model(eslabon::load_model_file(weak, ov), o));
  }
}

TEST(WeakLinkLost, LostOutsideTheActiveWindowReproducesTheRunBitForBit) {
  const std::string run = "run: {horizon: 2000, warmup: 200, replications: 3, seed: 9}\n";
  const std::string arrivals = "{poisson: 0.5}", make = "{exponential: {mean: 1}}",
                    check = "{exponential: {mean: 0.5}}";
  const std::string faults = "defect: 0.2, detect: 0.5, delay: {exponential: {mean: 0.3}}, active: [5000, inf]";
  const RunResult a = run_text(two_step_model(run, arrivals, make, check, faults), true);
  const RunResult b = run_text(two_step_model(run, arrivals, make, check, faults + ", lost: 0.5, timeout: 3"), true);
  expect_same_tables(a, b);
  for (const auto& x : b.replications) EXPECT_EQ(L(x, 0, LinkStat::Lost), 0);
}

// --- bad input -------------------------------------------------------------------------------

TEST(WeakLinkLost, BadInputMessages) {
  const std::string head =
      "name: m\nrun: {horizon: 100}\nunits:\n  a: {servers: 1}\n  b: {servers: 1}\n"
      "flows:\n  f:\n    arrivals: {poisson: 1}\n    tasks:\n"
      "      make: {unit: a, service: 1}\n      check: {unit: b, service: 1, after: make}\n"
      "links:\n  - {from: make, to: check, ";  // line 13; the link's '{' at column 5, its first key at 29
  struct Case {
    std::string link, message;
  };
  const std::vector<Case> cases = {
      {"lost: 0.2}",
       "m.yaml:13:5: links.make->check.timeout: missing; lost needs timeout (how long until the receiver notices a lost handoff)"},
      {"lost: 1.5, timeout: 2}",
       "m.yaml:13:35: links.make->check.lost: expected a probability between 0 and 1, got 1.5"},
      {"lost: -0.1, timeout: 2}",
       "m.yaml:13:35: links.make->check.lost: expected a probability between 0 and 1, got -0.1"},
      {"lost: 5%, timeout: 2}",
       "m.yaml:13:35: links.make->check.lost: expected a probability between 0 and 1, got '5%'"},
      {"lost: 0.1, timeout: 0}", "m.yaml:13:49: links.make->check.timeout: expected a duration > 0, got 0"},
      {"lost: 0.1, timeout: inf}", "m.yaml:13:49: links.make->check.timeout: expected a finite duration, got inf"},
      {"lost: 0.1, timout: 2}",
       "m.yaml:13:40: links.make->check.timout: unknown key (did you mean 'timeout'?); expected one of from, to, defect, "
       "detect, on_detect, rework_service, fix_service, delay, lost, timeout, false_alarm, sla, inspection_cost, active"},
      {"on_detect: rewrok}",
       "m.yaml:13:40: links.make->check.on_detect: expected rework, fix or scrap, got 'rewrok' (did you mean 'rework'?)"},
  };
  for (const auto& c : cases) EXPECT_EQ(error_of(head + c.link + "\n"), c.message) << c.link;
  // lost: 0 needs no timeout; a timeout without losses is allowed (and does nothing).
  EXPECT_EQ(error_of(head + "lost: 0}\n"), "(no error)");
  EXPECT_EQ(error_of(head + "timeout: 2h}\n"), "(no error)");
}
