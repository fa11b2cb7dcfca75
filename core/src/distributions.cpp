#include <eslabon/core/distributions.hpp>

#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>

namespace eslabon {
namespace {

std::string num(double x) {
  std::ostringstream os;
  os.precision(12);
  os << x;
  return os.str();
}

void require(bool ok, const std::string& what, double found) {
  if (!ok) throw std::invalid_argument(what + ", got " + num(found));
}

bool finite(double x) { return std::isfinite(x); }

}  // namespace

double sample_standard_normal(RandomStream& rs) {
  // Box-Muller, one of the pair: two uniforms per normal, deterministic consumption.
  double u1 = rs.uniform();
  double u2 = rs.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double sample_gamma_shape(RandomStream& rs, double shape) {
  // Marsaglia & Tsang (2000), with the u^(1/a) boost for shape < 1.
  if (shape < 1.0) {
    double g = sample_gamma_shape(rs, shape + 1.0);
    return g * std::pow(rs.uniform(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  // The acceptance rate is above 95% for every shape >= 1, so a draw that has not been
  // accepted after 10^4 tries means the parameters are outside what the method handles.
  for (int tries = 0; tries < 10000; ++tries) {
    double x = sample_standard_normal(rs);
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    double u = rs.uniform();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
  throw std::runtime_error("gamma variate with shape " + num(shape) + " was not accepted in 10000 tries");
}

Distribution Distribution::deterministic(double value) {
  require(finite(value) && value >= 0, "deterministic value: expected a number >= 0", value);
  Distribution d;
  d.kind_ = Kind::Deterministic;
  d.p_[0] = value;
  return d;
}

Distribution Distribution::exponential(double mean) {
  require(finite(mean) && mean > 0, "mean: expected a number > 0", mean);
  Distribution d;
  d.kind_ = Kind::Exponential;
  d.p_[0] = mean;
  return d;
}

Distribution Distribution::uniform(double min, double max) {
  require(finite(min) && min >= 0, "min: expected a number >= 0", min);
  require(finite(max) && max >= min, "max: expected a number >= min (" + num(min) + ")", max);
  Distribution d;
  d.kind_ = Kind::Uniform;
  d.p_[0] = min;
  d.p_[1] = max;
  return d;
}

Distribution Distribution::triangular(double min, double mode, double max) {
  require(finite(min) && min >= 0, "min: expected a number >= 0", min);
  require(finite(mode) && mode >= min, "mode: expected a number >= min (" + num(min) + ")", mode);
  require(finite(max) && max >= mode, "max: expected a number >= mode (" + num(mode) + ")", max);
  require(max > min, "max: expected a number > min (" + num(min) + ")", max);
  Distribution d;
  d.kind_ = Kind::Triangular;
  d.p_[0] = min;
  d.p_[1] = mode;
  d.p_[2] = max;
  d.d_[0] = (mode - min) / (max - min);
  return d;
}

Distribution Distribution::lognormal(double mean, double cv) {
  require(finite(mean) && mean > 0, "mean: expected a number > 0", mean);
  require(finite(cv) && cv >= 1e-6 && cv <= 100, "cv: expected a number from 1e-06 to 100", cv);
  Distribution d;
  d.kind_ = Kind::LogNormal;
  d.p_[0] = mean;
  d.p_[1] = cv;
  double s2 = std::log1p(cv * cv);
  d.d_[0] = std::log(mean) - 0.5 * s2;  // mu
  d.d_[1] = std::sqrt(s2);              // sigma
  return d;
}

Distribution Distribution::gamma(double mean, double cv) {
  require(finite(mean) && mean > 0, "mean: expected a number > 0", mean);
  require(finite(cv) && cv >= 1e-6 && cv <= 100, "cv: expected a number from 1e-06 to 100", cv);
  Distribution d;
  d.kind_ = Kind::Gamma;
  d.p_[0] = mean;
  d.p_[1] = cv;
  d.d_[0] = 1.0 / (cv * cv);   // shape
  d.d_[1] = mean * cv * cv;    // scale
  return d;
}

Distribution Distribution::erlang(int k, double mean) {
  require(k >= 1, "k: expected an integer >= 1", k);
  require(finite(mean) && mean > 0, "mean: expected a number > 0", mean);
  Distribution d;
  d.kind_ = Kind::Erlang;
  d.p_[0] = k;
  d.p_[1] = mean;
  return d;
}

Distribution Distribution::weibull(double shape, double scale) {
  require(finite(shape) && shape >= 0.05 && shape <= 1000, "shape: expected a number from 0.05 to 1000", shape);
  require(finite(scale) && scale > 0, "scale: expected a number > 0", scale);
  Distribution d;
  d.kind_ = Kind::Weibull;
  d.p_[0] = shape;
  d.p_[1] = scale;
  d.d_[0] = 1.0 / shape;
  require(std::isfinite(d.mean()) && std::isfinite(d.variance()), "scale: expected a scale whose mean and variance are finite", scale);
  return d;
}

Distribution Distribution::empirical(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("expected a non-empty list of values, got an empty list");
  for (double v : values) require(finite(v) && v >= 0, "values: expected numbers >= 0", v);
  Distribution d;
  d.kind_ = Kind::Empirical;
  d.values_ = std::move(values);
  return d;
}

double Distribution::sample(RandomStream& rs) const {
  switch (kind_) {
    case Kind::Deterministic:
      return p_[0];
    case Kind::Exponential:
      return -p_[0] * std::log(rs.uniform());
    case Kind::Uniform:
      return p_[0] + (p_[1] - p_[0]) * rs.uniform();
    case Kind::Triangular: {
      double u = rs.uniform();
      double a = p_[0], c = p_[1], b = p_[2];
      if (u < d_[0]) return a + std::sqrt(u * (b - a) * (c - a));
      return b - std::sqrt((1.0 - u) * (b - a) * (b - c));
    }
    case Kind::LogNormal:
      return std::exp(d_[0] + d_[1] * sample_standard_normal(rs));
    case Kind::Gamma:
      return d_[1] * sample_gamma_shape(rs, d_[0]);
    case Kind::Erlang: {
      int k = static_cast<int>(p_[0]);
      double s = 0.0;
      for (int i = 0; i < k; ++i) s -= std::log(rs.uniform());
      return s * p_[1] / k;
    }
    case Kind::Weibull:
      return p_[1] * std::pow(-std::log(rs.uniform()), d_[0]);
    case Kind::Empirical: {
      auto n = values_.size();
      auto i = static_cast<std::size_t>(rs.uniform() * static_cast<double>(n));
      return values_[i < n ? i : n - 1];
    }
  }
  return 0.0;
}

double Distribution::mean() const {
  switch (kind_) {
    case Kind::Deterministic: return p_[0];
    case Kind::Exponential: return p_[0];
    case Kind::Uniform: return 0.5 * (p_[0] + p_[1]);
    case Kind::Triangular: return (p_[0] + p_[1] + p_[2]) / 3.0;
    case Kind::LogNormal: return p_[0];
    case Kind::Gamma: return p_[0];
    case Kind::Erlang: return p_[1];
    case Kind::Weibull: return p_[1] * boost::math::tgamma(1.0 + 1.0 / p_[0]);
    case Kind::Empirical: {
      double s = 0;
      for (double v : values_) s += v;
      return s / static_cast<double>(values_.size());
    }
  }
  return 0.0;
}

double Distribution::variance() const {
  switch (kind_) {
    case Kind::Deterministic: return 0.0;
    case Kind::Exponential: return p_[0] * p_[0];
    case Kind::Uniform: return (p_[1] - p_[0]) * (p_[1] - p_[0]) / 12.0;
    case Kind::Triangular: {
      double a = p_[0], c = p_[1], b = p_[2];
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
    }
    case Kind::LogNormal:
    case Kind::Gamma: return p_[0] * p_[0] * p_[1] * p_[1];
    case Kind::Erlang: return p_[1] * p_[1] / p_[0];
    case Kind::Weibull: {
      double g1 = boost::math::tgamma(1.0 + 1.0 / p_[0]);
      double g2 = boost::math::tgamma(1.0 + 2.0 / p_[0]);
      return p_[1] * p_[1] * (g2 - g1 * g1);
    }
    case Kind::Empirical: {
      double m = mean(), s = 0;
      for (double v : values_) s += (v - m) * (v - m);
      return s / static_cast<double>(values_.size());
    }
  }
  return 0.0;
}

double Distribution::cv() const {
  double m = mean();
  return m > 0 ? std::sqrt(variance()) / m : 0.0;
}

Distribution Distribution::scaled(double f) const {
  Distribution d = *this;
  switch (kind_) {
    case Kind::Deterministic: return deterministic(p_[0] * f);
    case Kind::Exponential: return exponential(p_[0] * f);
    case Kind::Uniform: return uniform(p_[0] * f, p_[1] * f);
    case Kind::Triangular: return triangular(p_[0] * f, p_[1] * f, p_[2] * f);
    case Kind::LogNormal: return lognormal(p_[0] * f, p_[1]);
    case Kind::Gamma: return gamma(p_[0] * f, p_[1]);
    case Kind::Erlang: return erlang(static_cast<int>(p_[0]), p_[1] * f);
    case Kind::Weibull: return weibull(p_[0], p_[1] * f);
    case Kind::Empirical: {
      std::vector<double> v = values_;
      for (double& x : v) x *= f;
      return empirical(std::move(v));
    }
  }
  return d;
}

std::string Distribution::describe() const {
  switch (kind_) {
    case Kind::Deterministic: return "Deterministic(value=" + num(p_[0]) + ")";
    case Kind::Exponential: return "Exponential(mean=" + num(p_[0]) + ")";
    case Kind::Uniform: return "Uniform(min=" + num(p_[0]) + ", max=" + num(p_[1]) + ")";
    case Kind::Triangular:
      return "Triangular(min=" + num(p_[0]) + ", mode=" + num(p_[1]) + ", max=" + num(p_[2]) + ")";
    case Kind::LogNormal: return "LogNormal(mean=" + num(p_[0]) + ", cv=" + num(p_[1]) + ")";
    case Kind::Gamma: return "Gamma(mean=" + num(p_[0]) + ", cv=" + num(p_[1]) + ")";
    case Kind::Erlang: return "Erlang(k=" + num(p_[0]) + ", mean=" + num(p_[1]) + ")";
    case Kind::Weibull: return "Weibull(shape=" + num(p_[0]) + ", scale=" + num(p_[1]) + ")";
    case Kind::Empirical: return "Empirical(n=" + std::to_string(values_.size()) + ", mean=" + num(mean()) + ")";
  }
  return "?";
}

}  // namespace eslabon
