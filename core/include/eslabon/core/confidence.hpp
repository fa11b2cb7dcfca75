#pragma once
// Confidence intervals over independent replications (Student t, Boost.Math quantiles).

#include <cstdint>
#include <span>

namespace eslabon {

struct Interval {
  double mean;
  double low;
  double high;
  double std;      // sample standard deviation of the observations
  std::int64_t n;  // observations used (NaNs are skipped)
  double half_width() const { return 0.5 * (high - low); }
};

// Two-sided Student-t quantile t_{1-(1-level)/2, dof}.
double student_t_quantile(double level, double dof);

// Mean and two-sided `level` confidence interval of the finite values in xs (NaN and
// infinite values are skipped and not counted in n). With n < 2 the bounds are NaN.
Interval confidence_interval(std::span<const double> xs, double level = 0.95);

}  // namespace eslabon
