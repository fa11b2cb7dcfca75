#include <models/studies/budget.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

namespace eslabon {

namespace {

bool usable(double cost, double net, double budget) { return std::isfinite(net) && net > 0 && cost <= budget; }

// Better plan: higher net; then lower cost; then the lexicographically smaller index list.
bool better(const BudgetPlan& a, const BudgetPlan& b) {
  if (a.net != b.net) return a.net > b.net;
  if (a.cost != b.cost) return a.cost < b.cost;
  return a.chosen < b.chosen;
}

BudgetPlan exhaustive(const std::vector<std::size_t>& items, const std::vector<double>& cost,
                      const std::vector<double>& net, double budget) {
  BudgetPlan best;
  const std::uint64_t n = items.size();
  for (std::uint64_t mask = 1; mask < (std::uint64_t{1} << n); ++mask) {
    BudgetPlan p;
    for (std::uint64_t i = 0; i < n; ++i)
      if (mask >> i & 1) {
        p.chosen.push_back(items[i]);
        p.cost += cost[items[i]];
        p.net += net[items[i]];
      }
    if (p.cost <= budget && better(p, best)) best = std::move(p);
  }
  return best;
}

BudgetPlan greedy(const std::vector<std::size_t>& items, const std::vector<double>& cost,
                  const std::vector<double>& net, double budget) {
  std::vector<std::size_t> order = items;
  // Highest return first (a free option with a gain comes before any other); ties by index.
  auto ret = [&](std::size_t i) { return cost[i] > 0 ? net[i] / cost[i] : INFINITY; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ret(a) > ret(b); });
  BudgetPlan g;
  for (std::size_t i : order)
    if (g.cost + cost[i] <= budget) {
      g.chosen.push_back(i);
      g.cost += cost[i];
      g.net += net[i];
    }
  std::sort(g.chosen.begin(), g.chosen.end());
  // The best single option: greedy alone can be arbitrarily bad (a cheap small gain crowding out
  // a large one); the better of the two keeps at least half of the optimum.
  BudgetPlan single;
  for (std::size_t i : items) {
    BudgetPlan s{{i}, cost[i], net[i], ""};
    if (better(s, single)) single = s;
  }
  return better(single, g) ? single : g;
}

}  // namespace

BudgetPlan choose_within_budget(const std::vector<double>& cost, const std::vector<double>& net, double budget,
                                std::size_t exhaustive_limit) {
  std::vector<std::size_t> items;
  for (std::size_t i = 0; i < cost.size() && i < net.size(); ++i)
    if (usable(cost[i], net[i], budget)) items.push_back(i);
  const bool small = items.size() <= exhaustive_limit;
  BudgetPlan p = small ? exhaustive(items, cost, net, budget) : greedy(items, cost, net, budget);
  p.method = small ? "exhaustive" : "greedy";
  return p;
}

}  // namespace eslabon
