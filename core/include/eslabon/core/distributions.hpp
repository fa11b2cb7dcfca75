#pragma once
// Probability distributions as small value objects.
//
// Each checks its parameters when made (std::invalid_argument naming the parameter, the
// requirement and the value found), knows its mean and variance, and describes itself
// the way it would be written (`LogNormal(mean=3.2, cv=0.5)`). Sampling uses our own
// transforms of uniforms from a RandomStream, never std::*_distribution, whose
// algorithms differ between standard libraries. A draw is a switch on a small enum:
// no virtual call per event.

#include <eslabon/core/random.hpp>

#include <string>
#include <vector>

namespace eslabon {

class Distribution {
 public:
  enum class Kind { Deterministic, Exponential, Uniform, Triangular, LogNormal, Gamma, Erlang, Weibull, Empirical };

  static Distribution deterministic(double value);
  static Distribution exponential(double mean);
  static Distribution uniform(double min, double max);
  static Distribution triangular(double min, double mode, double max);
  static Distribution lognormal(double mean, double cv);
  static Distribution gamma(double mean, double cv);
  static Distribution erlang(int k, double mean);
  static Distribution weibull(double shape, double scale);
  static Distribution empirical(std::vector<double> values);

  Distribution() = default;  // Deterministic(value=0)

  double sample(RandomStream& rs) const;
  double mean() const;
  double variance() const;
  double cv() const;
  Kind kind() const { return kind_; }
  std::string describe() const;
  // Multiply every time-like parameter by `factor` (used to convert durations).
  Distribution scaled(double factor) const;

 private:
  Kind kind_ = Kind::Deterministic;
  double p_[3] = {0, 0, 0};       // parameters as given
  double d_[3] = {0, 0, 0};       // derived constants used when sampling
  std::vector<double> values_;    // empirical only
};

// Standard-normal and gamma variates, exposed for tests.
double sample_standard_normal(RandomStream& rs);
double sample_gamma_shape(RandomStream& rs, double shape);

}  // namespace eslabon
