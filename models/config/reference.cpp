// The JSON Schemas and the reference tables, generated from the vocabulary. The schema's
// `duration` and `distribution` come from their own lists: the time units (durations.hpp) and
// the distribution kinds with their parameters (core's registry).
#include <models/config/durations.hpp>
#include <models/config/reference.hpp>

#include <eslabon/core/distributions.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace eslabon::config_keys {
namespace {

const Json kDuration = {{"$ref", "#/$defs/duration"}};

Json duration_def() {
  std::string units;
  for (const auto& u : time_unit_names()) units += (units.empty() ? "" : "|") + u;
  return {{"description", "a duration: a number in time_unit, or a string with a unit (90s, 30min, 8h, 2d, 1w)"},
          {"anyOf", Json::array({{{"type", "number"}, {"minimum", 0}},
                                 {{"type", "string"},
                                  {"pattern", "^\\s*[+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*(" + units +
                                                  ")?\\s*$"}}})}};
}

Json param_schema(const dist::Param& p) {
  switch (p.type) {
    case dist::ParamType::Duration:
      return kDuration;
    case dist::ParamType::Number:
      return {{"type", "number"}, {"exclusiveMinimum", 0}};
    case dist::ParamType::Integer:
      return {{"type", "integer"}, {"minimum", p.min}, {"maximum", p.max}};
  }
  return Json::object();
}

// A plain duration (deterministic), or {KIND: PARAMETERS} for every kind of the registry.
Json distribution_def() {
  Json alternatives = Json::array({kDuration});
  for (const DistributionKindInfo& k : Distribution::kinds()) {
    Json body;
    if (k.form == dist::Form::List) {
      body = {{"type", "array"}, {"minItems", 1}, {"items", param_schema(k.params[0])}};
    } else {
      Json props = Json::object(), required = Json::array();
      for (const dist::Param& p : k.params) {
        props[p.name] = param_schema(p);
        required.push_back(p.name);
      }
      body = {{"type", "object"}, {"additionalProperties", false}, {"properties", props}, {"required", required}};
      if (k.form == dist::Form::ParamsOrValue) body = {{"anyOf", Json::array({kDuration, body})}};
    }
    Json alt = {{"type", "object"}, {"additionalProperties", false}};
    alt["properties"][k.name] = body;
    alt["required"] = Json::array({k.name});
    alternatives.push_back(alt);
  }
  return {{"description",
           "a service or interarrival time distribution: a duration (deterministic), or a kind with its "
           "parameters (README \"The model (config contract)\")"},
          {"oneOf", alternatives}};
}

std::string described(const Key& k) { return k.description + (k.see.empty() ? "" : " (README \"" + k.see + "\")"); }

Json property(const Key& k) {
  Json p = {{"description", described(k)}};
  for (auto it = k.type.schema.begin(); it != k.type.schema.end(); ++it) p[it.key()] = it.value();
  if (Json d = literal_default(k); !d.is_null()) p["default"] = d;
  return p;
}

// The object schema of a section's keys (of one group of its alternatives when `only` is given).
Json object_of(const Section& s, const std::vector<std::string>* only) {
  Json o = {{"type", "object"}, {"additionalProperties", false}};
  Json props = Json::object(), required = Json::array();
  for (const Key& k : s.keys) {
    if (only && std::find(only->begin(), only->end(), k.name) == only->end()) continue;
    if (k.other) {
      o["additionalProperties"] = property(k);
      continue;
    }
    props[k.name] = property(k);
    if (k.required()) required.push_back(k.name);
  }
  o["properties"] = props;
  if (!required.empty()) o["required"] = required;
  return o;
}

Json definition(const Section& s) {
  Json d = {{"description", s.description}};
  if (s.alternatives.empty()) {
    const Json o = object_of(s, nullptr);
    for (auto it = o.begin(); it != o.end(); ++it) d[it.key()] = it.value();
  } else {
    d["oneOf"] = Json::array();
    for (const auto& group : s.alternatives) d["oneOf"].push_back(object_of(s, &group));
  }
  return d;
}

// The sections reachable from `id` through its keys' types, `id` first.
void reach(const std::string& id, std::vector<std::string>& seen) {
  if (std::find(seen.begin(), seen.end(), id) != seen.end()) return;
  seen.push_back(id);
  for (const Key& k : section(id).keys)
    for (const auto& child : k.type.sections) reach(child, seen);
}

void walk(const Section& s, const std::string& prefix, std::vector<Row>& out) {
  for (const Key& k : s.keys) {
    const std::string path = prefix.empty() ? k.name : prefix + "." + k.name;
    out.push_back(
        Row{path, k.type.text, k.default_value, k.type.unit, k.description, k.see, !literal_default(k).is_null()});
    for (const auto& id : k.type.sections) walk(section(id), path + k.type.item, out);
  }
}

// Whether `name` is a value the schema allows by name (an enum entry or a const), at any depth.
bool names_value(const Json& schema, const std::string& name) {
  if (schema.is_array())
    return std::any_of(schema.begin(), schema.end(), [&](const Json& s) { return names_value(s, name); });
  if (!schema.is_object()) return false;
  if (schema.contains("const") && schema["const"] == name) return true;
  if (schema.contains("enum"))
    for (const auto& v : schema["enum"])
      if (v == name) return true;
  for (const char* k : {"anyOf", "oneOf"})
    if (schema.contains(k) && names_value(schema[k], name)) return true;
  return false;
}

std::string cell(const std::string& s) {  // a Markdown table cell: pipes escaped
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

Json literal_default(const Key& k) {
  const std::string& d = k.default_value;
  if (d.empty()) return nullptr;
  if (std::isdigit(static_cast<unsigned char>(d[0])) || (d[0] == '-' && d.size() > 1)) {
    char* end = nullptr;
    const double v = std::strtod(d.c_str(), &end);
    if (*end == '\0' && std::isfinite(v)) {
      if (v == std::floor(v) && std::fabs(v) < 9.0e15) return static_cast<long long>(v);
      return v;
    }
  }
  if (d == "true" || d == "false") return d == "true";
  if (names_value(k.type.schema, d)) return d;
  // A text written as `VALUE` (a KPI's name, a date) for a key whose value is a string.
  if (d.size() > 2 && d.front() == '`' && d.back() == '`' && d.find_first_of("` ", 1) == d.size() - 1 &&
      k.type.schema.value("type", "") == "string")
    return d.substr(1, d.size() - 2);
  return nullptr;
}

std::string anchor(const std::string& title) {
  std::string a;
  for (unsigned char c : title) {
    if (std::isalnum(c) || c == '-' || c == '_')
      a += static_cast<char>(std::tolower(c));
    else if (c == ' ')
      a += '-';
  }
  return a;
}

std::vector<Row> rows(const std::string& root) {
  std::vector<Row> out;
  walk(section(root), "", out);
  return out;
}

Json schema(const std::string& root) {
  const Section& top = section(root);
  Json s = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
            {"$id", "https://eslabon.example/schema/" + root + ".json"},
            {"title", "eslabon " + root},
            {"description", top.description}};
  const Json o = object_of(top, nullptr);
  for (auto it = o.begin(); it != o.end(); ++it) s[it.key()] = it.value();
  std::vector<std::string> ids;
  reach(root, ids);
  Json defs = Json::object();
  for (const Section& sec : sections())  // in the vocabulary's order
    if (sec.id != root && std::find(ids.begin(), ids.end(), sec.id) != ids.end()) defs[sec.id] = definition(sec);
  const std::string text = s.dump() + defs.dump();
  Json all = Json::object();
  const bool distributions = text.find("#/$defs/distribution\"") != std::string::npos;
  if (distributions || text.find("#/$defs/duration\"") != std::string::npos) all["duration"] = duration_def();
  if (distributions) all["distribution"] = distribution_def();
  for (auto it = defs.begin(); it != defs.end(); ++it) all[it.key()] = it.value();
  if (!all.empty()) s["$defs"] = all;
  return s;
}

std::string markdown(const std::string& root) {
  std::string md = "| key | type | default | unit | meaning |\n| --- | --- | --- | --- | --- |\n";
  for (const Row& r : rows(root)) {
    const bool quote = r.literal && r.default_value.front() != '`';
    const std::string def = quote ? "`" + r.default_value + "`" : r.default_value;
    const std::string see = r.see.empty() ? "" : " (see [" + r.see + "](#" + anchor(r.see) + "))";
    md += "| `" + cell(r.key) + "` | " + cell(r.type) + " | " + cell(def) + " | " + cell(r.unit) + " | " +
          cell(r.description + see) + " |\n";
  }
  return md;
}

}  // namespace eslabon::config_keys
