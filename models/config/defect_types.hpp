#pragma once
// The top-level `defect_types` section (README "Weak links", "Defect types"): the kinds of
// defect, least severe first, with what a noticed one does; and a link's `defect` written as a
// map of those types.

#include <models/config/yaml_reader.hpp>

namespace eslabon {

// Reads the declared types (before the links, which name them). What a type leaves out stays
// unset until resolve_defect_types, since its default is the complaints section's.
void load_defect_types(const YamlReader& r, const YAML::Node& root, Model& m);
// After the complaints section: what each type leaves out takes the complaints section's value.
void resolve_defect_types(const YamlReader& r, const YAML::Node& root, Model& m);
// A link's `defect: {TYPE: p, ...}` at `path`: its types in severity order, each with the sum of
// its and the less severe types' p (the draw's bounds). Returns the sum of them all.
double read_typed_defects(const YamlReader& r, const YAML::Node& n, const std::string& path, const Model& m,
                          std::vector<TypedDefect>& out);

}  // namespace eslabon
