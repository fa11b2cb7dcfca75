#pragma once
#include <eslabon/core/distributions/kind.hpp>

namespace eslabon::dist {

// scale (-log u)^(1/shape): shape < 1 gives a long tail, shape > 1 wear-out.
struct Weibull {
  static constexpr const char* name = "weibull";
  static constexpr const char* title = "Weibull";
  static constexpr Form form = Form::Params;
  static constexpr std::array<Param, 2> params{{{"shape", ParamType::Number}, {"scale", ParamType::Duration}}};

  Weibull(double shape, double scale) : shape_(shape), scale_(scale) {
    require(finite(shape) && shape >= 0.05 && shape <= 1000, "shape: expected a number from 0.05 to 1000", shape);
    require(finite(scale) && scale > 0, "scale: expected a number > 0", scale);
    inv_shape_ = 1.0 / shape;
    require(std::isfinite(mean()) && std::isfinite(variance()),
            "scale: expected a scale whose mean and variance are finite", scale);
  }
  std::array<double, 2> values() const { return {shape_, scale_}; }
  double sample(RandomStream& rs) const { return scale_ * std::pow(-std::log(rs.uniform()), inv_shape_); }
  double mean() const { return scale_ * gamma_function(1.0 + 1.0 / shape_); }
  double variance() const {
    double g1 = gamma_function(1.0 + 1.0 / shape_);
    double g2 = gamma_function(1.0 + 2.0 / shape_);
    return scale_ * scale_ * (g2 - g1 * g1);
  }
  std::string describe() const { return describe_params(*this); }

 private:
  double shape_, scale_;
  double inv_shape_;
};

}  // namespace eslabon::dist
