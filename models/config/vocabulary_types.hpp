#pragma once
// What a config value can be, for the vocabulary (vocabulary.cpp): each function makes a Type
// (its JSON Schema, how the reference names it, its unit). Internal to models/config.
#include <models/config/vocabulary.hpp>

#include <climits>
#include <string>
#include <vector>

namespace eslabon::config_keys::types {

// --- what a value can be -------------------------------------------------------------------

inline Type also(Type t, const Json& extra) {  // more JSON Schema keywords on t
  for (auto it = extra.begin(); it != extra.end(); ++it) t.schema[it.key()] = it.value();
  return t;
}

inline Type named(Type t, std::string text) {  // t, named otherwise in the reference
  t.text = std::move(text);
  return t;
}

inline Type text(std::string what = "text") { return {{{"type", "string"}}, std::move(what), ""}; }
inline Type boolean() { return {{{"type", "boolean"}}, "`true` or `false`", ""}; }
inline Type anything() { return {Json::object(), "any value", ""}; }
inline Type duration() { return {{{"$ref", "#/$defs/duration"}}, "duration", "time unit"}; }
inline Type distribution() { return {{{"$ref", "#/$defs/distribution"}}, "DIST", "time unit"}; }
inline Type probability(std::string unit = "probability") {
  return {{{"type", "number"}, {"minimum", 0}, {"maximum", 1}}, "number in [0, 1]", std::move(unit)};
}
inline Type at_least_0(std::string unit) { return {{{"type", "number"}, {"minimum", 0}}, "number >= 0", std::move(unit)}; }
inline Type above_0(std::string unit) {
  return {{{"type", "number"}, {"exclusiveMinimum", 0}}, "number > 0", std::move(unit)};
}
inline Type money(const std::string& per) { return at_least_0("money " + per); }
inline Type integer(long long min, long long max, std::string unit = "") {
  Json s = {{"type", "integer"}};
  if (min != LLONG_MIN) s["minimum"] = min;
  if (max != LLONG_MAX) s["maximum"] = max;
  std::string t = "integer";
  if (min != LLONG_MIN && max != LLONG_MAX)
    t += " from " + std::to_string(min) + " to " + std::to_string(max);
  else if (min != LLONG_MIN)
    t += " >= " + std::to_string(min);
  return {s, t, std::move(unit)};
}
inline Type choice(const std::vector<std::string>& names) {
  std::string t;
  for (std::size_t i = 0; i < names.size(); ++i)
    t += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + ("`" + names[i] + "`");
  return {{{"enum", names}}, t, ""};
}
inline Type word(const std::string& w) { return {{{"const", w}}, "`" + w + "`", ""}; }
inline Type section(const std::string& id) { return {{{"$ref", "#/$defs/" + id}}, "mapping", "", {id}, ""}; }

// Either of several types: oneOf when a value can match only one, anyOf otherwise.
inline Type either(const std::vector<Type>& ts, const char* keyword = "oneOf") {
  Type out{{{keyword, Json::array()}}, "", ""};
  for (std::size_t i = 0; i < ts.size(); ++i) {
    out.schema[keyword].push_back(ts[i].schema);
    out.text += (i == 0 ? "" : " or ") + ts[i].text;
    if (out.unit.empty()) out.unit = ts[i].unit;
    out.sections.insert(out.sections.end(), ts[i].sections.begin(), ts[i].sections.end());
    if (!ts[i].sections.empty()) out.item = ts[i].item;
  }
  return out;
}
// t, or null (which the loader takes as the key's absence); named as t, the meanings say so.
inline Type nullable(const Type& t) {
  Type out = either({t, {{{"type", "null"}}, "null", ""}}, "anyOf");
  out.text = t.text;
  out.unit = t.unit;
  return out;
}
inline Type duration_or_inf() { return either({duration(), word("inf")}, "anyOf"); }
// A mapping of names (NAME, TASK, ...) to values of type t.
inline Type map_of(const Type& t, const std::string& placeholder) {
  Type out{{{"type", "object"}, {"additionalProperties", t.schema}},
           "mapping " + placeholder + ": " + t.text,
           t.unit,
           t.sections,
           t.sections.empty() ? "" : "." + placeholder};
  return out;
}
inline Type list_of(const Type& t, std::string text) {
  return {
      {{"type", "array"}, {"items", t.schema}}, std::move(text), t.unit, t.sections, t.sections.empty() ? "" : "[]"};
}
inline Type pair_of(const Type& a, const Type& b, std::string text, std::string unit) {
  return {{{"type", "array"}, {"prefixItems", Json::array({a.schema, b.schema})}, {"minItems", 2}, {"maxItems", 2}},
          std::move(text),
          std::move(unit)};
}
// A non-empty list of numbers of type t ("number >= 0": "list of numbers >= 0").
inline Type list_of_numbers(const Type& t) {
  return also(list_of(t, "list of numbers" + t.text.substr(std::string("number").size())), {{"minItems", 1}});
}

// A key whose meaning lists a vocabulary's entries: "`a` (meaning), `b` (meaning)".
template <class Entries>
std::string listing(const Entries& entries) {
  std::string s;
  for (const auto& e : entries) {
    if (!s.empty()) s += ", ";
    s.append("`").append(e.name).append("` (").append(e.meaning).append(")");
  }
  return s;
}

}  // namespace eslabon::config_keys::types
