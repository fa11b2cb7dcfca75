#pragma once
// The run settings of README "Warm-up and replications without guessing": `run.warmup` (a
// duration or `auto`), `run.replications` (an integer, or a stopping rule {until, kpi, min,
// max}) and `run.max_wip`.

#include <models/config/yaml_reader.hpp>

namespace eslabon {

// run.warmup: a duration shorter than run.horizon, or auto (then run.warmup_auto).
void load_warmup(const YamlReader& r, const YAML::Node& run, RunSettings& s);
// run.replications: an integer from 1 to 1000000, or {until, kpi, min, max}.
void load_replications(const YamlReader& r, const YAML::Node& n, RunSettings& s);
// run.max_wip: an integer >= 1.
void load_max_wip(const YamlReader& r, const YAML::Node& n, RunSettings& s);
// run.max_events: an integer from 1 to kMaxEventsLimit (README "Limits").
inline constexpr std::int64_t kMaxEventsLimit = 1000000000000000LL;  // 10^15
void load_max_events(const YamlReader& r, const YAML::Node& n, RunSettings& s);

}  // namespace eslabon
