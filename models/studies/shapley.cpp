#include <models/studies/shapley.hpp>

#include <models/config/config_error.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>

namespace eslabon {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The sampled orders: pairs (a uniform permutation, its reverse). Fisher-Yates on
// mt19937_64, whose output the standard fixes, so the orders are the same on every platform.
std::vector<std::vector<std::size_t>> sample_orders(std::size_t k, std::size_t permutations, std::uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0x5ba91e5d3c1f00d5ULL);
  std::vector<std::vector<std::size_t>> orders;
  const std::size_t pairs = std::max<std::size_t>(1, (permutations + 1) / 2);
  for (std::size_t p = 0; p < pairs; ++p) {
    std::vector<std::size_t> o(k);
    for (std::size_t i = 0; i < k; ++i) o[i] = i;
    for (std::size_t i = k; i > 1; --i) std::swap(o[i - 1], o[rng() % i]);
    orders.push_back(o);
    std::reverse(o.begin(), o.end());
    orders.push_back(std::move(o));
  }
  return orders;
}

void check_players(std::size_t k) {
  if (k > 63) throw ConfigError("shapley: " + std::to_string(k) + " weak points; at most 63 can be attributed at once");
}

}  // namespace

std::vector<std::uint64_t> shapley_coalitions(std::size_t k, std::size_t exact_limit, std::size_t permutations,
                                              std::uint64_t seed) {
  check_players(k);
  std::vector<std::uint64_t> masks;
  if (k <= exact_limit) {
    for (std::uint64_t m = 0; m < (std::uint64_t{1} << k); ++m) masks.push_back(m);
    return masks;
  }
  const std::uint64_t all = k == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << k) - 1;
  masks.push_back(0);
  masks.push_back(all);
  for (const auto& o : sample_orders(k, permutations, seed)) {
    std::uint64_t m = 0;
    for (std::size_t i = 0; i + 1 < k; ++i) masks.push_back(m |= std::uint64_t{1} << o[i]);
  }
  std::vector<std::uint64_t> unique;
  std::vector<std::uint64_t> sorted;
  for (std::uint64_t m : masks) {
    auto it = std::lower_bound(sorted.begin(), sorted.end(), m);
    if (it != sorted.end() && *it == m) continue;
    sorted.insert(it, m);
    unique.push_back(m);
  }
  return unique;
}

ShapleyResult shapley(std::size_t k, const std::function<std::vector<double>(std::uint64_t)>& value,
                      std::size_t exact_limit, std::size_t permutations, std::uint64_t seed) {
  const std::vector<std::uint64_t> masks = shapley_coalitions(k, exact_limit, permutations, seed);
  std::map<std::uint64_t, std::vector<double>> v;
  std::size_t reps = 0;
  for (std::uint64_t m : masks) {
    v[m] = value(m);
    reps = std::max(reps, v[m].size());
  }
  // The replications every coalition has a finite value for.
  std::vector<std::size_t> used;
  for (std::size_t r = 0; r < reps; ++r) {
    bool ok = true;
    for (const auto& [m, xs] : v) ok = ok && r < xs.size() && std::isfinite(xs[r]);
    if (ok) used.push_back(r);
  }
  const std::uint64_t all = (std::uint64_t{1} << k) - 1;
  ShapleyResult res;
  res.coalitions = masks.size();
  std::vector<double> total;
  for (std::size_t r : used) total.push_back(v[0][r] - v[all][r]);
  res.total = confidence_interval(total);
  // phi[i][j]: player i's contribution in the j-th used replication.
  std::vector<std::vector<double>> phi(k, std::vector<double>(used.size(), 0.0));
  if (k <= exact_limit) {
    res.method = "exact";
    std::vector<double> weight(k + 1, 0.0);  // |S|! (k-|S|-1)! / k!
    for (std::size_t s = 0; s < k; ++s) {
      double w = 1.0 / static_cast<double>(k);
      // 1 / (k C(k-1, s)) = s! (k-1-s)! / k!
      for (std::size_t j = 1; j <= s; ++j) w *= static_cast<double>(j) / static_cast<double>(k - j);
      weight[s] = w;
    }
    for (std::uint64_t m = 0; m <= all; ++m)
      for (std::size_t i = 0; i < k; ++i) {
        if (m >> i & 1) continue;
        const std::uint64_t with = m | std::uint64_t{1} << i;
        const double w = weight[static_cast<std::size_t>(__builtin_popcountll(m))];
        for (std::size_t j = 0; j < used.size(); ++j) phi[i][j] += w * (v[m][used[j]] - v[with][used[j]]);
      }
    for (std::size_t i = 0; i < k; ++i) res.contribution.push_back(confidence_interval(phi[i]));
    return res;
  }
  res.method = "permutations";
  const auto orders = sample_orders(k, permutations, seed);
  res.permutations = orders.size();
  const std::size_t pairs = orders.size() / 2;
  // pair_mean[i][p]: player i's marginal in pair p, averaged over the pair and the replications.
  std::vector<std::vector<double>> pair_mean(k, std::vector<double>(pairs, 0.0));
  for (std::size_t p = 0; p < orders.size(); ++p) {
    std::uint64_t m = 0;
    for (std::size_t i : orders[p]) {
      const std::uint64_t with = m | std::uint64_t{1} << i;
      double sum = 0;
      for (std::size_t j = 0; j < used.size(); ++j) {
        const double d = v[m][used[j]] - v[with][used[j]];
        phi[i][j] += d / static_cast<double>(orders.size());
        sum += d;
      }
      if (!used.empty()) pair_mean[i][p / 2] += sum / static_cast<double>(used.size()) / 2.0;
      m = with;
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    Interval iv = confidence_interval(phi[i]);
    const Interval between = confidence_interval(pair_mean[i]);
    if (iv.n > 1 && between.n > 1) {
      const double se = std::sqrt(iv.std * iv.std / static_cast<double>(iv.n) +
                                  between.std * between.std / static_cast<double>(between.n));
      const double h = student_t_quantile(0.95, static_cast<double>(iv.n - 1)) * se;
      iv.low = iv.mean - h;
      iv.high = iv.mean + h;
    } else {
      iv.low = iv.high = kNaN;
    }
    res.contribution.push_back(iv);
  }
  return res;
}

}  // namespace eslabon
