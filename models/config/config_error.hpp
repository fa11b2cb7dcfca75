#pragma once
// The one error type of config loading. Its message reads
//     FILE:LINE:COL: path.to.key: what was expected, what was found
// (or "--set PATH=VALUE: path.to.key: ..." when the value came from an override).
//
// An error about one key also keeps its three parts apart (where(), key(), detail()), so that a
// caller that knows better words for WHERE (the Python package: the dict path of a config given
// as a dict, the argument that made an override) can say it its own way.

#include <eslabon/core/text.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace eslabon {

class ConfigError : public std::runtime_error {
 public:
  // Every part passes through printable() (README "Limits"): a message cannot drive the terminal.
  explicit ConfigError(const std::string& message) : std::runtime_error(printable(message, true)) {}
  // "WHERE: KEY: DETAIL" (KEY empty: "WHERE: DETAIL").
  ConfigError(const std::string& where, const std::string& key, const std::string& detail)
      : ConfigError(Parts{printable(where), printable(key), printable(detail, true)}) {}

  // Empty for an error built from a message alone.
  const std::string& where() const { return where_; }
  const std::string& key() const { return key_; }
  const std::string& detail() const { return detail_; }

 private:
  struct Parts {
    std::string where, key, detail;
  };
  explicit ConfigError(Parts p)
      : std::runtime_error(p.where + ": " + (p.key.empty() ? "" : p.key + ": ") + p.detail),
        where_(std::move(p.where)),
        key_(std::move(p.key)),
        detail_(std::move(p.detail)) {}

  std::string where_, key_, detail_;
};

// What an integer check expects, in the words of every one (the loader's, the command line's):
// "expected an integer >= 1", "expected an integer <= 9", "expected an integer from 0 to 4096".
inline std::string expected_integer(std::int64_t min, std::int64_t max) {
  if (max == std::numeric_limits<std::int64_t>::max()) return "expected an integer >= " + std::to_string(min);
  if (min == std::numeric_limits<std::int64_t>::min() || min == std::numeric_limits<int>::min())
    return "expected an integer <= " + std::to_string(max);
  return "expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

}  // namespace eslabon
