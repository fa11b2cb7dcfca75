#include <eslabon/core/distributions.hpp>

#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace eslabon {
namespace dist {

std::string num(double x) {
  std::ostringstream os;
  os.precision(12);
  os << x;
  return os.str();
}

void require(bool ok, const std::string& what, double found) {
  if (!ok) throw std::invalid_argument(what + ", got " + num(found));
}

double gamma_function(double x) { return boost::math::tgamma(x); }

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

}  // namespace dist

namespace {

// K from its parameter values in the order of K::params (a List kind: the list itself).
template <class K>
Distribution make_kind(const std::vector<double>& v) {
  if constexpr (K::form == dist::Form::List) {
    return K(v);
  } else {
    if (v.size() != K::params.size())
      throw std::invalid_argument(std::string(K::name) + ": expected " + std::to_string(K::params.size()) +
                                  " parameters, got " + std::to_string(v.size()));
    return [&]<std::size_t... I>(std::index_sequence<I...>) { return K(v[I]...); }
    (std::make_index_sequence<K::params.size()>{});
  }
}

}  // namespace

const std::vector<DistributionKindInfo>& Distribution::kinds() {
  static const std::vector<DistributionKindInfo> all = {
#define ESLABON_DIST_INFO(K) {dist::K::name, dist::K::form, dist::K::params},
      ESLABON_DISTRIBUTION_KINDS(ESLABON_DIST_INFO)
#undef ESLABON_DIST_INFO
  };
  return all;
}

Distribution Distribution::from_values(Kind kind, const std::vector<double>& values) {
  switch (kind) {
#define ESLABON_DIST_MAKE(K) \
  case Kind::K:              \
    return make_kind<dist::K>(values);
    ESLABON_DISTRIBUTION_KINDS(ESLABON_DIST_MAKE)
#undef ESLABON_DIST_MAKE
  }
  throw std::invalid_argument("unknown distribution kind " + std::to_string(static_cast<int>(kind)));
}

double Distribution::mean() const {
  return visit([](const auto& k) { return k.mean(); });
}

double Distribution::variance() const {
  return visit([](const auto& k) { return k.variance(); });
}

double Distribution::cv() const {
  double m = mean();
  return m > 0 ? std::sqrt(variance()) / m : 0.0;
}

std::string Distribution::describe() const {
  return visit([](const auto& k) { return k.describe(); });
}

Distribution Distribution::scaled(double f) const {
  return visit([f](const auto& k) {
    using K = std::decay_t<decltype(k)>;
    const auto given = k.values();
    std::vector<double> v(given.begin(), given.end());
    for (std::size_t i = 0; i < v.size(); ++i) {
      const dist::Param& p = K::form == dist::Form::List ? K::params[0] : K::params[i];
      if (p.type == dist::ParamType::Duration) v[i] *= f;
    }
    return make_kind<K>(v);
  });
}

}  // namespace eslabon
