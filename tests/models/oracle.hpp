#pragma once
// Shared by the statistical test files: how a closed-form value is checked against the
// replications of a run (the oracle's tolerance) and how test models are written.
#include <eslabon/core/confidence.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace eslabon_test {

// Every check asks that the theory lie in the 99.9% Student-t interval of the replications.
inline constexpr double kLevel = 0.999;

inline std::string num(double x) {  // exact, for YAML
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

inline std::string g(double x) {  // short, for messages
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

inline std::string run_block(double warmup, double window, int reps, std::uint64_t seed) {
  return "run: {horizon: " + num(warmup + window) + ", warmup: " + num(warmup) +
         ", replications: " + std::to_string(reps) + ", seed: " + std::to_string(seed) + "}\n";
}

// Bias bound of a window average started empty: |X_inf| tau exp(-warmup / tau) / window,
// tau the relaxation time of the queue (see test_theory.cpp's header).
inline double transient_allowance(double stationary, double tau, double warmup, double window) {
  return std::abs(stationary) * tau * std::exp(-warmup / tau) / window;
}

// Theory must lie in the 99.9% t-interval of the replication values, widened by `allowance`.
inline ::testing::AssertionResult Covers(const std::string& what, const std::vector<double>& xs, double theory,
                                         double allowance = 0.0) {
  const eslabon::Interval iv = eslabon::confidence_interval(xs, kLevel);
  std::ostringstream msg;
  msg << what << ": estimate " << g(iv.mean) << ", 99.9% CI [" << g(iv.low) << ", " << g(iv.high) << "] over n=" << iv.n
      << " of " << xs.size() << " replications";
  if (allowance > 0) msg << ", widened by " << g(allowance);
  msg << "; theory " << g(theory);
  const bool ok = iv.n == static_cast<std::int64_t>(xs.size()) && iv.n >= 2 && std::isfinite(iv.low) &&
                  std::isfinite(iv.high) && theory >= iv.low - allowance && theory <= iv.high + allowance;
  std::cout << "  [" << (ok ? "ok  " : "FAIL") << "] " << msg.str() << "\n";
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << msg.str();
}

// Erlang's C formula: probability that an arrival waits in an M/M/c queue with offered load a.
inline double erlang_c(int c, double a) {
  double term = 1.0;  // a^k / k!
  double sum = 0.0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double last = term * c / (c - a);
  return last / (sum + last);
}

}  // namespace eslabon_test
