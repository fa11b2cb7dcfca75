// Where the time went (engine/delays.hpp): each delivered order's lead time split into causes
// along the path that decided its delivery. The parts add up to the lead time on every model;
// exact deterministic scenarios pin each rule (the path through a join, delay, the lateness
// split); an M/M/1 checks queue and service against theory.

#include "oracle.hpp"
#include "run_text.hpp"

#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using eslabon::DelayStat;
using eslabon::Kpi;
using eslabon::RunResult;
using namespace eslabon_test;

RunResult run(const eslabon::Model& m, int replications = 0) {
  eslabon::RunOptions o;
  o.threads = 1;
  o.replications = replications;
  return eslabon::run_model(m, o);
}

double stat(const eslabon::ReplicationResult& r, std::size_t c, DelayStat s) {
  return r.delays[c][static_cast<int>(s)];
}

std::size_t cause(const RunResult& r, const std::string& name) {
  auto it = std::find(r.cause_names.begin(), r.cause_names.end(), name);
  EXPECT_NE(it, r.cause_names.end()) << "no cause " << name;
  return static_cast<std::size_t>(it - r.cause_names.begin());
}

// Every example config and golden model: per replication, the causes' times per delivered
// order add up to lead_time_mean, and the shares to 1.
TEST(Delays, PartsAddUpToTheLeadTimeOnEveryModel) {
  namespace fs = std::filesystem;
  const std::vector<fs::path> files = every_model_file();
  ASSERT_GE(files.size(), 8u);
  for (const fs::path& f : files) {
    const RunResult r = run(eslabon::load_model_file(f.string(), {{"run.horizon", "3000"}, {"run.warmup", "300"}}), 3);
    for (const auto& rep : r.replications) {
      double time = 0, lead_share = 0, late_share = 0;
      for (std::size_t c = 0; c < r.cause_names.size(); ++c) {
        time += stat(rep, c, DelayStat::Time);
        lead_share += stat(rep, c, DelayStat::LeadShare);
        if (!std::isnan(stat(rep, c, DelayStat::LatenessShare))) late_share += stat(rep, c, DelayStat::LatenessShare);
        EXPECT_GE(stat(rep, c, DelayStat::Time), -1e-9) << f << " " << r.cause_names[c];
      }
      const double lead = rep.kpi[static_cast<int>(Kpi::LeadTimeMean)];
      EXPECT_NEAR(time, lead, 1e-9 * lead) << f;
      EXPECT_NEAR(lead_share, 1.0, 1e-9) << f;
      if (late_share > 0) {
        EXPECT_NEAR(late_share, 1.0, 1e-9) << f;
      }
    }
  }
}

// Deterministic fork and join: a (1 h) -> b (1 h) and c (3 h) -> d (0.5 h), one order every
// 10 h, so nobody waits. The path goes through c, the branch that finished last; b is off it.
// The handoff a -> c takes 0.5 h (a link's delay). Lead time 5 h; due 4 h, so 1 h late: the
// avoidable 0.5 h of delay first, then the other 0.5 h over the services in proportion.
TEST(Delays, DeterministicForkJoinPathDelayAndLateness) {
  const std::string yaml =
      "name: fork\nrun: {horizon: 1000, warmup: 100, replications: 2, seed: 3}\n"
      "units: {A: {servers: 1}, B: {servers: 1}, C: {servers: 1}, D: {servers: 1}}\n"
      "flows:\n  f:\n    arrivals: {interarrival: 10}\n    due: 4\n    tasks:\n"
      "      a: {unit: A, service: 1}\n      b: {unit: B, service: 1, after: a}\n"
      "      c: {unit: C, service: 3, after: a}\n      d: {unit: D, service: 0.5, after: [b, c]}\n"
      "links:\n  - {from: a, to: c, defect: 0, delay: 0.5}\n";
  const RunResult r = run(eslabon::load_model_text(yaml, "<fork>"));
  const double lateness = 1.0, service_total = 4.5, to_service = 0.5;
  const std::vector<std::pair<std::string, double>> want = {{"service:A", 1},   {"service:B", 0}, {"service:C", 3},
                                                            {"service:D", 0.5}, {"queue:A", 0},   {"delay:a->c", 0.5}};
  for (const auto& rep : r.replications) {
    EXPECT_DOUBLE_EQ(rep.kpi[static_cast<int>(Kpi::LeadTimeMean)], 5.0);
    for (const auto& [name, t] : want) {
      const std::size_t c = cause(r, name);
      EXPECT_NEAR(stat(rep, c, DelayStat::Time), t, 1e-12) << name;
      const bool service = name.rfind("service:", 0) == 0;
      const double late = service ? to_service * t / service_total : t;  // delay 0.5 <= lateness 1
      EXPECT_NEAR(stat(rep, c, DelayStat::Lateness), late, 1e-12) << name;
      EXPECT_NEAR(stat(rep, c, DelayStat::LatenessShare), late / lateness, 1e-12) << name;
    }
  }
}

// M/M/1 (lambda 0.8, mu 1): on the path, queue = W_q = rho / (mu - lambda) and service = 1 / mu.
TEST(Delays, MM1QueueAndServiceMatchTheory) {
  const double lambda = 0.8, mu = 1.0, warmup = 2000, window = 40000;
  const std::string yaml = "name: mm1\n" + run_block(warmup, window, 10, 77) +
                           "units: {S: {servers: 1}}\nflows:\n  f:\n    arrivals: {poisson: " + num(lambda) +
                           "}\n    tasks:\n      t: {unit: S, service: {exponential: {mean: " + num(1 / mu) + "}}}\n";
  const RunResult r = run(eslabon::load_model_text(yaml, "<mm1>"));
  std::vector<double> queue, service;
  for (const auto& rep : r.replications) {
    queue.push_back(stat(rep, cause(r, "queue:S"), DelayStat::Time));
    service.push_back(stat(rep, cause(r, "service:S"), DelayStat::Time));
  }
  const double rho = lambda / mu, tau = 1.0 / std::pow(std::sqrt(mu) - std::sqrt(lambda), 2);
  EXPECT_TRUE(Covers("delays: queue:S = W_q", queue, rho / (mu - lambda),
                     transient_allowance(rho / (mu - lambda), tau, warmup, window)));
  EXPECT_TRUE(Covers("delays: service:S = 1/mu", service, 1 / mu));
}

}  // namespace
