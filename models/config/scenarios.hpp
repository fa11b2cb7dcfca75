#pragma once
// The `scenarios` section: {NAME: {PATH: VALUE, ...}}, named sets of changes to the model.

#include <models/config/yaml_reader.hpp>

#include <functional>
#include <string>
#include <vector>

namespace eslabon {

// Loads the model's text with these overrides (and without its scenarios); throws ConfigError.
using CheckChanges = std::function<void(const std::vector<Override>&)>;

// Each scenario is checked by loading the model with its changes (through `check`), so a
// scenario with an unknown path or a bad value is an error here, on its line.
void load_scenarios(const YamlReader& r, const YAML::Node& root, Model& m, const CheckChanges& check);

}  // namespace eslabon
