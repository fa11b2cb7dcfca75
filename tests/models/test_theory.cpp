// Statistical validation of the engine against queueing theory.
//
// Every expected value below comes from a closed formula that nobody here chose: M/M/1,
// Erlang C (M/M/c), Jackson's theorem for a tandem network, Nelson & Tantawi's two-server
// fork-join, Pollaczek-Khinchine (M/G/1, for every service distribution), G/M/1 (Erlang and
// deterministic arrivals), Little's law, Cobham's non-preemptive priority formula, Kleinrock's
// conservation law (EDF, priority) and the M/M/1/K birth-death solution. Never a number the
// engine printed.
//
// Tolerance. Each check takes one value per replication (independent replications, fixed
// seed) and asks that the theoretical value lie inside the 99.9% Student-t confidence
// interval of their mean (eslabon::confidence_interval(xs, 0.999)). The only widening is
// computed, never chosen:
//   * an initial-transient allowance (transient_allowance below): every replication starts
//     empty; E[X(t)] approaches its stationary value like exp(-t/tau), tau the relaxation
//     time of the queue, from an initial error no larger than the stationary value
//     itself. The bias of an average over [warmup, horizon] is then at most
//     |X_inf| * tau * exp(-warmup/tau) / (horizon - warmup). Warm-ups are 30 tau, so the
//     allowance is ~1e-16 relative: it is there to document that this bias was considered.
//   * for quantiles, the resolution of the engine's quantile sketch (QuantileSketch in
//     core/statistics.hpp: 256 sub-buckets per power of two, so a reported quantile is
//     within 2^-8 relative of the order statistic).
// Multiplicity: the file makes ~190 interval checks at 99.9%, many strongly correlated (they
// come from the same runs). A correct engine with other random numbers (another seed, or a
// change in how a distribution consumes uniforms) fails one of them with a probability of
// the order of 10%. The seeds are fixed, so the outcome is reproducible; a failure prints
// the estimate, the interval and the theory, and should be judged on them.
//
// Relaxation times used (all from the literature, used only to size the warm-up and the
// allowance): M/M/1, tau = 1/(sqrt(mu) - sqrt(lambda))^2 (the spectral gap of the M/M/1
// birth-death chain); M/M/1/K, the gap lambda + mu - 2 sqrt(lambda mu) cos(pi/(K+1)) of the
// finite chain; M/M/c, the larger of 1/mu and the M/M/1 value at the pooled rate c mu; M/G/1,
// the reflected-Brownian-motion value 2 lambda E[S^2] / (1 - rho)^2 (Abate & Whitt), which
// gives 80 for the M/M/1 with rho = 0.8 against the exact 89.7.
//
// Run time: every test uses one thread and takes 0.2-1.5 s in Release; the whole file
// about 10-13 s on one core (~130M events).

#include <eslabon/core/confidence.hpp>
#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numbers>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace {

using namespace eslabon_test;

using eslabon::Interval;
using eslabon::Kpi;
using eslabon::ReplicationResult;
using eslabon::RunResult;
using eslabon::UnitStat;

constexpr int kReps = 30;  // replications per check
// QuantileSketch: 256 sub-buckets per power of two.
constexpr double kSketchRelativeResolution = 1.0 / 256.0;

// --- formatting and running -----------------------------------------------------------------

RunResult run_text(const std::string& yaml) {
  eslabon::Model m = eslabon::load_model_text(yaml, "<test>");
  eslabon::RunOptions o;
  o.threads = 1;  // the budget is one core; results do not depend on it
  RunResult r = eslabon::run_model(m, o);
  std::cout << "  (" << r.replications.size() << " replications, " << r.events() << " events)\n";
  return r;
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

// --- closed forms -----------------------------------------------------------------------------

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
         "units:\n  desk: {servers: " + std::to_string(servers) + unit_extra +
         "}\n"
         "flows:\n  orders:\n    arrivals: {poisson: " +
         num(lambda) +
         "}\n"
         "    tasks:\n      serve: {unit: desk, service: " +
         service + "}\n";
}

