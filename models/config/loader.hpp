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

#include <memory>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace eslabon {

// Parses "PATH=VALUE" (throws ConfigError when there is no '=' or the path is empty).
Override parse_override(const std::string& text);

// Load from YAML text; `source` names it in messages (a file name, or "<string>").
Model load_model_text(const std::string& text, const std::string& source, const std::vector<Override>& overrides = {});
// Load from a file (ConfigError if it cannot be read).
Model load_model_file(const std::string& path, const std::vector<Override>& overrides = {});

// A model's text parsed once, to build models with different overrides from it without parsing
// it again (a sweep's points: parsing is most of the cost of a small model). build() gives what
// load_model_text gives, errors and their messages included.
class ModelTemplate {
 public:
  ModelTemplate(std::string text, std::string source);  // a ConfigError if the text does not parse
  ~ModelTemplate();
  ModelTemplate(const ModelTemplate&) = delete;
  ModelTemplate& operator=(const ModelTemplate&) = delete;

  // With `check_scenarios` false, the model's scenarios are read but their changes are not
  // loaded to check them (the caller has checked these overrides before). With `config_text`
  // false, the model's config_text is left empty: writing the changed tree out as YAML costs
  // more than reading it.
  Model build(const std::vector<Override>& overrides, bool check_scenarios = true, bool config_text = true) const;
  const std::string& text() const { return text_; }
  const std::string& source() const { return source_; }

 private:
  std::string text_;
  std::string source_;
  std::unique_ptr<YAML::Node> root_;  // as parsed, never changed: each build changes a copy
};

}  // namespace eslabon
