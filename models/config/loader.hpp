#pragma once
// Loading a model from YAML, with overrides, and strict validation.
//
// Every problem is a ConfigError whose message reads
//     FILE:LINE:COL: path.to.key: what was expected, what was found
// (or "--set PATH=VALUE: path.to.key: ..." when the value came from an override).
// Unknown keys are errors with a did-you-mean; so are unknown unit and task names.

#include <models/model/model.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace eslabon {

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message) : std::runtime_error(message) {}
};

// Parses "PATH=VALUE" (throws ConfigError when there is no '=' or the path is empty).
Override parse_override(const std::string& text);

// Load from YAML text; `source` names it in messages (a file name, or "<string>").
Model load_model_text(const std::string& text, const std::string& source,
                      const std::vector<Override>& overrides = {});
// Load from a file (ConfigError if it cannot be read).
Model load_model_file(const std::string& path, const std::vector<Override>& overrides = {});

// Parse a duration ("30min", "8h", "2d", "1.5", "inf") into `time_unit`s. Throws
// std::invalid_argument with the reason.
double parse_duration(const std::string& text, const std::string& time_unit);
// Length of one `unit` (second, minute, hour, day, week and their abbreviations) in hours;
// 0 when the unit is unknown.
double unit_in_hours(const std::string& unit);

// Closest candidate by edit distance, or "" when none is close enough.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace eslabon
