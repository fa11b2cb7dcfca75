#pragma once
// `--set PATH=VALUE` and scenario changes, applied to the YAML tree before it is read.
//
// A path walks mappings by key and lists by index, or, for a list of links, by FROM->TO.
// A node shared through a YAML alias is refused: changing it would change every place that
// uses it. Errors are ConfigErrors that name the override ("--set PATH=VALUE: path: ...").

#include <models/config/yaml_reader.hpp>

namespace eslabon {

// Applies every override of `reader` to `root`, in order, and tells the reader which
// FROM->TO paths its link overrides also go by.
void apply_overrides(YAML::Node& root, YamlReader& reader);

}  // namespace eslabon
