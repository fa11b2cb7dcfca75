#pragma once
// The `units` section (departments as queues) and references to units by name.

#include <models/config/yaml_reader.hpp>

namespace eslabon {

void load_units(const YamlReader& r, const YAML::Node& root, Model& m);
// The index of the unit named by node n (an error with a did-you-mean if there is none).
int unit_ref(const YamlReader& r, const YAML::Node& n, const std::string& path, const Model& m);

}  // namespace eslabon
