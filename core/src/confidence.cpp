#include <eslabon/core/confidence.hpp>

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>

namespace eslabon {

double student_t_quantile(double level, double dof) {
  boost::math::students_t dist(dof);
  return boost::math::quantile(dist, 0.5 + 0.5 * level);
}

Interval confidence_interval(std::span<const double> xs, double level) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double sum = 0.0;
  std::int64_t n = 0;
  for (double x : xs)
    if (std::isfinite(x)) {
      sum += x;
      ++n;
    }
  if (n == 0) return {nan, nan, nan, nan, 0};
  double mean = sum / static_cast<double>(n);
  if (n == 1) return {mean, nan, nan, nan, 1};
  double ss = 0.0;
  for (double x : xs)
    if (std::isfinite(x)) ss += (x - mean) * (x - mean);
  double sd = std::sqrt(ss / static_cast<double>(n - 1));
  double h = student_t_quantile(level, static_cast<double>(n - 1)) * sd / std::sqrt(static_cast<double>(n));
  return {mean, mean - h, mean + h, sd, n};
}

}  // namespace eslabon
