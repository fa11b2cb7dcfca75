#pragma once
#include <eslabon/core/distributions/kind.hpp>

namespace eslabon::dist {

// Beta-PERT (lambda 4): a three-point estimate like the triangular, with less weight in the
// tails. On [min, max], min + (max - min) G1 / (G1 + G2) with G1, G2 gamma variates of
// shapes alpha = 1 + 4 (mode - min) / (max - min) and beta = 1 + 4 (max - mode) / (max - min).
struct Pert {
  static constexpr const char* name = "pert";
  static constexpr const char* title = "Pert";
  static constexpr Form form = Form::Params;
  static constexpr std::array<Param, 3> params{
      {{"min", ParamType::Duration}, {"mode", ParamType::Duration}, {"max", ParamType::Duration}}};

  Pert(double min, double mode, double max) : min_(min), mode_(mode), max_(max) {
    require(finite(min) && min >= 0, "min: expected a number >= 0", min);
    require(finite(mode) && mode >= min, "mode: expected a number >= min (" + num(min) + ")", mode);
    require(finite(max) && max >= mode, "max: expected a number >= mode (" + num(mode) + ")", max);
    require(max > min, "max: expected a number > min (" + num(min) + ")", max);
    alpha_ = 1.0 + 4.0 * (mode - min) / (max - min);
    beta_ = 1.0 + 4.0 * (max - mode) / (max - min);
  }
  std::array<double, 3> values() const { return {min_, mode_, max_}; }
  double sample(RandomStream& rs) const {
    const double g1 = sample_gamma_shape(rs, alpha_);
    const double g2 = sample_gamma_shape(rs, beta_);
    return min_ + (max_ - min_) * (g1 / (g1 + g2));
  }
  double mean() const { return (min_ + 4.0 * mode_ + max_) / 6.0; }
  double variance() const {
    const double m = mean();
    return (m - min_) * (max_ - m) / 7.0;
  }
  std::string describe() const { return describe_params(*this); }

 private:
  double min_, mode_, max_;
  double alpha_, beta_;  // the beta distribution's shapes
};

}  // namespace eslabon::dist
