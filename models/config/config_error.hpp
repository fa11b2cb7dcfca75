#pragma once
// The one error type of config loading. Its message reads
//     FILE:LINE:COL: path.to.key: what was expected, what was found
// (or "--set PATH=VALUE: path.to.key: ..." when the value came from an override).
//
// An error about one key also keeps its three parts apart (where(), key(), detail()), so that a
// caller that knows better words for WHERE (the Python package: the dict path of a config given
// as a dict, the argument that made an override) can say it its own way.

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

}  // namespace eslabon