// M/M/c: per-unit and system-wide KPIs against Erlang C.
void check_mmc(const MMc& q, double window, int reps, std::uint64_t seed) {
  const double tau = q.tau();
  const double warmup = std::ceil(30 * tau);
  const RunResult r = run_text(single_station(q.c, q.lambda, exp_service(1.0 / q.mu), warmup, window, reps, seed));
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  const std::string tag = "M/M/" + std::to_string(q.c) + " rho=" + g(q.rho()) + " ";
  EXPECT_TRUE(Covers(tag + "mean_wait (Erlang C Wq)", unit_values(r, 0, UnitStat::MeanWait), q.wq(), allow(q.wq())));
  EXPECT_TRUE(Covers(tag + "mean_queue (Lq)", unit_values(r, 0, UnitStat::MeanQueue), q.lq(), allow(q.lq())));
  EXPECT_TRUE(
      Covers(tag + "utilisation = lambda E[S] / c", unit_values(r, 0, UnitStat::Utilisation), q.rho(), allow(q.rho())));
  EXPECT_TRUE(Covers(tag + "mean_busy = lambda E[S]", unit_values(r, 0, UnitStat::MeanBusy), q.a(), allow(q.a())));
  EXPECT_TRUE(
      Covers(tag + "unit throughput = lambda", unit_values(r, 0, UnitStat::Throughput), q.lambda, allow(q.lambda)));
  EXPECT_TRUE(Covers(tag + "lead_time_mean = Wq + E[S]", kpi_values(r, Kpi::LeadTimeMean), q.w(), allow(q.w())));
  EXPECT_TRUE(
      Covers(tag + "wip_mean = lambda W", kpi_values(r, Kpi::WipMean), q.lambda * q.w(), allow(q.lambda * q.w())));
  expect_little(r, {1.0 / q.mu});
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. M/M/1, lambda = 0.8, mu = 1.

TEST(TheoryMM1, WaitQueueUtilisationLeadTimeQuantilesAndWip) {
  const double lambda = 0.8, mu = 1.0, rho = lambda / mu;
  const double tau = 1.0 / std::pow(std::sqrt(mu) - std::sqrt(lambda), 2);  // 89.7
  const double warmup = std::ceil(30 * tau), window = 300000;
  const int reps = kReps;
  const double due = 8;
  const std::string yaml = single_station(1, lambda, exp_service(1.0 / mu), warmup, window, reps, 101);
  const RunResult r = run_text(yaml + "    due: " + num(due) + "\n");
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };

  const double wq = rho / (mu - lambda);    // 4
  const double lq = rho * rho / (1 - rho);  // 3.2
  const double w = 1.0 / (mu - lambda);     // 5
  const double l = lambda * w;              // 4
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
  // On time: P(sojourn <= due) = 1 - exp(-(mu - lambda) due).
  const double on_time = 1 - std::exp(-(mu - lambda) * due);
  EXPECT_TRUE(Covers("M/M/1 on_time_rate = 1 - exp(-(mu-lambda) due)", kpi_values(r, Kpi::OnTimeRate), on_time,
                     allow(on_time)));
  for (const auto& rep : r.replications) EXPECT_EQ(kpi_of(rep, Kpi::LossRate), 0.0);
}

// ---------------------------------------------------------------------------------------------
// 2. M/M/c against Erlang C.

TEST(TheoryErlangC, ThreeServersRho08) { check_mmc(MMc{3, 2.4, 1.0}, 100000, kReps, 202); }

TEST(TheoryErlangC, TwoServersRho06) { check_mmc(MMc{2, 1.2, 1.0}, 100000, kReps, 203); }

