#pragma once
#include <eslabon/core/distributions/kind.hpp>

namespace eslabon::dist {

// Every value in [min, max] equally likely.
struct Uniform {
  static constexpr const char* name = "uniform";
  static constexpr const char* title = "Uniform";
  static constexpr Form form = Form::Params;
  static constexpr std::array<Param, 2> params{{{"min", ParamType::Duration}, {"max", ParamType::Duration}}};

  Uniform(double min, double max) : min_(min), max_(max) {
    require(finite(min) && min >= 0, "min: expected a number >= 0", min);
    require(finite(max) && max >= min, "max: expected a number >= min (" + num(min) + ")", max);
  }
  std::array<double, 2> values() const { return {min_, max_}; }
  double sample(RandomStream& rs) const { return min_ + (max_ - min_) * rs.uniform(); }
  double mean() const { return 0.5 * (min_ + max_); }
  double variance() const { return (max_ - min_) * (max_ - min_) / 12.0; }
  std::string describe() const { return describe_params(*this); }

 private:
  double min_, max_;
};

}  // namespace eslabon::dist
