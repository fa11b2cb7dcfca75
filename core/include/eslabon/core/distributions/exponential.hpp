#pragma once
#include <eslabon/core/distributions/kind.hpp>

namespace eslabon::dist {

// Memoryless: -mean log(u). Poisson arrivals are exponential interarrival times.
struct Exponential {
  static constexpr const char* name = "exponential";
  static constexpr const char* title = "Exponential";
  static constexpr Form form = Form::Params;
  static constexpr std::array<Param, 1> params{{{"mean", ParamType::Duration}}};

  explicit Exponential(double mean) : mean_(mean) {
    require(finite(mean) && mean > 0, "mean: expected a number > 0", mean);
  }
  std::array<double, 1> values() const { return {mean_}; }
  double sample(RandomStream& rs) const { return -mean_ * std::log(rs.uniform()); }
  double mean() const { return mean_; }
  double variance() const { return mean_ * mean_; }
  std::string describe() const { return describe_params(*this); }

 private:
  double mean_;
};

}  // namespace eslabon::dist