TEST(TheoryErlangC, FiveServersRho09SlowService) { check_mmc(MMc{5, 0.9, 0.2}, 100000, kReps, 204); }

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
  const int reps = kReps;
  const std::string yaml = "name: tandem\n" + run_block(warmup, window, reps, 303) +
                           "units:\n  s1: {servers: 1}\n  s2: {servers: 2}\n  s3: {servers: 3}\n"
                           "flows:\n  orders:\n    arrivals: {poisson: " +
                           num(lambda) +
                           "}\n    tasks:\n"
                           "      a: {unit: s1, service: " +
                           exp_service(1 / st[0].mu) +
                           "}\n"
                           "      b: {unit: s2, service: " +
                           exp_service(1 / st[1].mu) +
                           ", after: a}\n"
                           "      c: {unit: s3, service: " +
                           exp_service(1 / st[2].mu) + ", after: b}\n";
  const RunResult r = run_text(yaml);
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  for (std::size_t u = 0; u < st.size(); ++u) {
    const std::string tag =
        "tandem station " + r.unit_names[u] + " (M/M/" + std::to_string(st[u].c) + ", rho=" + g(st[u].rho()) + ") ";
    EXPECT_TRUE(Covers(tag + "mean_wait", unit_values(r, u, UnitStat::MeanWait), st[u].wq(), allow(st[u].wq())));
    EXPECT_TRUE(Covers(tag + "utilisation", unit_values(r, u, UnitStat::Utilisation), st[u].rho(), allow(st[u].rho())));
  }
  EXPECT_TRUE(Covers("tandem lead_time_mean = sum of station sojourns", kpi_values(r, Kpi::LeadTimeMean), w_total,
                     allow(w_total)));
  EXPECT_TRUE(Covers("tandem wip_mean = lambda * sum of sojourns", kpi_values(r, Kpi::WipMean), lambda * w_total,
                     allow(lambda * w_total)));
  expect_little(r, {1 / st[0].mu, 1 / st[1].mu, 1 / st[2].mu});
}

// ---------------------------------------------------------------------------------------------
// 4. Fork-join: every order forks into two tasks at two identical M/M/1 units and is
// delivered when both are done. Nelson & Tantawi (1988), after Flatto & Hahn (1984): for
// two homogeneous exponential servers the mean response time is exactly
// (12 - rho)/8 * 1/(mu - lambda).

TEST(TheoryForkJoin, TwoBranchesNelsonTantawi) {
  const double lambda = 0.7, mu = 1.0, rho = lambda / mu;
  const double tau = 1.0 / std::pow(std::sqrt(mu) - std::sqrt(lambda), 2);
  const double warmup = std::ceil(30 * tau), window = 100000;
  const int reps = kReps;
  const std::string yaml = "name: fork join\n" + run_block(warmup, window, reps, 404) +
                           "units:\n  left: {servers: 1}\n  right: {servers: 1}\n"
                           "flows:\n  orders:\n    arrivals: {poisson: " +
                           num(lambda) +
                           "}\n    tasks:\n"
                           "      l: {unit: left, service: " +
                           exp_service(1 / mu) +
                           "}\n"
                           "      r: {unit: right, service: " +
                           exp_service(1 / mu) + "}\n";
  const RunResult r = run_text(yaml);
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  const double t2 = (12.0 - rho) / 8.0 / (mu - lambda);
  const double wq = rho / (mu - lambda);
  EXPECT_TRUE(
      Covers("fork-join lead_time_mean = (12-rho)/8/(mu-lambda)", kpi_values(r, Kpi::LeadTimeMean), t2, allow(t2)));
  EXPECT_TRUE(Covers("fork-join wip_mean = lambda T2", kpi_values(r, Kpi::WipMean), lambda * t2, allow(lambda * t2)));
  for (std::size_t u = 0; u < 2; ++u)
    EXPECT_TRUE(Covers("fork-join branch " + r.unit_names[u] + " mean_wait (M/M/1)",
                       unit_values(r, u, UnitStat::MeanWait), wq, allow(wq)));
  expect_little(r, {1 / mu, 1 / mu});
}

// ---------------------------------------------------------------------------------------------
// 5. M/G/1 (Pollaczek-Khinchine) with every non-exponential service distribution the engine
// offers, and Little's law per unit and for the system:
//   utilisation = lambda E[S],  Wq = lambda E[S^2] / (2 (1 - rho)),  W = Wq + E[S].
// E[S^2] is worked out here from each distribution's textbook moments, not asked of the
// engine, so these tests also check that every sampler has the right first two moments.

