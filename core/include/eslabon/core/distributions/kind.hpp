#pragma once
// What every distribution kind is made of (see registry.hpp for the list of kinds).
//
// A kind is a small struct in its own header under distributions/, with
//   static constexpr const char* name       its config key ("lognormal")
//   static constexpr const char* title      how describe() names it ("LogNormal")
//   static constexpr Form form              how a config writes its parameters
//   static constexpr std::array<Param, N> params   their names and types, in order
//   a constructor from those parameters, in order, that checks them (std::invalid_argument
//     "NAME: expected ..., got VALUE", naming the parameter so the config loader can point at it)
//   values()      the parameters as given, in order (for a list kind, the list)
//   sample(rs)    one draw from our own transforms of uniforms (never std::*_distribution,
//                 whose algorithms differ between standard libraries)
//   mean(), variance(), describe()
// Distribution derives scaled(), the config reading and the JSON Schema check from these.

#include <eslabon/core/number_format.hpp>
#include <eslabon/core/random.hpp>

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace eslabon::dist {

// How the config reads a parameter. Durations take a time unit ("30min") and are scaled
// when durations are converted; numbers and integers are dimensionless.
enum class ParamType { Duration, Number, Integer };

struct Param {
  const char* name;
  ParamType type;
  int min = 0;  // Integer only: the range the config accepts
  int max = 0;
};

// Params: {KIND: {PARAM: VALUE, ...}}. ParamsOrValue: also {KIND: VALUE} for a single
// parameter. List: {KIND: [DURATION, ...]}, the list being the only parameter.
enum class Form { Params, ParamsOrValue, List };

// A number as messages print it (12 significant digits: the value as written). describe()
// follows the rule of all text output (number_format.hpp).
std::string num(double x);
// Throws std::invalid_argument(what + ", got " + num(found)) unless ok.
void require(bool ok, const std::string& what, double found);
inline bool finite(double x) { return std::isfinite(x); }

// "Title(p1=v1, p2=v2)" from a kind's parameter names and values.
template <class K>
std::string describe_params(const K& k) {
  std::string s = std::string(K::title) + "(";
  const auto v = k.values();
  for (std::size_t i = 0; i < K::params.size(); ++i)
    s += (i ? ", " : "") + std::string(K::params[i].name) + "=" + format_number(v[i]);
  return s + ")";
}

// Samplers shared by kinds, out of line. Box-Muller (two uniforms per normal) and
// Marsaglia-Tsang gamma variates with the u^(1/a) boost for shapes below 1.
double sample_standard_normal(RandomStream& rs);
double sample_gamma_shape(RandomStream& rs, double shape);
// The gamma function (Boost.Math, the same on every platform).
double gamma_function(double x);

}  // namespace eslabon::dist

namespace eslabon {
// Exposed for tests under their old names.
using dist::sample_gamma_shape;
using dist::sample_standard_normal;
}  // namespace eslabon
