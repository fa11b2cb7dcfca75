#pragma once
// flows.F.arrivals.poisson as a mapping: a rate that changes over time (model/rate_profile.hpp),
// {rates: [R, ...], every: DURATION} (periodic) or {schedule: [[FROM, RATE], ...]}.

#include <models/config/yaml_reader.hpp>
#include <models/model/rate_profile.hpp>

namespace eslabon {

// `path` is the poisson key's (flows.F.arrivals.poisson); errors are positioned at the key at fault.
RateProfile read_rate_profile(const YamlReader& r, const YAML::Node& n, const std::string& path);

}  // namespace eslabon