namespace {
void check_mg1(const std::string& label, const std::string& service, double rho, double es, double es2, double window,
               std::uint64_t seed) {
  const double lambda = rho / es;
  const double tau = 2 * lambda * es2 / ((1 - rho) * (1 - rho));  // RBM relaxation time
  const double warmup = std::ceil(30 * tau);
  const RunResult r = run_text(single_station(1, lambda, service, warmup, window, kReps, seed));
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  const double wq = lambda * es2 / (2 * (1 - rho));
  const std::string tag = "M/G/1 " + label + " rho=" + g(rho) + " ";
  EXPECT_TRUE(Covers(tag + "utilisation = lambda E[S]", unit_values(r, 0, UnitStat::Utilisation), rho, allow(rho)));
  EXPECT_TRUE(Covers(tag + "mean_wait (Pollaczek-Khinchine)", unit_values(r, 0, UnitStat::MeanWait), wq, allow(wq)));
  EXPECT_TRUE(
      Covers(tag + "mean_queue = lambda Wq", unit_values(r, 0, UnitStat::MeanQueue), lambda * wq, allow(lambda * wq)));
  EXPECT_TRUE(Covers(tag + "lead_time_mean = Wq + E[S]", kpi_values(r, Kpi::LeadTimeMean), wq + es, allow(wq + es)));
  expect_little(r, {es});
}
}  // namespace

TEST(TheoryPollaczekKhinchine, Lognormal) {
  // E[S^2] = m^2 (1 + cv^2)
  check_mg1("lognormal(1, cv=1.5)", "{lognormal: {mean: 1, cv: 1.5}}", 0.7, 1.0, 3.25, 100000, 505);
}

TEST(TheoryPollaczekKhinchine, GammaShapeAboveOne) {
  check_mg1("gamma(2, cv=0.5)", "{gamma: {mean: 2, cv: 0.5}}", 0.85, 2.0, 4 * 1.25, 100000, 506);
}

TEST(TheoryPollaczekKhinchine, GammaShapeBelowOne) {
  // cv = 2: shape 1/4, sampled through the u^(1/a) boost of Marsaglia-Tsang.
  check_mg1("gamma(1, cv=2)", "{gamma: {mean: 1, cv: 2}}", 0.6, 1.0, 5.0, 100000, 507);
}

TEST(TheoryPollaczekKhinchine, Erlang) {
  // E[S^2] = m^2 (1 + 1/k)
  check_mg1("erlang(k=3, 1)", "{erlang: {k: 3, mean: 1}}", 0.8, 1.0, 1.0 + 1.0 / 3, 100000, 508);
}

TEST(TheoryPollaczekKhinchine, Weibull) {
  // E[S] = s Gamma(1 + 1/k), E[S^2] = s^2 Gamma(1 + 2/k)
  check_mg1("weibull(k=1.5, s=1)", "{weibull: {shape: 1.5, scale: 1}}", 0.7, std::tgamma(1 + 1 / 1.5),
            std::tgamma(1 + 2 / 1.5), 100000, 509);
}

TEST(TheoryPollaczekKhinchine, Uniform) {
  // E[S^2] = (a^2 + ab + b^2) / 3
  check_mg1("uniform(0.5, 1.5)", "{uniform: {min: 0.5, max: 1.5}}", 0.75, 1.0, (0.25 + 0.75 + 2.25) / 3, 100000, 510);
}

TEST(TheoryPollaczekKhinchine, Triangular) {
  // E[S] = (a + c + b)/3, E[S^2] = (a^2 + b^2 + c^2 + ab + ac + bc) / 6
  const double a = 0.2, c = 0.6, b = 2.2;
  check_mg1("triangular(0.2, 0.6, 2.2)", "{triangular: {min: 0.2, mode: 0.6, max: 2.2}}", 0.7, (a + b + c) / 3,
            (a * a + b * b + c * c + a * b + a * c + b * c) / 6, 100000, 511);
}

TEST(TheoryPollaczekKhinchine, Empirical) {
  // Each listed value equally likely.
  const std::vector<double> v = {0.5, 1, 1, 1.5, 2};
  double m1 = 0, m2 = 0;
  for (double x : v) {
    m1 += x / v.size();
    m2 += x * x / v.size();
  }
  check_mg1("empirical[0.5,1,1,1.5,2]", "{empirical: [0.5, 1, 1, 1.5, 2]}", 0.7, m1, m2, 100000, 512);
}

