#pragma once
#include <eslabon/core/distributions/kind.hpp>

namespace eslabon::dist {

// Three-point estimate: min, most likely (mode) and max; drawn by inverting the CDF.
struct Triangular {
  static constexpr const char* name = "triangular";
  static constexpr const char* title = "Triangular";
  static constexpr Form form = Form::Params;
  static constexpr std::array<Param, 3> params{
      {{"min", ParamType::Duration}, {"mode", ParamType::Duration}, {"max", ParamType::Duration}}};

  Triangular(double min, double mode, double max) : min_(min), mode_(mode), max_(max) {
    require(finite(min) && min >= 0, "min: expected a number >= 0", min);
    require(finite(mode) && mode >= min, "mode: expected a number >= min (" + num(min) + ")", mode);
    require(finite(max) && max >= mode, "max: expected a number >= mode (" + num(mode) + ")", max);
    require(max > min, "max: expected a number > min (" + num(min) + ")", max);
    split_ = (mode - min) / (max - min);
  }
  std::array<double, 3> values() const { return {min_, mode_, max_}; }
  double sample(RandomStream& rs) const {
    double u = rs.uniform();
    double a = min_, c = mode_, b = max_;
    if (u < split_) return a + std::sqrt(u * (b - a) * (c - a));
    return b - std::sqrt((1.0 - u) * (b - a) * (b - c));
  }
  double mean() const { return (min_ + mode_ + max_) / 3.0; }
  double variance() const {
    double a = min_, c = mode_, b = max_;
    return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
  }
  std::string describe() const { return describe_params(*this); }

 private:
  double min_, mode_, max_;
  double split_;  // the CDF at the mode
};

}  // namespace eslabon::dist
