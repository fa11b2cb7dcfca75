#pragma once
#include <eslabon/core/distributions/kind.hpp>

namespace eslabon::dist {

// Always `value`; a plain duration in a config is one.
struct Deterministic {
  static constexpr const char* name = "deterministic";
  static constexpr const char* title = "Deterministic";
  static constexpr Form form = Form::ParamsOrValue;
  static constexpr std::array<Param, 1> params{{{"value", ParamType::Duration}}};

  explicit Deterministic(double value) : value_(value) {
    require(finite(value) && value >= 0, "deterministic value: expected a number >= 0", value);
  }
  std::array<double, 1> values() const { return {value_}; }
  double sample(RandomStream&) const { return value_; }
  double mean() const { return value_; }
  double variance() const { return 0.0; }
  std::string describe() const { return describe_params(*this); }

 private:
  double value_;
};

}  // namespace eslabon::dist