TEST(TheoryPollaczekKhinchine, Deterministic) {
  check_mg1("deterministic(1.5) (M/D/1)", "{deterministic: 1.5}", 0.75, 1.5, 2.25, 100000, 513);
}

TEST(TheoryPollaczekKhinchine, Pert) {
  // Beta-PERT on [a, b] with mode c: alpha = 1 + 4 (c - a)/(b - a), beta = 1 + 4 (b - c)/(b - a),
  // E[S] = a + (b - a) alpha / (alpha + beta), Var = (b - a)^2 alpha beta / ((alpha + beta)^2 (alpha + beta + 1)).
  const double a = 0.2, c = 0.6, b = 2.2;
  const double al = 1 + 4 * (c - a) / (b - a), be = 1 + 4 * (b - c) / (b - a), s = al + be;
  const double es = a + (b - a) * al / s, var = (b - a) * (b - a) * al * be / (s * s * (s + 1));
  check_mg1("pert(0.2, 0.6, 2.2)", "{pert: {min: 0.2, mode: 0.6, max: 2.2}}", 0.7, es, var + es * es, 100000, 514);
}

// M/G/2 with uniform service: no closed form for the wait, but utilisation = lambda E[S]/c and
// Little's law per unit and for the system hold for any service distribution.
TEST(TheoryLittle, MG2UniformUtilisationAndLittle) {
  const double lambda = 1.0, es = 1.5;  // uniform(0.5, 2.5)
  const int c = 2;
  const double rho = lambda * es / c;
  // Relaxation: the M/G/1 value at the pooled rate (service E[S]/c, same cv), at least E[S].
  const double es2_pooled = (es / c) * (es / c) * (1 + (4.0 / 12) / (es * es));
  const double tau = std::max(es, 2 * lambda * es2_pooled / ((1 - rho) * (1 - rho)));
  const double warmup = std::ceil(30 * tau), window = 100000;
  const RunResult r =
      run_text(single_station(c, lambda, "{uniform: {min: 0.5, max: 2.5}}", warmup, window, kReps, 520));
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  EXPECT_TRUE(
      Covers("M/G/2 uniform utilisation = lambda E[S]/c", unit_values(r, 0, UnitStat::Utilisation), rho, allow(rho)));
  EXPECT_TRUE(Covers("M/G/2 uniform mean_busy = lambda E[S]", unit_values(r, 0, UnitStat::MeanBusy), lambda * es,
                     allow(lambda * es)));
  EXPECT_TRUE(Covers("M/G/2 uniform throughput = lambda", kpi_values(r, Kpi::Throughput), lambda, allow(lambda)));
  expect_little(r, {es});
}

// ---------------------------------------------------------------------------------------------
// 5b. G/M/1 with non-Poisson (Erlang-2 and deterministic) arrivals, exponential service.
// sigma is the root in (0,1) of sigma = A*(mu (1 - sigma)), A* the Laplace transform of the
// interarrival time; the sojourn time is exponential with rate mu (1 - sigma):
//   W = 1/(mu (1 - sigma)), Wq = sigma W, time-average L = lambda W = rho/(1 - sigma).
// Arrivals do not see time averages here (no PASTA), so this separates the customer
// averages (lead time, mean wait) from the time averages (WIP, queue length).

