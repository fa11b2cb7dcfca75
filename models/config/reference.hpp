#pragma once
// The config reference, generated from the vocabulary (vocabulary.hpp): the JSON Schema of a
// model config or of a sweep file, and the table of every key with its type, default, unit and
// meaning, which the README shows (between its `<!-- keys:... -->` markers), `eslabon keys`
// prints and Python's es.config_keys() returns. `make reference` writes the schemas and the
// README's tables; the test config_reference fails when they differ from what this generates.

#include <models/config/vocabulary.hpp>

#include <string>
#include <vector>

namespace eslabon::config_keys {

// The two kinds of config file, by their root section: "model" and "sweep".
inline const std::vector<std::string> kRoots = {"model", "sweep"};

// One key of the reference, under its full path (units.NAME.servers, links[].defect).
struct Row {
  std::string key, type, default_value, unit, description, see;
  bool literal = false;  // the default is a value (literal_default), not a phrase
};

// Every key of a root section, depth first: each key, then the keys of the sections its value can be.
std::vector<Row> rows(const std::string& root);
// The JSON Schema (draft 2020-12) of a root section.
Json schema(const std::string& root);
// The reference table of a root section, in Markdown (one row per key).
std::string markdown(const std::string& root);
// A key's default as a JSON value when it is one: a number, true or false, or a name its type
// allows (`fifo`, `inf`); null when the default is a phrase ("none", "the supplier task's service").
Json literal_default(const Key& k);
// The anchor GitHub gives a README heading ("What fixing is worth (rank)" -> "what-fixing-is-worth-rank").
std::string anchor(const std::string& title);

}  // namespace eslabon::config_keys
