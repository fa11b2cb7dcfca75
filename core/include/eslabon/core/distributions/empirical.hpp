#pragma once
#include <eslabon/core/distributions/kind.hpp>

namespace eslabon::dist {

// Observed durations, each equally likely.
struct Empirical {
  static constexpr const char* name = "empirical";
  static constexpr const char* title = "Empirical";
  static constexpr Form form = Form::List;
  static constexpr std::array<Param, 1> params{{{"values", ParamType::Duration}}};

  explicit Empirical(std::vector<double> values) : values_(std::move(values)) {
    if (values_.empty()) throw std::invalid_argument("expected a non-empty list of values, got an empty list");
    for (double v : values_) require(finite(v) && v >= 0, "values: expected numbers >= 0", v);
  }
  const std::vector<double>& values() const { return values_; }
  double sample(RandomStream& rs) const {
    auto n = values_.size();
    auto i = static_cast<std::size_t>(rs.uniform() * static_cast<double>(n));
    return values_[i < n ? i : n - 1];
  }
  double mean() const {
    double s = 0;
    for (double v : values_) s += v;
    return s / static_cast<double>(values_.size());
  }
  double variance() const {
    double m = mean(), s = 0;
    for (double v : values_) s += (v - m) * (v - m);
    return s / static_cast<double>(values_.size());
  }
  std::string describe() const {
    return "Empirical(n=" + std::to_string(values_.size()) + ", mean=" + format_number(mean()) + ")";
  }

 private:
  std::vector<double> values_;
};

}  // namespace eslabon::dist
