#pragma once
// The `links` section: weak internal handoffs between tasks or units (defects, detection,
// rework, delays, SLAs), each covering the handoffs of every flow it matches.

#include <models/config/yaml_reader.hpp>

namespace eslabon {

void load_links(const YamlReader& r, const YAML::Node& root, Model& m);

}  // namespace eslabon
