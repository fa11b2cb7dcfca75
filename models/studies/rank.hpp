#pragma once
// What fixing is worth, for every kind of weak point: each fixed alone and compared with the
// base by common random numbers (same seed, same replication indices; the paired
// difference's 95% CI), optionally its exact Shapley share of (base - every fault fixed),
// the net benefit of costed scenarios and the best set of them within a budget.
// README.md, "eslabon rank", defines every kind and column.

#include <eslabon/core/confidence.hpp>
#include <eslabon/core/table.hpp>
#include <models/model/model.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/budget.hpp>
#include <models/studies/shapley.hpp>

#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace eslabon {

// One thing that could be fixed, and what fixing it means as config overrides.
struct WeakPoint {
  std::string name;  // FROM->TO, a skip's origin name, a unit, "complaints", a scenario
  std::string kind;  // defects, delay, lost, skip, outages, staffing, complaints, scenario
  std::vector<Override> fix;
  double cost = std::numeric_limits<double>::quiet_NaN();  // a scenario's cost per time unit
  bool fault = false;  // a fault (links' faults, skips, outages): a player of the Shapley attribution
  std::string origin;  // the origin (base run's origins table) whose copq is its ledger share
};

// Every weak point of the model, in this order: each link's faults that are on (in the order
// of link_faults.hpp; defects with types as one row per type with p > 0), skippable steps, units with outages, one more
// server at each unit, complaint handling (when complaints are on and resolve < 1), the config's scenarios.
std::vector<WeakPoint> weak_points(const Model& model);

struct RankSettings {
  Kpi kpi = Kpi::CopqPerOrder;
  bool shapley = false;
  double budget = std::numeric_limits<double>::quiet_NaN();  // NaN: no plan
  std::size_t exact_limit = kShapleyExactLimit;
  std::size_t permutations = kShapleyPermutations;
};

struct Ranking {
  // One row per weak point, largest |effect_mean| first: name, kind, change, base_mean,
  // fixed_mean, effect_mean, effect_ci_low, effect_ci_high, n, cost, saving_mean, net_mean,
  // net_ci_low, net_ci_high, return_mean, shapley_mean, shapley_ci_low, shapley_ci_high, ledger.
  Table table;
  MeasureNames measures;  // the base model's time unit and currency (the table's units of measure)
  bool money = false;    // the KPI is money (copq_per_order, revenue): saving and net are defined
  bool shapley = false;  // computed
  ShapleyResult attribution;
  bool planned = false;  // a budget was given
  double budget = 0;
  BudgetPlan plan;
  std::vector<std::string> plan_names;
  Interval plan_combined{};  // net of the chosen scenarios run together (n = 0 when not run)
  std::string plan_note;     // why the combination was not run, if it was not
};

Ranking rank_weak_points(const Model& base, const RunOptions& options, const RankSettings& settings,
                         const std::function<void(double)>& progress = {});

}  // namespace eslabon
