#pragma once
// The JSON document of a run (`eslabon run --json`, Result.to_json): name, replications, seed,
// then, for each table of result_tables() with a JSON key, its summary as nested objects:
// "kpis": {KPI: interval}, "units": {UNIT: {STAT: interval}}, ... where an interval is
// {mean, ci_low, ci_high, std, n} (null for a figure that is not finite: JSON has no NaN).

#include <models/results/run_result.hpp>

#include <string>

namespace eslabon {

std::string to_json(const RunResult& result, int indent = 2);

}  // namespace eslabon
