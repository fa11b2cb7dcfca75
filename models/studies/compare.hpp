#pragma once
// Paired comparisons: the consultant's question "what does this change buy, and how sure
// are we". Base and variant run with the same seed and replication indices, so replication
// i of both sees the same customers and service times (common random numbers); the
// difference is taken replication by replication, and its confidence interval is much
// narrower than the one two independent runs would give (also reported, for contrast).

#include <eslabon/core/table.hpp>
#include <models/model/model.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/rank.hpp>

#include <functional>

#include <string>
#include <vector>

namespace eslabon {

// One row per KPI: kpi, base_mean, variant_mean, diff_mean (variant - base), diff_ci_low,
// diff_ci_high, paired_half_width, unpaired_half_width, n.
Table compare_runs(const RunResult& base, const RunResult& variant);

// The model with the changes of scenario `name` applied (ConfigError if there is none).
Model scenario_model(const Model& base, const std::string& name, const std::vector<Override>& extra = {});

// Every weak link of the model (links with a fault on: defects, a handoff delay, lost handoffs;
// tasks with skip > 0), each fixed in turn (its faults, or skip, set to 0) and compared with
// the base on `kpi`. One row per weak link,
// sorted by the size of the effect: link, kind ("link" or "skip"), change (the override),
// base_mean, fixed_mean, effect_mean (base - fixed: what the link costs on that KPI),
// effect_ci_low, effect_ci_high, n. `progress` (may be null) gets the fraction done.
Table rank_links(const Model& base, const RunOptions& options, Kpi kpi,
                 const std::function<void(double)>& progress = {});

// How two models' structures differ: their units, flows, each flow's tasks and their weak links,
// by name ("units only in variant: pack", ...). Parameters (servers, rates, probabilities, which
// unit does a task) are not structure. Empty when the structures are the same. `compare` (CLI
// and Python) refuses a variant whose structure differs unless told otherwise: its pairs then
// share no random numbers worth the name.
std::vector<std::string> structure_differences(const Model& base, const Model& variant);

// The KPI named `name` (ConfigError with a did-you-mean and the list if none).
Kpi kpi_from_name(const std::string& name);

// JSON documents for `eslabon compare --json` and `eslabon rank --json`: the header fields,
// then the table as {"KPI": {column: value}} (compare) or a list of row objects (rank).
std::string comparison_json(const std::string& name, const std::string& scenario, std::size_t replications,
                            std::uint64_t seed, const Table& comparison);
// `eslabon rank --json`: name, kpi, replications, seed, weak_points (the rows), links (the
// rows of links' faults and skips, each with its name also under "link", as rank's JSON
// listed them before), then "shapley" and "budget" when they were asked for.
std::string rank_json(const std::string& name, const std::string& kpi, std::size_t replications, std::uint64_t seed,
                      const Ranking& ranking);
// Its "shapley" and "budget" objects alone, each null when not asked for (also what es.rank
// puts in its frame's attrs).
std::string rank_extras_json(const Ranking& ranking);

}  // namespace eslabon