namespace {
template <class Lst>
void check_gm1(const std::string& label, const std::string& interarrival, double lambda, double ca2, Lst lst,
               double window, std::uint64_t seed) {
  const double mu = 1.0, rho = lambda / mu;
  double sigma = 0;
  for (int i = 0; i < 10000; ++i) sigma = lst(mu * (1 - sigma));  // monotone fixed-point iteration
  const double w = 1 / (mu * (1 - sigma)), wq = sigma * w;
  const double tau = 2 * lambda * (ca2 + 1) / (mu * mu * (1 - rho) * (1 - rho));
  const double warmup = std::ceil(30 * tau);
  const std::string yaml = "name: gm1\n" + run_block(warmup, window, kReps, seed) +
                           "units:\n  desk: {servers: 1}\n"
                           "flows:\n  orders:\n    arrivals: {interarrival: " +
                           interarrival +
                           "}\n"
                           "    tasks:\n      serve: {unit: desk, service: " +
                           exp_service(1 / mu) + "}\n";
  const RunResult r = run_text(yaml);
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  auto allow_q = [&](double x) { return x * kSketchRelativeResolution + allow(x); };
  const std::string tag = label + "/M/1 rho=" + g(rho) + " sigma=" + g(sigma) + " ";
  EXPECT_TRUE(Covers(tag + "mean_wait = sigma/(mu(1-sigma))", unit_values(r, 0, UnitStat::MeanWait), wq, allow(wq)));
  EXPECT_TRUE(Covers(tag + "lead_time_mean = 1/(mu(1-sigma))", kpi_values(r, Kpi::LeadTimeMean), w, allow(w)));
  EXPECT_TRUE(Covers(tag + "lead_time_p95 = ln20/(mu(1-sigma))", kpi_values(r, Kpi::LeadTimeP95), -std::log(0.05) * w,
                     allow_q(-std::log(0.05) * w)));
  EXPECT_TRUE(Covers(tag + "wip_mean = rho/(1-sigma)", kpi_values(r, Kpi::WipMean), lambda * w, allow(lambda * w)));
  EXPECT_TRUE(Covers(tag + "mean_queue = rho sigma/(1-sigma)", unit_values(r, 0, UnitStat::MeanQueue), lambda * wq,
                     allow(lambda * wq)));
  EXPECT_TRUE(Covers(tag + "utilisation = rho", unit_values(r, 0, UnitStat::Utilisation), rho, allow(rho)));
  expect_little(r, {1 / mu});
}
}  // namespace

TEST(TheoryGM1, Erlang2Arrivals) {
  const double lambda = 0.8;
  const int k = 2;
  check_gm1(
      "E2", "{erlang: {k: 2, mean: " + num(1 / lambda) + "}}", lambda, 1.0 / k,
      [&](double s) { return std::pow(k * lambda / (k * lambda + s), k); }, 100000, 530);
}

TEST(TheoryGM1, DeterministicArrivals) {
  const double lambda = 0.8;
  check_gm1(
      "D", "{deterministic: " + num(1 / lambda) + "}", lambda, 0.0, [&](double s) { return std::exp(-s / lambda); },
      100000, 531);
}

// ---------------------------------------------------------------------------------------------
// 5c. Conservation (Kleinrock): for work-conserving non-preemptive disciplines that do not
// look at service times, the mean wait over all jobs is the same when all classes share the
// service distribution. Two flows with different due dates at an `edf` unit, and two flows
// of different priority at a `priority` unit, must keep the FIFO M/M/1 mean wait.

TEST(TheoryConservation, EdfAndPriorityKeepTheFifoMeanWait) {
  const double l1 = 0.3, l2 = 0.5, lambda = l1 + l2, mu = 1.0, rho = lambda / mu;
  const double tau = 1.0 / std::pow(std::sqrt(mu) - std::sqrt(lambda), 2);
  const double warmup = std::ceil(30 * tau), window = 100000;
  const double wq = rho / (mu - lambda), w = 1 / (mu - lambda);
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  for (const std::string discipline : {"edf", "priority"}) {
    const std::string yaml = "name: conservation\n" + run_block(warmup, window, kReps, 540) +
                             "units:\n  desk: {servers: 1, discipline: " + discipline +
                             "}\n"
                             "flows:\n"
                             "  tight:\n    arrivals: {poisson: " +
                             num(l1) +
                             "}\n    due: 2\n    priority: 3\n"
                             "    tasks:\n      serve: {unit: desk, service: " +
                             exp_service(1 / mu) +
                             "}\n"
                             "  loose:\n    arrivals: {poisson: " +
                             num(l2) +
                             "}\n    due: 20\n    priority: 0\n"
                             "    tasks:\n      serve: {unit: desk, service: " +
                             exp_service(1 / mu) + "}\n";
    const RunResult r = run_text(yaml);
    const std::string tag = discipline + " M/M/1 two flows ";
    EXPECT_TRUE(Covers(tag + "mean_wait = FIFO Wq", unit_values(r, 0, UnitStat::MeanWait), wq, allow(wq)));
    EXPECT_TRUE(Covers(tag + "lead_time_mean = FIFO W", kpi_values(r, Kpi::LeadTimeMean), w, allow(w)));
    EXPECT_TRUE(Covers(tag + "wip_mean = FIFO L", kpi_values(r, Kpi::WipMean), lambda * w, allow(lambda * w)));
    expect_little(r, {1 / mu});
  }
}

