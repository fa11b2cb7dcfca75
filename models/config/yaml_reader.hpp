#pragma once
// Reading typed values from a YAML tree, with every error positioned.
//
// A YamlReader knows the source's name (for FILE:LINE:COL), the overrides applied to the tree
// (a value that came from `--set` is blamed on it, not on a line of the file) and the model's
// time unit (durations convert to it). Its readers check one value each and throw ConfigError
// "WHERE: path: expected X, got Y" on the first problem.

#include <models/config/config_error.hpp>
#include <models/model/model.hpp>

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace eslabon {

// What a node holds, for "expected X, got Y": nothing, a mapping, a list, a number or 'text'.
// A scalar is quoted as a short token with its control characters escaped (README "Limits").
std::string found(const YAML::Node& n);
// What a node is, quoting nothing of it: nothing, a mapping, a list, a number or text.
std::string kind(const YAML::Node& n);
// True when all of `s` reads as a number (strtod).
bool is_number(const std::string& s);
// "a.b" from "a" and "b"; just "b" when a is empty.
std::string join_path(const std::string& a, const std::string& b);

class YamlReader {
 public:
  YamlReader(std::string source, std::vector<Override> overrides)
      : source_(std::move(source)), overrides_(std::move(overrides)) {}

  const std::string& source() const { return source_; }
  const std::vector<Override>& overrides() const { return overrides_; }
  // Errors at `alias` (a link item named FROM->TO) come from the override with this index.
  void add_alias(std::string alias, std::size_t override_index) {
    override_aliases_.emplace_back(std::move(alias), override_index);
  }
  const std::string& time_unit() const { return time_unit_; }
  void set_time_unit(std::string unit) { time_unit_ = std::move(unit); }

  // "FILE:LINE:COL", or just FILE when the mark is unknown.
  std::string at(const YAML::Mark& mark) const;
  // Throws ConfigError "WHERE: path: what", WHERE being the override that set `path` if any.
  [[noreturn]] void fail(const YAML::Node& n, const std::string& path, const std::string& what) const;

  void map(const YAML::Node& n, const std::string& path, const std::string& what = "a mapping") const;
  // Checks that every key of map n is allowed, unique and a plain string.
  void keys(const YAML::Node& n, const std::string& path, const std::vector<std::string>& allowed) const;
  // Checks that the keys of map n are non-empty names, each once.
  void unique_keys(const YAML::Node& n, const std::string& path) const;
  std::string str(const YAML::Node& n, const std::string& path) const;
  double number(const YAML::Node& n, const std::string& path) const;
  std::int64_t integer(const YAML::Node& n, const std::string& path, std::int64_t min,
                       std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
  // A distribution parameter: any finite duration (the distribution checks its own range,
  // so the message can say "mean: expected a number > 0").
  double param(const YAML::Node& n, const std::string& path) const;
  double duration(const YAML::Node& n, const std::string& path, bool allow_inf = false) const;
  double any_duration(const YAML::Node& n, const std::string& path) const;  // what both read first
  // The index of node n's value among `names` (an error listing them, with a did-you-mean).
  int choice(const YAML::Node& n, const std::string& path, const std::vector<std::string>& names) const;
  double probability(const YAML::Node& n, const std::string& path) const;
  bool boolean(const YAML::Node& n, const std::string& path) const;
  double cost(const YAML::Node& n, const std::string& path) const;

 private:
  const Override* overridden(const std::string& path) const;

  std::string source_;
  std::vector<Override> overrides_;
  std::vector<std::pair<std::string, std::size_t>> override_aliases_;  // FROM->TO paths of overrides by index
  std::string time_unit_ = "hour";
};

}  // namespace eslabon
