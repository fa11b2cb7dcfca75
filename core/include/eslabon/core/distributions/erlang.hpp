#pragma once
#include <eslabon/core/distributions/kind.hpp>

namespace eslabon::dist {

// The sum of k exponential phases, each of mean mean/k.
struct Erlang {
  static constexpr const char* name = "erlang";
  static constexpr const char* title = "Erlang";
  static constexpr Form form = Form::Params;
  static constexpr std::array<Param, 2> params{{{"k", ParamType::Integer, 1, 10000}, {"mean", ParamType::Duration}}};

  Erlang(int k, double mean) : k_(k), mean_(mean) {
    require(k >= 1, "k: expected an integer >= 1", k);
    require(finite(mean) && mean > 0, "mean: expected a number > 0", mean);
  }
  std::array<double, 2> values() const { return {static_cast<double>(k_), mean_}; }
  double sample(RandomStream& rs) const {
    double s = 0.0;
    for (int i = 0; i < k_; ++i) s -= std::log(rs.uniform());
    return s * mean_ / k_;
  }
  double mean() const { return mean_; }
  double variance() const { return mean_ * mean_ / k_; }
  std::string describe() const { return describe_params(*this); }

 private:
  int k_;
  double mean_;
};

}  // namespace eslabon::dist
