#pragma once
#include <eslabon/core/distributions/kind.hpp>

namespace eslabon::dist {

// Given by its mean and coefficient of variation: exp(mu + sigma Z).
struct LogNormal {
  static constexpr const char* name = "lognormal";
  static constexpr const char* title = "LogNormal";
  static constexpr Form form = Form::Params;
  static constexpr std::array<Param, 2> params{{{"mean", ParamType::Duration}, {"cv", ParamType::Number}}};

  LogNormal(double mean, double cv) : mean_(mean), cv_(cv) {
    require(finite(mean) && mean > 0, "mean: expected a number > 0", mean);
    require(finite(cv) && cv >= 1e-6 && cv <= 100, "cv: expected a number from 1e-06 to 100", cv);
    double s2 = std::log1p(cv * cv);
    mu_ = std::log(mean) - 0.5 * s2;
    sigma_ = std::sqrt(s2);
  }
  std::array<double, 2> values() const { return {mean_, cv_}; }
  double sample(RandomStream& rs) const { return std::exp(mu_ + sigma_ * sample_standard_normal(rs)); }
  double mean() const { return mean_; }
  double variance() const { return mean_ * mean_ * cv_ * cv_; }
  std::string describe() const { return describe_params(*this); }

 private:
  double mean_, cv_;
  double mu_, sigma_;
};

}  // namespace eslabon::dist
