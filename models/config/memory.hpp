#pragma once
// `complaints.memory`: customers who remember (README "Customers who remember").

#include <models/config/yaml_reader.hpp>

namespace eslabon {

// Reads the mapping at `n` (path `path`); `m`'s flows are loaded (a base with memory is bounded).
Memory read_memory(const YamlReader& r, const YAML::Node& n, const std::string& path, const Model& m);

}  // namespace eslabon