// ---------------------------------------------------------------------------------------------
// 6. Non-preemptive priority at one M/G/1 unit (Cobham 1954). Two flows, each one task at
// the same `priority` unit; class 1 (priority 10) is served before class 2 (priority 0).
//   W0 = sum_i lambda_i E[S_i^2] / 2,  Wq_k = W0 / ((1 - sigma_{k-1}) (1 - sigma_k)),
//   sigma_k = sum_{i<=k} rho_i.
// Per-class lead times are read from the per-flow statistics (FlowStat) and checked against
// Wq_k + E[S_k]; so are the unit's mean wait (the arrival-weighted mix of the two) and
// Kleinrock's conservation law. The per-order records (record_orders) must give the same
// per-flow means as FlowStat.

TEST(TheoryPriority, CobhamNonPreemptiveTwoClasses) {
  const double l1 = 0.4, s1 = 0.5, l2 = 0.5, s2 = 1.2;  // exponential: E[S^2] = 2 E[S]^2
  const double rho1 = l1 * s1, rho2 = l2 * s2, rho = rho1 + rho2;
  const double w0 = (l1 * 2 * s1 * s1 + l2 * 2 * s2 * s2) / 2;
  const double wq1 = w0 / (1 - rho1);
  const double wq2 = w0 / ((1 - rho1) * (1 - rho));
  const double wq_mix = (l1 * wq1 + l2 * wq2) / (l1 + l2);
  const double tau = 2 * (l1 * 2 * s1 * s1 + l2 * 2 * s2 * s2) / ((1 - rho) * (1 - rho));
  const double warmup = std::ceil(30 * tau), window = 60000;
  const std::string yaml = "name: priority\n" + run_block(warmup, window, kReps, 606) +
                           "units:\n  desk: {servers: 1, discipline: priority}\n"
                           "flows:\n"
                           "  urgent:\n    arrivals: {poisson: " +
                           num(l1) +
                           "}\n    priority: 10\n    tasks:\n"
                           "      serve: {unit: desk, service: " +
                           exp_service(s1) +
                           "}\n"
                           "  normal:\n    arrivals: {poisson: " +
                           num(l2) +
                           "}\n    priority: 0\n    tasks:\n"
                           "      serve: {unit: desk, service: " +
                           exp_service(s2) + "}\n";
  const eslabon::Model m = eslabon::load_model_text(yaml, "<test>");
  eslabon::RunOptions o;
  o.threads = 1;
  o.record_orders = true;
  const RunResult r = eslabon::run_model(m, o);
  ASSERT_EQ(r.flow_names, (std::vector<std::string>{"urgent", "normal"}));
  std::vector<double> t1, t2, thr1, thr2, conservation;
  for (const auto& rep : r.replications) {
    ASSERT_EQ(rep.flows.size(), 2u);
    const double lead1 = rep.flows[0][static_cast<int>(eslabon::FlowStat::LeadTimeMean)];
    const double lead2 = rep.flows[1][static_cast<int>(eslabon::FlowStat::LeadTimeMean)];
    t1.push_back(lead1);
    t2.push_back(lead2);
    thr1.push_back(rep.flows[0][static_cast<int>(eslabon::FlowStat::Throughput)]);
    thr2.push_back(rep.flows[1][static_cast<int>(eslabon::FlowStat::Throughput)]);
    // Conservation (Kleinrock): sum_k rho_k Wq_k is the same for every work-conserving
    // non-preemptive discipline; here compared with FIFO M/G/1 (P-K): rho W0 / (1 - rho).
    conservation.push_back(rho1 * (lead1 - s1) + rho2 * (lead2 - s2));
    // The per-order records agree with the per-flow statistics.
    const eslabon::Column* flow = rep.orders.find("flow");
    const eslabon::Column* lead = rep.orders.find("lead_time");
    ASSERT_TRUE(flow && lead);
    const auto& fv = std::get<std::vector<std::string>>(flow->data);
    const auto& lv = std::get<std::vector<double>>(lead->data);
    double sum[2] = {0, 0};
    double n[2] = {0, 0};
    for (std::size_t k = 0; k < fv.size(); ++k) {
      if (std::isnan(lv[k])) continue;  // lost
      const int f = fv[k] == "urgent" ? 0 : 1;
      sum[f] += lv[k];
      n[f] += 1;
    }
    EXPECT_NEAR(sum[0] / n[0], lead1, 1e-9 * lead1);
    EXPECT_NEAR(sum[1] / n[1], lead2, 1e-9 * lead2);
  }
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  EXPECT_TRUE(Covers("priority class 1 (urgent) lead time = Wq1 + E[S1] (Cobham)", t1, wq1 + s1, allow(wq1 + s1)));
  EXPECT_TRUE(Covers("priority class 2 (normal) lead time = Wq2 + E[S2] (Cobham)", t2, wq2 + s2, allow(wq2 + s2)));
  EXPECT_TRUE(Covers("priority class 1 throughput = lambda1", thr1, l1, allow(l1)));
  EXPECT_TRUE(Covers("priority class 2 throughput = lambda2", thr2, l2, allow(l2)));
  EXPECT_TRUE(Covers("priority unit mean_wait = arrival-weighted Cobham waits", unit_values(r, 0, UnitStat::MeanWait),
                     wq_mix, allow(wq_mix)));
  EXPECT_TRUE(Covers("priority conservation law sum rho_k Wq_k = rho W0/(1-rho)", conservation, rho * w0 / (1 - rho),
                     allow(rho * w0 / (1 - rho))));
  expect_little(r, {(l1 * s1 + l2 * s2) / (l1 + l2)});
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
  const RunResult r = run_text(
      single_station(1, lambda, exp_service(1 / mu), warmup, window, reps, seed, ", capacity: " + std::to_string(K)));
  auto allow = [&](double x) { return transient_allowance(x, tau, warmup, window); };
  const std::string tag = "M/M/1/" + std::to_string(K) + " rho=" + g(lambda / mu) + " ";
  EXPECT_TRUE(Covers(tag + "loss_rate = pi_K", kpi_values(r, Kpi::LossRate), block, allow(block)));
  std::vector<double> rejected_rate;
  for (const auto& rep : r.replications) rejected_rate.push_back(stat_of(rep, 0, UnitStat::Rejected) / window);
  EXPECT_TRUE(Covers(tag + "rejected per time = lambda pi_K", rejected_rate, lambda * block, allow(lambda * block)));
  EXPECT_TRUE(
      Covers(tag + "throughput = lambda (1 - pi_K)", kpi_values(r, Kpi::Throughput), lambda_eff, allow(lambda_eff)));
  EXPECT_TRUE(
      Covers(tag + "utilisation = 1 - pi_0", unit_values(r, 0, UnitStat::Utilisation), 1 - p[0], allow(1 - p[0])));
  EXPECT_TRUE(Covers(tag + "wip_mean = sum n pi_n", kpi_values(r, Kpi::WipMean), l, allow(l)));
  EXPECT_TRUE(Covers(tag + "lead_time_mean = L / (lambda (1 - pi_K))", kpi_values(r, Kpi::LeadTimeMean), w, allow(w)));
  expect_little(r, {1 / mu});
}
}  // namespace

TEST(TheoryFiniteCapacity, MM1K5Rho09) { check_mm1k(0.9, 1.0, 5, 50000, kReps, 707); }

TEST(TheoryFiniteCapacity, MM1K3Overloaded) { check_mm1k(1.5, 1.0, 3, 50000, kReps, 708); }
