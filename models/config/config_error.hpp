#pragma once
// The one error type of config loading. Its message reads
//     FILE:LINE:COL: path.to.key: what was expected, what was found
// (or "--set PATH=VALUE: path.to.key: ..." when the value came from an override).
//
// An error about one key also keeps its three parts apart (where(), key(), detail()), so that a
// caller that knows better words for WHERE (the Python package: the dict path of a config given
// as a dict, the argument that made an override) can say it its own way.

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace eslabon {

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message) : std::runtime_error(message) {}
  // "WHERE: KEY: DETAIL" (KEY empty: "WHERE: DETAIL").
  ConfigError(std::string where, std::string key, std::string detail)
      : std::runtime_error(where + ": " + (key.empty() ? "" : key + ": ") + detail),
        where_(std::move(where)),
        key_(std::move(key)),
        detail_(std::move(detail)) {}

  // Empty for an error built from a message alone.
  const std::string& where() const { return where_; }
  const std::string& key() const { return key_; }
  const std::string& detail() const { return detail_; }

 private:
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
