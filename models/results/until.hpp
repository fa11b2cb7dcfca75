#pragma once
// run.replications: {until, kpi, min, max} (README "Warm-up and replications without guessing"):
// replications run until the 95% confidence interval of a KPI is narrow enough.
//
// The rule: n* is the smallest n in [min, max] such that, over replications 0..n-1 (their
// finite values of the KPI, as the summary counts them), the Student-t 95% half-width is at
// most until x |mean|; n* = max when no n meets it. It looks only at the replications in index
// order, never at which finished first, so n* and the result do not depend on the number of
// threads: replications that other threads computed beyond n* are dropped.

#include <eslabon/core/runner.hpp>
#include <models/engine/simulate.hpp>
#include <models/model/model.hpp>

#include <cstddef>
#include <functional>
#include <limits>
#include <span>
#include <vector>

namespace eslabon {

struct StoppingOutcome {
  Kpi kpi = Kpi::LeadTimeMean;
  double until = 0;
  int min = 0, max = 0;
  std::size_t used = 0;                                        // n*
  double achieved = std::numeric_limits<double>::quiet_NaN();  // half-width / |mean| at n*
  bool met = false;                                            // false: max reached without meeting it
  // One line for the CLI: "replications: 87 until ...".
  std::string describe() const;
  // The warning when max was reached without meeting the target, else "".
  std::string warning() const;
};

// The model's rule (run.until > 0), nothing run yet.
StoppingOutcome stopping_rule(const RunSettings& run);

// The 95% half-width over |mean| of the finite values in xs (NaN with fewer than 2; +inf for a
// zero mean with a positive half-width).
double relative_half_width(std::span<const double> xs);

// Runs replicate(0), replicate(1), ... on `threads` threads until the rule decides n*; returns
// replications 0..n*-1 in order and fills rule.used, achieved and met.
std::vector<ReplicationResult> run_until(StoppingOutcome& rule, unsigned threads, const RunControl& control,
                                         const std::function<ReplicationResult(std::size_t)>& replicate);

}  // namespace eslabon
