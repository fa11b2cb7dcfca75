#include <models/config/did_you_mean.hpp>
#include <models/config/input_limits.hpp>
#include <models/config/loader.hpp>
#include <models/config/overrides.hpp>

#include <stdexcept>

namespace eslabon {

Override parse_override(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--set " + text + ": expected PATH=VALUE (e.g. units.production.servers=5), found no '='");
  return Override{text.substr(0, eq), text.substr(eq + 1)};
}

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

// How many times `target` appears in the tree under `n` (more than once: a shared alias).
int uses(const YAML::Node& n, const YAML::Node& target, int depth = 0) {
  if (n.is(target)) return 1;
  if (depth > 64) return 0;
  int c = 0;
  if (n.IsMap())
    for (auto it = n.begin(); it != n.end(); ++it) c += uses(it->second, target, depth + 1);
  else if (n.IsSequence())
    for (std::size_t i = 0; i < n.size(); ++i) c += uses(n[i], target, depth + 1);
  return c;
}

// One override; `index` is its place among the reader's overrides.
void apply(YAML::Node& root, const Override& ov, std::size_t index, YamlReader& reader) {
  auto parts = split_path(ov.path);
  const std::string where = ov.label.empty() ? "--set " + ov.path + "=" + ov.value : ov.label;
  YAML::Node value;
  try {
    check_yaml_shape(ov.value, "the value");  // README "Limits": aliases, nesting, one document
  } catch (const ConfigError& e) {
    throw ConfigError(where, ov.path, e.what());
  }
  try {
    value = YAML::Load(ov.value);
  } catch (const YAML::Exception& e) {
    throw ConfigError(where, ov.path, e.msg);
  }
  YAML::Node cur = root;
  std::string path;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& key = parts[i];
    if (key.empty())
      throw ConfigError(where, ov.path, "expected a path like units.production.servers, found an empty key");
    const bool last = i + 1 == parts.size();
    if (cur.IsSequence()) {
      std::size_t idx = cur.size();
      // Items of a list of links are addressed by FROM->TO (or by index).
      std::vector<std::string> item_keys;
      for (std::size_t k = 0; k < cur.size(); ++k) {
        const YAML::Node item = cur[k];
        if (item.IsMap() && item["from"] && item["to"] && item["from"].IsScalar() && item["to"].IsScalar()) {
          item_keys.push_back(item["from"].Scalar() + "->" + item["to"].Scalar());
          if (item_keys.back() == key) idx = k;
        }
      }
      if (idx == cur.size()) {
        try {
          std::size_t used = 0;
          idx = std::stoul(key, &used);
          if (used != key.size()) throw std::invalid_argument(key);
        } catch (...) {
          std::string hint = did_you_mean(key, item_keys);
          throw ConfigError(where, join_path(path, key),
                            "no such item in " + path + " (expected FROM->TO or an index" +
                                (hint.empty() ? "" : "; did you mean '" + hint + "'?") + ")");
        }
      }
      if (idx >= cur.size())
        throw ConfigError(where, join_path(path, key),
                          "index out of range (the list has " + std::to_string(cur.size()) + " items)");
      {  // errors name link items FROM->TO: remember that this override is also that path
        const YAML::Node item = cur[idx];
        if (item.IsMap() && item["from"] && item["to"] && item["from"].IsScalar() && item["to"].IsScalar()) {
          std::string alias = join_path(path, item["from"].Scalar() + "->" + item["to"].Scalar());
          for (std::size_t r = i + 1; r < parts.size(); ++r) alias += "." + parts[r];
          reader.add_alias(alias, index);
        }
      }
      path = join_path(path, key);
      if (last) {
        cur[idx] = value;
        return;
      }
      cur.reset(cur[idx]);
      continue;
    }
    if (!cur.IsMap())
      throw ConfigError(where, join_path(path, key),
                        (path.empty() ? "the document" : path) + " is not a mapping (it is " + found(cur) + ")");
    if (last) {
      if (cur[key] && uses(root, cur[key]) > 1)
        throw ConfigError(where, join_path(path, key),
                          "this value is a YAML alias shared with another place; "
                          "expected a value of its own (write it out in the config to override it here only)");
      cur[key] = value;
      return;
    }
    if (!cur[key]) {
      std::vector<std::string> names;
      for (auto it = cur.begin(); it != cur.end(); ++it) names.push_back(it->first.Scalar());
      std::string hint = did_you_mean(key, names);
      throw ConfigError(where, join_path(path, key),
                        "no such key in the config" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    path = join_path(path, key);
    YAML::Node next = cur[key];
    // A node shared through a YAML alias would change everywhere it is used: refuse.
    if (uses(root, next) > 1)
      throw ConfigError(where, path,
                        "this part of the config is a YAML alias shared with another place; "
                        "expected a value of its own (write it out in the config to override it here only)");
    cur.reset(next);
  }
}

}  // namespace

void apply_overrides(YAML::Node& root, YamlReader& reader) {
  const std::vector<Override>& overrides = reader.overrides();
  for (std::size_t i = 0; i < overrides.size(); ++i) apply(root, overrides[i], i, reader);
}

}  // namespace eslabon
