#pragma once
// The config's vocabulary, spelled once (vocabulary.cpp): every section of a model config and
// of a sweep file, and every key of each, with its type, default, unit and one-line meaning.
//
// Everything that needs the keys reads them from here: the loader takes each section's allowed
// keys (keys.hpp, in this order in its "expected one of ..." messages), and reference.hpp
// generates configs/eslabon.schema.json, configs/sweep.schema.json and the README's tables of
// keys from it (`make reference`; the test config_reference fails when they are out of date).
//
// Add a key: one Key line in its section in vocabulary.cpp, then read it in the loader; run
// `make reference`. A key with a literal default also gets a line in tests/models/test_config_keys.cpp
// (ConfigReference.DefaultsAreTheLoaders), which compares that default with what the loader does.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace eslabon::config_keys {

using Json = nlohmann::ordered_json;

// What a value is: its JSON Schema, and how the reference names it.
struct Type {
  Json schema;
  std::string text;  // the reference's type column, e.g. "duration", "integer >= 1"
  std::string unit;  // the unit column, e.g. "time unit", "probability", "money per hour"; "" for none
  // The sections a value of this type can be (their keys follow it in the reference), and how
  // the reference names one of them inside the value: "" (the value is the section), ".NAME"
  // (a mapping of names to sections), "[]" (a list of them).
  std::vector<std::string> sections;
  std::string item;
};

struct Key {
  std::string name;  // the key; with `other`, a placeholder (RULE, PATH) for any other key
  Type type;
  // As the reference shows it: a value ("0", "fifo", "none") or a phrase; "required" when the key
  // must be given ("required ..." when it must within one of a section's alternatives).
  std::string default_value;
  std::string description;  // one line, backticks around config words
  std::string see = "";     // the title of a README section that says more, "" for none
  bool other = false;       // stands for every key the section does not list (any RULE, any PATH)
  bool required() const { return default_value.rfind("required", 0) == 0; }
};

struct Section {
  std::string id;           // how types name it, and its name in the schema's $defs
  std::string description;  // for the schema
  std::vector<Key> keys;    // in the order of the loader's messages
  // Groups of keys that exclude each other: a value has keys of exactly one group (arrivals:
  // poisson, or interarrival, or a customer base). Empty: any of the keys together.
  std::vector<std::vector<std::string>> alternatives = {};
};

// Every section, the two roots ("model", "sweep") among them; section(id) throws std::out_of_range
// for an unknown id.
const std::vector<Section>& sections();
const Section& section(const std::string& id);

}  // namespace eslabon::config_keys
