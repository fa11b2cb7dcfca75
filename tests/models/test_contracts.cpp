// Internal service contracts (README "Internal service contracts"; issue 10, feature 9): an
// SLA with a target share and a penalty per late handoff, charged to the supplier link, and
// whether the internal targets of a flow add up to its promise to the customer.

#include <models/config/config_error.hpp>
#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/contracts.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "run_text.hpp"

#include <cmath>
#include <string>

namespace {

using namespace eslabon_test;
using eslabon::LinkStat;
using eslabon::OriginStat;
using eslabon::RunResult;

}  // namespace

// The SLA runs from the supplier task's first queue entry to the accepted handoff: with no
// delay and no inspection that is the supplier's sojourn in an M/M/1, P(T <= t) = 1 - exp(-(mu -
// lambda) t). Each late handoff costs the penalty, on the link's row of the ledger.
TEST(Contracts, MetRateIsTheMM1SojournLawAndBreachesPayThePenalty) {
  const double lambda = 0.5, mu = 1.0, within = 2.0, penalty = 10, warmup = 1000, window = 30000;
  const RunResult r = run_text("name: sla\n" + run_block(warmup, window, 10, 11) +
                               "units: {A: {servers: 1}, B: {servers: 1}}\n"
                               "flows: {f: {arrivals: {poisson: " + num(lambda) + "}, tasks: {\n"
                               "  a: {unit: A, service: {exponential: {mean: " + num(1 / mu) + "}}},\n"
                               "  b: {unit: B, service: 0.1, after: a}}}}\n"
                               "links: [{from: a, to: b, sla: {within: " + num(within) +
                               ", share: 0.7, penalty: " + num(penalty) + "}}]\n");
  const std::size_t link = index_of(r.link_names, "a->b"), row = index_of(r.origin_names, "a->b");
  std::vector<double> met;
  for (const auto& x : r.replications) {
    const double m = x.links[link][static_cast<int>(LinkStat::SlaMetRate)];
    const double handoffs = x.links[link][static_cast<int>(LinkStat::Handoffs)];
    met.push_back(m);
    // Every handoff is accepted (no faults): the breaches are handoffs x (1 - met rate).
    EXPECT_NEAR(x.origins[row][static_cast<int>(OriginStat::Copq)], penalty * handoffs * (1 - m),
                1e-6 * penalty * handoffs);
    EXPECT_NEAR(x.links[link][static_cast<int>(LinkStat::Copq)], x.origins[row][static_cast<int>(OriginStat::Copq)],
                1e-9);
  }
  const double theory = 1 - std::exp(-(mu - lambda) * within);  // 0.632: below the 0.7 target
  const double tau = 1.0 / std::pow(std::sqrt(mu) - std::sqrt(lambda), 2);
  EXPECT_TRUE(Covers("sla_met_rate = 1 - exp(-(mu - lambda) t)", met, theory,
                     transient_allowance(theory, tau, warmup, window)));
  eslabon::Table t = r.contracts_table();
  ASSERT_EQ(t.str("link").size(), 1u);
  EXPECT_EQ(t.f64("within")[0], within);
  EXPECT_EQ(t.f64("share")[0], 0.7);
  EXPECT_EQ(t.f64("target_met")[0], 0.0);
  EXPECT_EQ(t.f64("sure")[0], 1.0);  // 0.632 is far below 0.7 at this run length
}

// A plain duration is still an SLA without a target or a penalty: measured, never charged.
TEST(Contracts, APlainDurationMeasuresAndChargesNothing) {
  const RunResult r = run_text(
      "run: {horizon: 2000, warmup: 100, replications: 2, seed: 3}\n"
      "units: {A: {servers: 1}, B: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.5}, tasks: {a: {unit: A, service: {exponential: {mean: 1}}},\n"
      "  b: {unit: B, service: 0.1, after: a}}}}\n"
      "links: [{from: a, to: b, sla: 2}]\n");
  for (const auto& x : r.replications) EXPECT_EQ(x.kpi[static_cast<int>(eslabon::Kpi::CopqPerOrder)], 0.0);
  eslabon::Table t = r.contracts_table();
  ASSERT_EQ(t.str("link").size(), 1u);
  EXPECT_TRUE(std::isnan(t.f64("share")[0]));
  EXPECT_TRUE(std::isnan(t.f64("target_met")[0]));
}

// The worst path of a fork-join flow: the SLAs cover their suppliers one after the other; the
// sink and a handoff without an SLA count their mean work (and mean delay).
TEST(Contracts, WorstPathAddsTheTargetsAlongTheFlow) {
  const eslabon::Model m = eslabon::load_model_text(
      "run: {horizon: 100}\nunits: {A: {servers: 1}, B: {servers: 1}, C: {servers: 1}, D: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.1}, due: 20, tasks: {a: {unit: A, service: 1},\n"
      "  b: {unit: B, service: 2, after: a}, c: {unit: C, service: 3, after: a},\n"
      "  d: {unit: D, service: 4, after: [b, c]}}}}\n"
      "links: [{from: a, to: b, sla: {within: 5, share: 0.9}}, {from: b, to: d, sla: {within: 6, share: 0.95}},\n"
      "        {from: a, to: c, sla: 4}, {from: c, to: d, delay: 1.5}]\n",
      "<paths>");
  const auto paths = eslabon::contract_paths(m);
  ASSERT_EQ(paths.size(), 1u);
  const auto& p = paths[0];
  // a->b->d: 5 + 6 + 4 = 15; a->c->d: 4 + (3 + 1.5) + 4 = 12.5.
  EXPECT_EQ(p.tasks, (std::vector<std::string>{"a", "b", "d"}));
  EXPECT_DOUBLE_EQ(p.total, 15.0);
  EXPECT_TRUE(p.fits());
  EXPECT_NEAR(p.all_met, 1 - 0.1 - 0.05, 1e-12);
  const auto tight = eslabon::contract_paths(eslabon::load_model_text(m.config_text, "<paths>", {{"flows.f.due", "14"}}));
  EXPECT_FALSE(tight[0].fits());
}

TEST(Contracts, BadContractsAreConfigErrors) {
  const std::string base =
      "run: {horizon: 100}\nunits: {A: {servers: 1}, B: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.5}, tasks: {a: {unit: A, service: 1}, b: {unit: B, service: 1, after: a}}}}\n";
  auto error_of = [&](const std::string& link) {
    try {
      eslabon::load_model_text(base + "links: [{from: a, to: b, sla: " + link + "}]\n", "c.yaml");
    } catch (const eslabon::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("{share: 0.9}").find("c.yaml:4:31: links.a->b.sla.within: missing"), std::string::npos)
      << error_of("{share: 0.9}");
  EXPECT_NE(error_of("{within: 8, share: 1.5}").find("links.a->b.sla.share: expected a probability"),
            std::string::npos)
      << error_of("{within: 8, share: 1.5}");
  EXPECT_NE(error_of("{within: 8, penalty: -1}").find("links.a->b.sla.penalty: expected a cost >= 0"),
            std::string::npos)
      << error_of("{within: 8, penalty: -1}");
  EXPECT_NE(error_of("{within: 8, penlty: 1}").find("unknown key (did you mean 'penalty'?)"), std::string::npos)
      << error_of("{within: 8, penlty: 1}");
  EXPECT_NE(error_of("{within: 0}").find("links.a->b.sla.within: expected a duration > 0"), std::string::npos)
      << error_of("{within: 0}");
}
