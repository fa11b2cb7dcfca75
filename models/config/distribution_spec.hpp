#pragma once
// A distribution written in YAML: a plain duration (deterministic) or {KIND: {PARAM: VALUE}}.

#include <models/config/yaml_reader.hpp>

namespace eslabon {

// Reads the distribution at node n; errors name the parameter at fault, e.g.
// "service.exponential.mean: expected a number > 0, got -2".
Distribution read_distribution(const YamlReader& r, const YAML::Node& n, const std::string& path);

}  // namespace eslabon
