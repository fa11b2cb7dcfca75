#pragma once
// The `complaints` section (what dissatisfied customers do) and the `costs` section (what
// late orders, scrap, complaints and lost customers cost).

#include <models/config/yaml_reader.hpp>

namespace eslabon {

void load_complaints(const YamlReader& r, const YAML::Node& root, Model& m);
void load_costs(const YamlReader& r, const YAML::Node& root, Model& m);

}  // namespace eslabon
