#pragma once
// The JSON document of a run (`eslabon run --json`, Result.to_json): name, replications, seed,
// then, for each table of result_tables() with a JSON key, its summary as nested objects:
// "kpis": {KPI: interval}, "units": {UNIT: {STAT: interval}}, ... where an interval is
// {mean, ci_low, ci_high, std, n} (null for a figure that is not finite: JSON has no NaN).
// With warmup: auto, "warmup_auto" (warmup_json) after the seed; with replications: {until: ...},
// "stopping" (stopping_json).

#include <models/results/run_result.hpp>

#include <string>

namespace eslabon {

std::string to_json(const RunResult& result, int indent = 2);

// How warmup: auto chose (README "Warm-up and replications without guessing"): {warmup, method,
// pilots, lead_time: {observations, batches, truncated, used, time}, wip: {...}, capped, too_short};
// "" without warmup: auto. Also the HDF5 attribute warmup_auto and Python's r.warmup_auto.
std::string warmup_json(const RunResult& result);
// What the stopping rule did: {kpi, until, min, max, replications, relative_half_width, met}; ""
// without one. Also the HDF5 attribute stopping and Python's r.stopping.
std::string stopping_json(const RunResult& result);

}  // namespace eslabon
