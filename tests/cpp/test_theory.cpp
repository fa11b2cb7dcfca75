// Statistical validation of the engine against queueing theory.
//
// Every expected value below comes from a closed formula that nobody here chose: M/M/1,
// Erlang C (M/M/c), Jackson's theorem for a tandem network, Nelson & Tantawi's two-server
// fork-join, Pollaczek-Khinchine (M/G/1), Little's law, Cobham's non-preemptive priority
// formula and the M/M/1/K birth-death solution. Never a number the engine printed.
//
// Tolerance. Each check takes one value per replication (independent replications, fixed
// seed) and asks that the theoretical value lie inside the 99.9% Student-t confidence
// interval of their mean (eslabon::confidence_interval(xs, 0.999)). The only widening is
// computed, never chosen:
//   * an initial-transient allowance (transient_allowance below): every replication starts
//     empty; E[X(t)] approaches its stationary value like exp(-t/tau), tau the relaxation
//     time of the queue, from an initial error no larger than the stationary value
//     itself. The bias of an average over [warmup, horizon] is then at most
//     |X_inf| * tau * exp(-warmup/tau) / (horizon - warmup). Warm-ups are >= 25 tau, so the
//     allowance is ~1e-11 relative: it is there to document that this bias was considered.
//   * for quantiles, the resolution of the engine's quantile sketch (QuantileSketch in
//     core/statistics.hpp: 256 sub-buckets per power of two, so a reported quantile is
//     within 2^-8 relative of the order statistic).
// With ~50 interval checks at 99.9%, a correct engine fails one with probability ~5% for a
// random seed; the seeds are fixed, so the outcome is reproducible.
//
// Relaxation times used (all from the literature, used only to size the warm-up and the
// allowance): M/M/1, tau = 1/(sqrt(mu) - sqrt(lambda))^2 (the spectral gap of the M/M/1
// birth-death chain); M/M/1/K, the gap lambda + mu - 2 sqrt(lambda mu) cos(pi/(K+1)) of the
// finite chain; M/M/c, the larger of 1/mu and the M/M/1 value at the pooled rate c mu; M/G/1,
// the reflected-Brownian-motion value 2 lambda E[S^2] / (1 - rho)^2 (Abate & Whitt), which
// gives 80 for the M/M/1 with rho = 0.8 against the exact 89.7.
//
// Run time: every test uses one thread and runs in a few seconds in Release; the file's
// total is printed by gtest.

#include <eslabon/core/confidence.hpp>
#include <eslabon/models/config.hpp>
#include <eslabon/models/results.hpp>
#include <eslabon/models/simulator.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

