#pragma once
// Which costed changes to buy within a budget: a 0/1 knapsack on estimated net benefits.
// Exhaustive (every subset) up to kBudgetExhaustiveLimit options; beyond, greedy by return
// (net / cost), compared with the best single option that fits, which keeps at least half of
// the best plan's net benefit (the classic bound for this greedy); tests check it against the
// exhaustive answer on small cases.

#include <cstddef>
#include <string>
#include <vector>

namespace eslabon {

inline constexpr std::size_t kBudgetExhaustiveLimit = 16;

struct BudgetPlan {
  std::vector<std::size_t> chosen;  // indices into the options, ascending
  double cost = 0;                  // total cost of the chosen options
  double net = 0;                   // sum of their estimated net benefits
  std::string method;               // "exhaustive" or "greedy"
};

// The set of options (cost[i] >= 0, net[i] its estimated net benefit; a non-finite net is
// never chosen) whose total cost is at most `budget` and whose summed net is largest; among
// equal nets the cheaper, then the one listing lower indices first. Options with net <= 0
// are never chosen (leaving them out never lowers the sum). `exhaustive_limit`: above this
// many options the greedy is used.
BudgetPlan choose_within_budget(const std::vector<double>& cost, const std::vector<double>& net, double budget,
                                std::size_t exhaustive_limit = kBudgetExhaustiveLimit);

}  // namespace eslabon
