#pragma once
// The `flows` section: arrivals, due dates, priorities and each flow's task graph (a DAG).

#include <models/config/yaml_reader.hpp>

namespace eslabon {

void load_flows(const YamlReader& r, const YAML::Node& root, Model& m);
// Skipped steps are origins of defects too; they are numbered after the links.
void add_skip_origins(Model& m);

}  // namespace eslabon