namespace {

using eslabon::Interval;
using eslabon::Kpi;
using eslabon::ReplicationResult;
using eslabon::RunResult;
using eslabon::UnitStat;

constexpr double kLevel = 0.999;
// QuantileSketch: 256 sub-buckets per power of two.
constexpr double kSketchRelativeResolution = 1.0 / 256.0;

// --- formatting and running -----------------------------------------------------------------

std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

std::string g(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

std::string run_block(double warmup, double window, int reps, std::uint64_t seed) {
  return "run: {horizon: " + num(warmup + window) + ", warmup: " + num(warmup) +
         ", replications: " + std::to_string(reps) + ", seed: " + std::to_string(seed) + "}\n";
}

RunResult run_text(const std::string& yaml) {
  eslabon::Model m = eslabon::load_model_text(yaml, "<test>");
  eslabon::RunOptions o;
  o.threads = 1;  // the budget is one core; results do not depend on it
  return eslabon::run_model(m, o);
}

std::vector<double> kpi_values(const RunResult& r, Kpi k) {
  std::vector<double> xs;
  for (const auto& rep : r.replications) xs.push_back(rep.kpi[static_cast<int>(k)]);
  return xs;
}

std::vector<double> unit_values(const RunResult& r, std::size_t u, UnitStat s) {
  std::vector<double> xs;
  for (const auto& rep : r.replications) xs.push_back(rep.units[u][static_cast<int>(s)]);
  return xs;
}

double kpi_of(const ReplicationResult& r, Kpi k) { return r.kpi[static_cast<int>(k)]; }
double stat_of(const ReplicationResult& r, std::size_t u, UnitStat s) { return r.units[u][static_cast<int>(s)]; }

// --- the oracle's tolerance --------------------------------------------------------------------

// Bias bound of a window average started empty (see the top of the file).
double transient_allowance(double stationary, double tau, double warmup, double window) {
  return std::abs(stationary) * tau * std::exp(-warmup / tau) / window;
}

// Theory must lie in the 99.9% t-interval of the replication values, widened by `allowance`.
::testing::AssertionResult Covers(const std::string& what, const std::vector<double>& xs, double theory,
                                  double allowance = 0.0) {
  const Interval iv = eslabon::confidence_interval(xs, kLevel);
  std::ostringstream msg;
  msg << what << ": estimate " << g(iv.mean) << ", 99.9% CI [" << g(iv.low) << ", " << g(iv.high)
      << "] over n=" << iv.n << " of " << xs.size() << " replications";
  if (allowance > 0) msg << ", widened by " << g(allowance);
  msg << "; theory " << g(theory);
  const bool ok = iv.n == static_cast<std::int64_t>(xs.size()) && iv.n >= 2 && std::isfinite(iv.low) &&
                  std::isfinite(iv.high) && theory >= iv.low - allowance && theory <= iv.high + allowance;
  std::cout << "  [" << (ok ? "ok  " : "FAIL") << "] " << msg.str() << "\n";
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << msg.str();
}

// --- closed forms -----------------------------------------------------------------------------

// Erlang's C formula: probability that an arrival waits in an M/M/c queue with offered load a.
double erlang_c(int c, double a) {
  double term = 1.0;  // a^k / k!
  double sum = 0.0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double last = term * c / (c - a);
  return last / (sum + last);
}

struct MMc {
  int c;
  double lambda, mu;
  double a() const { return lambda / mu; }
  double rho() const { return lambda / (c * mu); }
  double wq() const { return erlang_c(c, a()) / (c * mu - lambda); }
  double lq() const { return lambda * wq(); }
  double w() const { return wq() + 1.0 / mu; }
  double tau() const {
    const double pooled = 1.0 / std::pow(std::sqrt(c * mu) - std::sqrt(lambda), 2);
    return std::max(1.0 / mu, pooled);
  }
};

// Stationary distribution of the M/M/c/K queue (K places in all, including service).
std::vector<double> mmck_distribution(int c, int K, double a) {
  std::vector<double> p(K + 1, 1.0);
  for (int n = 1; n <= K; ++n) p[n] = p[n - 1] * a / std::min(n, c);
  double s = 0;
  for (double x : p) s += x;
  for (double& x : p) x /= s;
  return p;
}

// --- Little's law, checked as paired per-replication differences -----------------------------

// For every unit u with mean service time es[u]:
//   mean_queue                 = throughput * mean_wait            (Little on the waiting line)
//   mean_queue + mean_busy     = throughput * (mean_wait + E[S])   (Little on the whole unit)
// and for the system: wip_mean = throughput * lead_time_mean.
// Each identity holds for the stationary expectations of these window estimates, so the
// per-replication difference has mean 0.
void expect_little(const RunResult& r, const std::vector<double>& es) {
  for (std::size_t u = 0; u < es.size(); ++u) {
    std::vector<double> dq, dl;
    for (const auto& rep : r.replications) {
      const double thr = stat_of(rep, u, UnitStat::Throughput);
      const double wq = stat_of(rep, u, UnitStat::MeanWait);
      const double lq = stat_of(rep, u, UnitStat::MeanQueue);
      const double busy = stat_of(rep, u, UnitStat::MeanBusy);
      dq.push_back(lq - thr * wq);
      dl.push_back(lq + busy - thr * (wq + es[u]));
    }
    const std::string name = r.unit_names[u];
    EXPECT_TRUE(Covers("Little " + name + ": mean_queue - throughput*mean_wait", dq, 0.0));
    EXPECT_TRUE(Covers("Little " + name + ": mean_queue + mean_busy - throughput*(mean_wait + E[S])", dl, 0.0));
  }
  std::vector<double> ds;
  for (const auto& rep : r.replications)
    ds.push_back(kpi_of(rep, Kpi::WipMean) - kpi_of(rep, Kpi::Throughput) * kpi_of(rep, Kpi::LeadTimeMean));
  EXPECT_TRUE(Covers("Little system: wip_mean - throughput*lead_time_mean", ds, 0.0));
}

std::string exp_service(double mean) { return "{exponential: {mean: " + num(mean) + "}}"; }

std::string single_station(int servers, double lambda, const std::string& service, double warmup, double window,
                           int reps, std::uint64_t seed, const std::string& unit_extra = "") {
  return "name: single station\n" + run_block(warmup, window, reps, seed) +
         "units:\n  desk: {servers: " + std::to_string(servers) + unit_extra + "}\n"
         "flows:\n  orders:\n    arrivals: {poisson: " + num(lambda) + "}\n"
         "    tasks:\n      serve: {unit: desk, service: " + service + "}\n";
}

// M/M/c: per-unit and system-wide KPIs against Erlang C.
void check_mmc(const MMc& q, double window, int reps, std::uint64_t seed) {
  const double tau = q.tau();
  const double warmup = std::ceil(30 * tau);
  const RunResult r =
      run_text(single_station(q.c, q.lambda, exp_service(1.0 / q.mu), warmup, window, reps, seed));
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  const std::string tag = "M/M/" + std::to_string(q.c) + " rho=" + g(q.rho()) + " ";
  EXPECT_TRUE(Covers(tag + "mean_wait (Erlang C Wq)", unit_values(r, 0, UnitStat::MeanWait), q.wq(), allow(q.wq())));
  EXPECT_TRUE(Covers(tag + "mean_queue (Lq)", unit_values(r, 0, UnitStat::MeanQueue), q.lq(), allow(q.lq())));
  EXPECT_TRUE(Covers(tag + "utilisation = lambda E[S] / c", unit_values(r, 0, UnitStat::Utilisation), q.rho(),
                     allow(q.rho())));
  EXPECT_TRUE(Covers(tag + "mean_busy = lambda E[S]", unit_values(r, 0, UnitStat::MeanBusy), q.a(), allow(q.a())));
  EXPECT_TRUE(Covers(tag + "unit throughput = lambda", unit_values(r, 0, UnitStat::Throughput), q.lambda,
                     allow(q.lambda)));
  EXPECT_TRUE(Covers(tag + "lead_time_mean = Wq + E[S]", kpi_values(r, Kpi::LeadTimeMean), q.w(), allow(q.w())));
  EXPECT_TRUE(Covers(tag + "wip_mean = lambda W", kpi_values(r, Kpi::WipMean), q.lambda * q.w(),
                     allow(q.lambda * q.w())));
  expect_little(r, {1.0 / q.mu});
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. M/M/1, lambda = 0.8, mu = 1.

TEST(TheoryMM1, WaitQueueUtilisationLeadTimeQuantilesAndWip) {
  const double lambda = 0.8, mu = 1.0, rho = lambda / mu;
  const double tau = 1.0 / std::pow(std::sqrt(mu) - std::sqrt(lambda), 2);  // 89.7
  const double warmup = std::ceil(30 * tau), window = 200000;
  const int reps = 20;
  const RunResult r = run_text(single_station(1, lambda, exp_service(1.0 / mu), warmup, window, reps, 101));
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };

  const double wq = rho / (mu - lambda);        // 4
  const double lq = rho * rho / (1 - rho);      // 3.2
  const double w = 1.0 / (mu - lambda);         // 5
  const double l = lambda * w;                  // 4
  // Sojourn time in FIFO M/M/1 is exponential with rate mu - lambda: q-quantile -ln(1-q)/(mu-lambda).
  const double p50 = -std::log(0.5) * w, p95 = -std::log(0.05) * w;
  auto allow_q = [&](double x) { return x * kSketchRelativeResolution + allow(x); };

  EXPECT_TRUE(Covers("M/M/1 mean_wait Wq = rho/(mu-lambda)", unit_values(r, 0, UnitStat::MeanWait), wq, allow(wq)));
  EXPECT_TRUE(Covers("M/M/1 mean_queue Lq = rho^2/(1-rho)", unit_values(r, 0, UnitStat::MeanQueue), lq, allow(lq)));
  EXPECT_TRUE(Covers("M/M/1 utilisation rho", unit_values(r, 0, UnitStat::Utilisation), rho, allow(rho)));
  EXPECT_TRUE(Covers("M/M/1 unit throughput lambda", unit_values(r, 0, UnitStat::Throughput), lambda, allow(lambda)));
  EXPECT_TRUE(Covers("M/M/1 lead_time_mean W = 1/(mu-lambda)", kpi_values(r, Kpi::LeadTimeMean), w, allow(w)));
  EXPECT_TRUE(Covers("M/M/1 lead_time_p50 = ln2/(mu-lambda)", kpi_values(r, Kpi::LeadTimeP50), p50, allow_q(p50)));
  EXPECT_TRUE(Covers("M/M/1 lead_time_p95 = ln20/(mu-lambda)", kpi_values(r, Kpi::LeadTimeP95), p95, allow_q(p95)));
  EXPECT_TRUE(Covers("M/M/1 wip_mean L = lambda W", kpi_values(r, Kpi::WipMean), l, allow(l)));
  EXPECT_TRUE(Covers("M/M/1 throughput lambda", kpi_values(r, Kpi::Throughput), lambda, allow(lambda)));
  // No due date was promised: every delivered order is on time; nothing is lost.
  for (const auto& rep : r.replications) {
    EXPECT_EQ(kpi_of(rep, Kpi::OnTimeRate), 1.0);
    EXPECT_EQ(kpi_of(rep, Kpi::LossRate), 0.0);
  }
}

// ---------------------------------------------------------------------------------------------
// 2. M/M/c against Erlang C.

TEST(TheoryErlangC, ThreeServersRho08) { check_mmc(MMc{3, 2.4, 1.0}, 100000, 20, 202); }

TEST(TheoryErlangC, TwoServersRho06) { check_mmc(MMc{2, 1.2, 1.0}, 100000, 20, 203); }

TEST(TheoryErlangC, FiveServersRho09SlowService) { check_mmc(MMc{5, 0.9, 0.2}, 100000, 20, 204); }

// ---------------------------------------------------------------------------------------------
// 3. Tandem Jackson network: M/M/1 -> M/M/2 -> M/M/3, Poisson(1) arrivals. By Jackson's
// theorem each station behaves as an independent M/M/c with the same Poisson input, so the
// mean lead time is the sum of the station sojourn times.

TEST(TheoryJackson, TandemLeadTimeIsSumOfStationSojourns) {
  const double lambda = 1.0;
  const std::vector<MMc> st = {{1, lambda, 1 / 0.5}, {2, lambda, 1 / 1.6}, {3, lambda, 1 / 2.1}};
  double tau = 0, w_total = 0;
  for (const auto& q : st) {
    tau = std::max(tau, q.tau());
    w_total += q.w();
  }
  const double warmup = std::ceil(30 * tau), window = 100000;
  const int reps = 20;
  const std::string yaml = "name: tandem\n" + run_block(warmup, window, reps, 303) +
                           "units:\n  s1: {servers: 1}\n  s2: {servers: 2}\n  s3: {servers: 3}\n"
                           "flows:\n  orders:\n    arrivals: {poisson: " + num(lambda) + "}\n    tasks:\n"
                           "      a: {unit: s1, service: " + exp_service(1 / st[0].mu) + "}\n"
                           "      b: {unit: s2, service: " + exp_service(1 / st[1].mu) + ", after: a}\n"
                           "      c: {unit: s3, service: " + exp_service(1 / st[2].mu) + ", after: b}\n";
  const RunResult r = run_text(yaml);
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  for (std::size_t u = 0; u < st.size(); ++u) {
    const std::string tag = "tandem station " + r.unit_names[u] + " (M/M/" + std::to_string(st[u].c) + ", rho=" +
                            g(st[u].rho()) + ") ";
    EXPECT_TRUE(Covers(tag + "mean_wait", unit_values(r, u, UnitStat::MeanWait), st[u].wq(), allow(st[u].wq())));
    EXPECT_TRUE(Covers(tag + "utilisation", unit_values(r, u, UnitStat::Utilisation), st[u].rho(),
                       allow(st[u].rho())));
  }
  EXPECT_TRUE(Covers("tandem lead_time_mean = sum of station sojourns", kpi_values(r, Kpi::LeadTimeMean), w_total,
                     allow(w_total)));
  EXPECT_TRUE(Covers("tandem wip_mean = lambda * sum of sojourns", kpi_values(r, Kpi::WipMean), lambda * w_total,
                     allow(lambda * w_total)));
  expect_little(r, {1 / st[0].mu, 1 / st[1].mu, 1 / st[2].mu});
}

// ---------------------------------------------------------------------------------------------
// 4. Fork-join: every order forks into two tasks at two identical M/M/1 units and is
// delivered when both are done. Nelson & Tantawi (1988): for two homogeneous exponential
// servers the mean response time is exactly (12 - rho)/8 * 1/(mu - lambda).

TEST(TheoryForkJoin, TwoBranchesNelsonTantawi) {
  const double lambda = 0.7, mu = 1.0, rho = lambda / mu;
  const double tau = 1.0 / std::pow(std::sqrt(mu) - std::sqrt(lambda), 2);
  const double warmup = std::ceil(30 * tau), window = 100000;
  const int reps = 20;
  const std::string yaml = "name: fork join\n" + run_block(warmup, window, reps, 404) +
                           "units:\n  left: {servers: 1}\n  right: {servers: 1}\n"
                           "flows:\n  orders:\n    arrivals: {poisson: " + num(lambda) + "}\n    tasks:\n"
                           "      l: {unit: left, service: " + exp_service(1 / mu) + "}\n"
                           "      r: {unit: right, service: " + exp_service(1 / mu) + "}\n";
  const RunResult r = run_text(yaml);
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  const double t2 = (12.0 - rho) / 8.0 / (mu - lambda);
  const double wq = rho / (mu - lambda);
  EXPECT_TRUE(Covers("fork-join lead_time_mean = (12-rho)/8/(mu-lambda)", kpi_values(r, Kpi::LeadTimeMean), t2,
                     allow(t2)));
  EXPECT_TRUE(Covers("fork-join wip_mean = lambda T2", kpi_values(r, Kpi::WipMean), lambda * t2, allow(lambda * t2)));
  for (std::size_t u = 0; u < 2; ++u)
    EXPECT_TRUE(Covers("fork-join branch " + r.unit_names[u] + " mean_wait (M/M/1)",
                       unit_values(r, u, UnitStat::MeanWait), wq, allow(wq)));
  expect_little(r, {1 / mu, 1 / mu});
}

// ---------------------------------------------------------------------------------------------
// 5. M/G/1 (Pollaczek-Khinchine) with non-exponential service, and Little's law per unit
// and for the system. Wq = lambda E[S^2] / (2 (1 - rho)), E[S^2] = E[S]^2 (1 + cv^2).

namespace {
void check_mg1(const std::string& label, const std::string& service, double lambda, double es, double cv,
               double window, int reps, std::uint64_t seed) {
  const double rho = lambda * es;
  const double es2 = es * es * (1 + cv * cv);
  const double tau = 2 * lambda * es2 / ((1 - rho) * (1 - rho));
  const double warmup = std::ceil(30 * tau);
  const RunResult r = run_text(single_station(1, lambda, service, warmup, window, reps, seed));
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  const double wq = lambda * es2 / (2 * (1 - rho));
  EXPECT_TRUE(Covers(label + " utilisation = lambda E[S]", unit_values(r, 0, UnitStat::Utilisation), rho, allow(rho)));
  EXPECT_TRUE(Covers(label + " mean_wait (Pollaczek-Khinchine)", unit_values(r, 0, UnitStat::MeanWait), wq, allow(wq)));
  EXPECT_TRUE(Covers(label + " mean_queue = lambda Wq", unit_values(r, 0, UnitStat::MeanQueue), lambda * wq,
                     allow(lambda * wq)));
  EXPECT_TRUE(Covers(label + " lead_time_mean = Wq + E[S]", kpi_values(r, Kpi::LeadTimeMean), wq + es,
                     allow(wq + es)));
  expect_little(r, {es});
}
}  // namespace

TEST(TheoryLittle, MG1LognormalPollaczekKhinchine) {
  check_mg1("M/G/1 lognormal(cv=1.5) rho=0.7", "{lognormal: {mean: 1, cv: 1.5}}", 0.7, 1.0, 1.5, 100000, 20, 505);
}

TEST(TheoryLittle, MG1GammaPollaczekKhinchine) {
  check_mg1("M/G/1 gamma(cv=0.5) rho=0.85", "{gamma: {mean: 2, cv: 0.5}}", 0.425, 2.0, 0.5, 100000, 20, 506);
}

TEST(TheoryLittle, MD1PollaczekKhinchine) {
  check_mg1("M/D/1 rho=0.75", "{deterministic: 1.5}", 0.5, 1.5, 0.0, 100000, 20, 507);
}

// M/G/2 with uniform service: no closed form for the wait, but utilisation = lambda E[S]/c and
// Little's law per unit and for the system hold for any service distribution.
TEST(TheoryLittle, MG2UniformUtilisationAndLittle) {
  const double lambda = 1.0, es = 1.5;  // uniform(0.5, 2.5)
  const int c = 2;
  const double rho = lambda * es / c;
  // Relaxation: bounded by the M/G/1 value at the pooled rate (service E[S]/c, same cv).
  const double es2_pooled = (es / c) * (es / c) * (1 + (4.0 / 12) / (es * es));
  const double tau = std::max(es, 2 * lambda * es2_pooled / ((1 - rho) * (1 - rho)));
  const double warmup = std::ceil(30 * tau), window = 100000;
  const RunResult r =
      run_text(single_station(c, lambda, "{uniform: {min: 0.5, max: 2.5}}", warmup, window, 20, 508));
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  EXPECT_TRUE(Covers("M/G/2 uniform utilisation = lambda E[S]/c", unit_values(r, 0, UnitStat::Utilisation), rho,
                     allow(rho)));
  EXPECT_TRUE(Covers("M/G/2 uniform mean_busy = lambda E[S]", unit_values(r, 0, UnitStat::MeanBusy), lambda * es,
                     allow(lambda * es)));
  EXPECT_TRUE(Covers("M/G/2 uniform throughput = lambda", kpi_values(r, Kpi::Throughput), lambda, allow(lambda)));
  expect_little(r, {es});
}

// ---------------------------------------------------------------------------------------------
// 6. Non-preemptive priority at one M/G/1 unit (Cobham 1954). Two flows, each one task at
// the same `priority` unit; class 1 (priority 10) is served before class 2 (priority 0).
//   W0 = sum_i lambda_i E[S_i^2] / 2,  Wq_k = W0 / ((1 - sigma_{k-1}) (1 - sigma_k)),
//   sigma_k = sum_{i<=k} rho_i.
// Lead times per class are observable through the per-order table (record_orders), so the
// per-class sojourn Wq_k + E[S_k] is checked, along with the unit's mean wait (the
// arrival-weighted mix) and the conservation law.

TEST(TheoryPriority, CobhamNonPreemptiveTwoClasses) {
  const double l1 = 0.4, s1 = 0.5, l2 = 0.5, s2 = 1.2;  // exponential: E[S^2] = 2 E[S]^2
  const double rho1 = l1 * s1, rho2 = l2 * s2, rho = rho1 + rho2;
  const double w0 = (l1 * 2 * s1 * s1 + l2 * 2 * s2 * s2) / 2;
  const double wq1 = w0 / (1 - rho1);
  const double wq2 = w0 / ((1 - rho1) * (1 - rho));
  const double wq_mix = (l1 * wq1 + l2 * wq2) / (l1 + l2);
  const double tau = 2 * (l1 * 2 * s1 * s1 + l2 * 2 * s2 * s2) / ((1 - rho) * (1 - rho));
  const double warmup = std::ceil(30 * tau), window = 60000;
  const int reps = 20;
  const std::string yaml = "name: priority\n" + run_block(warmup, window, reps, 606) +
                           "units:\n  desk: {servers: 1, discipline: priority}\n"
                           "flows:\n"
                           "  urgent:\n    arrivals: {poisson: " + num(l1) + "}\n    priority: 10\n    tasks:\n"
                           "      serve: {unit: desk, service: " + exp_service(s1) + "}\n"
                           "  normal:\n    arrivals: {poisson: " + num(l2) + "}\n    priority: 0\n    tasks:\n"
                           "      serve: {unit: desk, service: " + exp_service(s2) + "}\n";
  const eslabon::Model m = eslabon::load_model_text(yaml, "<test>");
  std::vector<double> t1, t2, waits, conservation;
  eslabon::SimOptions so;
  so.record_orders = true;
  for (int i = 0; i < reps; ++i) {
    ReplicationResult rep = eslabon::simulate(m, m.run.seed, static_cast<std::uint64_t>(i), so);
    const auto& flow = rep.orders.str("flow");
    const auto& lead = rep.orders.f64("lead_time");
    const auto& lost = rep.orders.i64("lost");
    double sum1 = 0, sum2 = 0;
    std::size_t n1 = 0, n2 = 0;
    for (std::size_t k = 0; k < flow.size(); ++k) {
      if (lost[k]) continue;
      if (flow[k] == "urgent") {
        sum1 += lead[k];
        ++n1;
      } else {
        sum2 += lead[k];
        ++n2;
      }
    }
    t1.push_back(sum1 / static_cast<double>(n1));
    t2.push_back(sum2 / static_cast<double>(n2));
    const double wmix = stat_of(rep, 0, UnitStat::MeanWait);
    waits.push_back(wmix);
    // Conservation (Kleinrock): sum_k rho_k Wq_k is the same for every work-conserving
    // non-preemptive discipline; here compared with FIFO M/G/1 (P-K): rho W0 / (1 - rho).
    conservation.push_back(rho1 * (sum1 / n1 - s1) + rho2 * (sum2 / n2 - s2));
  }
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  EXPECT_TRUE(Covers("priority class 1 (urgent) lead time = Wq1 + E[S1] (Cobham)", t1, wq1 + s1, allow(wq1 + s1)));
  EXPECT_TRUE(Covers("priority class 2 (normal) lead time = Wq2 + E[S2] (Cobham)", t2, wq2 + s2, allow(wq2 + s2)));
  EXPECT_TRUE(Covers("priority unit mean_wait = arrival-weighted Cobham waits", waits, wq_mix, allow(wq_mix)));
  EXPECT_TRUE(Covers("priority conservation law sum rho_k Wq_k = rho W0/(1-rho)", conservation,
                     rho * w0 / (1 - rho), allow(rho * w0 / (1 - rho))));
}

// ---------------------------------------------------------------------------------------------
// 7. Finite capacity M/M/1/K: an order arriving to a full unit is lost. By PASTA the
// fraction of orders lost is the stationary probability pi_K of a full unit.

namespace {
void check_mm1k(double lambda, double mu, int K, double window, int reps, std::uint64_t seed) {
  const std::vector<double> p = mmck_distribution(1, K, lambda / mu);
  const double block = p[K];
  const double lambda_eff = lambda * (1 - block);
  double l = 0;
  for (int n = 0; n <= K; ++n) l += n * p[n];
  const double w = l / lambda_eff;  // Little
  const double gap = lambda + mu - 2 * std::sqrt(lambda * mu) * std::cos(std::numbers::pi / (K + 1));
  const double tau = 1.0 / gap;
  const double warmup = std::ceil(30 * tau);
  const RunResult r = run_text(single_station(1, lambda, exp_service(1 / mu), warmup, window, reps, seed,
                                              ", capacity: " + std::to_string(K)));
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  const std::string tag = "M/M/1/" + std::to_string(K) + " rho=" + g(lambda / mu) + " ";
  EXPECT_TRUE(Covers(tag + "loss_rate = pi_K", kpi_values(r, Kpi::LossRate), block, allow(block)));
  std::vector<double> rejected_rate;
  for (const auto& rep : r.replications) rejected_rate.push_back(stat_of(rep, 0, UnitStat::Rejected) / window);
  EXPECT_TRUE(Covers(tag + "rejected per time = lambda pi_K", rejected_rate, lambda * block, allow(lambda * block)));
  EXPECT_TRUE(Covers(tag + "throughput = lambda (1 - pi_K)", kpi_values(r, Kpi::Throughput), lambda_eff,
                     allow(lambda_eff)));
  EXPECT_TRUE(Covers(tag + "utilisation = 1 - pi_0", unit_values(r, 0, UnitStat::Utilisation), 1 - p[0],
                     allow(1 - p[0])));
  EXPECT_TRUE(Covers(tag + "wip_mean = sum n pi_n", kpi_values(r, Kpi::WipMean), l, allow(l)));
  EXPECT_TRUE(Covers(tag + "lead_time_mean = L / (lambda (1 - pi_K))", kpi_values(r, Kpi::LeadTimeMean), w,
                     allow(w)));
  expect_little(r, {1 / mu});
}
}  // namespace

TEST(TheoryFiniteCapacity, MM1K5Rho09) { check_mm1k(0.9, 1.0, 5, 50000, 20, 707); }

TEST(TheoryFiniteCapacity, MM1K3Overloaded) { check_mm1k(1.5, 1.0, 3, 50000, 20, 708); }
