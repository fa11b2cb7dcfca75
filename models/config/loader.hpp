#pragma once
// Loading a model from YAML, with overrides, and strict validation.
//
// Every problem is a ConfigError whose message reads
//     FILE:LINE:COL: path.to.key: what was expected, what was found
// (or "--set PATH=VALUE: path.to.key: ..." when the value came from an override).
// Unknown keys are errors with a did-you-mean; so are unknown unit and task names.
//
// The work is split by concept: yaml_reader (positions, typed values), overrides, durations,
// distribution_spec, one file per config section (units, flows, links, complaints_costs,
// scenarios), and sweep_file; this header is the public face.

#include <models/config/config_error.hpp>
#include <models/config/did_you_mean.hpp>
#include <models/config/durations.hpp>
#include <models/model/model.hpp>

#include <string>
#include <vector>

namespace eslabon {

// Parses "PATH=VALUE" (throws ConfigError when there is no '=' or the path is empty).
Override parse_override(const std::string& text);

// Load from YAML text; `source` names it in messages (a file name, or "<string>").
Model load_model_text(const std::string& text, const std::string& source,
                      const std::vector<Override>& overrides = {});
// Load from a file (ConfigError if it cannot be read).
Model load_model_file(const std::string& path, const std::vector<Override>& overrides = {});

}  // namespace eslabon
