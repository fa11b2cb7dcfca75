#pragma once
// Pressure (README "Pressure"): a unit's `pressure`, its speed and error multipliers by a
// measure of its load.

#include <models/config/yaml_reader.hpp>

namespace eslabon {

// units.NAME.pressure (node n is the unit's mapping); `pressure: null` or absent is off.
void load_pressure(const YamlReader& r, const YAML::Node& n, const std::string& path, Unit& u);

}  // namespace eslabon
