#pragma once
// Probability distributions as small value objects.
//
// Each kind (distributions/*.hpp, listed once in distributions/registry.hpp) checks its
// parameters when made (std::invalid_argument naming the parameter, the requirement and the
// value found), knows its mean and variance, and describes itself the way it would be
// written (`LogNormal(mean=3.2, cv=0.5)`). A Distribution holds one kind in a std::variant;
// a draw is a switch on the variant's index generated from the list: no virtual call per event.

#include <eslabon/core/distributions/registry.hpp>
#include <eslabon/core/random.hpp>

#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace eslabon {

// A kind as data, for readers of configs and schemas (core knows no YAML).
struct DistributionKindInfo {
  const char* name;                     // the config key, e.g. "lognormal"
  dist::Form form;                      // how a config writes the parameters
  std::span<const dist::Param> params;  // their names and types, in order
};

namespace dist {
template <class First, class... Rest>
struct VariantOfRest {
  using type = std::variant<Rest...>;
};
}  // namespace dist

class Distribution {
#define ESLABON_DIST_TYPE(K) , dist::K
  // The kinds in the list's order (the leading void soaks up the list's first comma).
  using Variant = dist::VariantOfRest<void ESLABON_DISTRIBUTION_KINDS(ESLABON_DIST_TYPE)>::type;
#undef ESLABON_DIST_TYPE

 public:
  // Kind::X is the index of dist::X in the variant.
  enum class Kind {
#define ESLABON_DIST_ENUM(K) K,
    ESLABON_DISTRIBUTION_KINDS(ESLABON_DIST_ENUM)
#undef ESLABON_DIST_ENUM
  };

  Distribution() : v_(dist::Deterministic(0.0)) {}
  // Any kind converts to a Distribution: `Distribution d = dist::Exponential(1.5);`.
  template <class K>
  requires std::is_constructible_v<Variant, K> Distribution(K kind)
      : v_(std::move(kind)) {}  // NOLINT(google-explicit-constructor)

  // Every kind, in the list's order (index = Kind).
  static const std::vector<DistributionKindInfo>& kinds();
  // The kind with these parameter values, in the order of its params (a List kind: the
  // list). Throws std::invalid_argument as the kind's constructor does.
  static Distribution from_values(Kind kind, const std::vector<double>& values);

  // Inline (a jump table on the kind), so the engine's draws need no call.
  double sample(RandomStream& rs) const {
    switch (kind()) {
#define ESLABON_DIST_SAMPLE(K) \
  case Kind::K:                \
    return std::get_if<dist::K>(&v_)->sample(rs);
      ESLABON_DISTRIBUTION_KINDS(ESLABON_DIST_SAMPLE)
#undef ESLABON_DIST_SAMPLE
    }
    return 0.0;  // not reached: every kind is listed
  }
  double mean() const;
  double variance() const;
  double cv() const;
  Kind kind() const { return static_cast<Kind>(v_.index()); }
  const char* name() const { return kinds()[v_.index()].name; }
  template <class K>
  const K* get_if() const {
    return std::get_if<K>(&v_);
  }
  std::string describe() const;
  // Multiply every duration parameter by `factor` (used to convert time units).
  Distribution scaled(double factor) const;

  // Calls f with the kind held, by a switch generated from the list.
  template <class F>
  decltype(auto) visit(F&& f) const {
    switch (kind()) {
#define ESLABON_DIST_CASE(K) \
  case Kind::K:              \
    return f(*std::get_if<dist::K>(&v_));
      ESLABON_DISTRIBUTION_KINDS(ESLABON_DIST_CASE)
#undef ESLABON_DIST_CASE
    }
    throw std::bad_variant_access();
  }

 private:
  Variant v_;
};

}  // namespace eslabon
