#pragma once
#include <eslabon/core/distributions/kind.hpp>

namespace eslabon::dist {

// Given by its mean and coefficient of variation: shape 1/cv^2, scale mean cv^2.
struct Gamma {
  static constexpr const char* name = "gamma";
  static constexpr const char* title = "Gamma";
  static constexpr Form form = Form::Params;
  static constexpr std::array<Param, 2> params{{{"mean", ParamType::Duration}, {"cv", ParamType::Number}}};

  Gamma(double mean, double cv) : mean_(mean), cv_(cv) {
    require(finite(mean) && mean > 0, "mean: expected a number > 0", mean);
    require(finite(cv) && cv >= 1e-6 && cv <= 100, "cv: expected a number from 1e-06 to 100", cv);
    shape_ = 1.0 / (cv * cv);
    scale_ = mean * cv * cv;
  }
  std::array<double, 2> values() const { return {mean_, cv_}; }
  double sample(RandomStream& rs) const { return scale_ * sample_gamma_shape(rs, shape_); }
  double mean() const { return mean_; }
  double variance() const { return mean_ * mean_ * cv_ * cv_; }
  std::string describe() const { return describe_params(*this); }

 private:
  double mean_, cv_;
  double shape_, scale_;
};

}  // namespace eslabon::dist
