#pragma once
// Shapley contributions of k weak points to (base - everything fixed), replication by
// replication. A coalition S is the set of weak points fixed; v_r(S) is the KPI of
// replication r with S fixed (all coalitions share seed and replication indices: common
// random numbers). Player i's contribution in replication r is the weighted mean, over the
// orders in which the points could be fixed, of what fixing i lowers the KPI by when the
// points before it are already fixed: phi_i,r = sum over S not holding i of
// |S|! (k-|S|-1)! / k! (v_r(S) - v_r(S + i)). The contributions of a replication sum to
// v_r({}) - v_r(all) (up to rounding), so their means over the replications sum to the mean
// of base - everything fixed.
//
// Exact for k <= exact_limit (all 2^k coalitions). Beyond, `permutations` orders are sampled
// (half drawn uniformly, half their reverses: antithetic pairs, which cancel much of the
// sampling noise) and each player's contribution is its mean marginal over them; each order
// telescopes to base - everything fixed, so the estimates still sum to it exactly. Their CI
// adds the permutation sampling variance (over the antithetic pairs) to the replications':
// half-width = t(0.975, R-1) sqrt(s_rep^2 / R + s_pair^2 / P), P pairs.

#include <eslabon/core/confidence.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace eslabon {

inline constexpr std::size_t kShapleyExactLimit = 8;
inline constexpr std::size_t kShapleyPermutations = 64;

struct ShapleyResult {
  std::vector<Interval> contribution;  // one per player, in player order
  Interval total;                      // v({}) - v(all), over the replications used
  std::string method;                  // "exact" or "permutations"
  std::size_t coalitions = 0;          // coalitions evaluated (runs)
  std::size_t permutations = 0;        // orders sampled (0 when exact)
};

// The coalitions (bit i set: player i fixed) the computation needs, in the order it will ask
// for them; bit masks, so at most 63 players.
std::vector<std::uint64_t> shapley_coalitions(std::size_t players, std::size_t exact_limit = kShapleyExactLimit,
                                              std::size_t permutations = kShapleyPermutations, std::uint64_t seed = 1);

// `value(mask)`: the per-replication KPI values with that coalition fixed (same length for
// every mask). Replications where any needed value is not finite are left out everywhere,
// so the contributions and the total use the same replications.
ShapleyResult shapley(std::size_t players, const std::function<std::vector<double>(std::uint64_t)>& value,
                      std::size_t exact_limit = kShapleyExactLimit, std::size_t permutations = kShapleyPermutations,
                      std::uint64_t seed = 1);

}  // namespace eslabon
