#pragma once
// The distribution kinds: THE list. Each kind is one header beside this one (see kind.hpp
// for what a kind provides); the list below generates Distribution's enum, its variant and
// every dispatch, and the config loader reads kind and parameter names from it. Order
// matters only for messages and listings ("expected one of deterministic, exponential, ...").
//
// To add a kind: write its header, include it here, and add one X(...) line to the list
// (models/README.md, "Add a distribution", has the whole recipe).

#include <eslabon/core/distributions/deterministic.hpp>
#include <eslabon/core/distributions/empirical.hpp>
#include <eslabon/core/distributions/erlang.hpp>
#include <eslabon/core/distributions/exponential.hpp>
#include <eslabon/core/distributions/gamma.hpp>
#include <eslabon/core/distributions/lognormal.hpp>
#include <eslabon/core/distributions/pert.hpp>
#include <eslabon/core/distributions/triangular.hpp>
#include <eslabon/core/distributions/uniform.hpp>
#include <eslabon/core/distributions/weibull.hpp>

// X(Type) for every kind, Type being a struct in eslabon::dist.
#define ESLABON_DISTRIBUTION_KINDS(X) \
  X(Deterministic)                    \
  X(Exponential)                      \
  X(Uniform)                          \
  X(Triangular)                       \
  X(LogNormal)                        \
  X(Gamma)                            \
  X(Erlang)                           \
  X(Weibull)                          \
  X(Empirical)                        \
  X(Pert)                             \
  /* one X(Kind) line per kind, above this one */
