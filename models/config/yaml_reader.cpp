#include <models/config/did_you_mean.hpp>
#include <models/config/durations.hpp>
#include <models/config/yaml_reader.hpp>

#include <eslabon/core/text.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>

namespace eslabon {

bool is_number(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end && *end == '\0';
}

// Describes what was found, for "expected X, got Y": a value from the file is quoted as a short
// token, its control characters escaped (README "Limits").
std::string found(const YAML::Node& n) {
  if (!n || n.IsNull() || n.IsMap() || n.IsSequence()) return kind(n);
  const std::string& s = n.Scalar();
  if (is_number(s)) return printable_token(s);
  return "'" + printable_token(s) + "'";
}

std::string kind(const YAML::Node& n) {
  if (!n || n.IsNull()) return "nothing";
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  return is_number(n.Scalar()) ? "a number" : "text";
}

std::string join_path(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

std::string YamlReader::at(const YAML::Mark& mark) const {
  if (mark.is_null()) return printable(source_);
  return printable(source_) + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

const Override* YamlReader::overridden(const std::string& path) const {
  for (const auto& ov : overrides_)
    if (path == ov.path || path.rfind(ov.path + ".", 0) == 0) return &ov;
  for (const auto& [alias, i] : override_aliases_)
    if (path == alias || path.rfind(alias + ".", 0) == 0) return &overrides_[i];
  return nullptr;
}

void YamlReader::fail(const YAML::Node& n, const std::string& path, const std::string& what) const {
  std::string where;
  if (const Override* ov = overridden(path))
    where = ov->label.empty() ? "--set " + ov->path + "=" + ov->value : ov->label;
  else
    where = at(n ? n.Mark() : YAML::Mark::null_mark());
  throw ConfigError(where, path, what);
}

void YamlReader::map(const YAML::Node& n, const std::string& path, const std::string& what) const {
  if (!n.IsMap()) fail(n, path, "expected " + what + ", got " + found(n));
}

// Checks that every key of map n is allowed, unique and a plain string.
void YamlReader::keys(const YAML::Node& n, const std::string& path, const std::vector<std::string>& allowed) const {
  map(n, path);
  std::set<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string k = it->first.Scalar();
    const std::string kp = join_path(path, printable_token(k));
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      std::string hint = did_you_mean(k, allowed);
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(it->first, kp,
           "unknown key" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; expected one of " + list);
    }
    if (!seen.insert(k).second) fail(it->first, kp, "duplicate key");
  }
}

void YamlReader::unique_keys(const YAML::Node& n, const std::string& path) const {
  std::set<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (!it->first.IsScalar() || k.empty()) fail(it->first, path, "expected a name, got " + found(it->first));
    if (has_control(k))
      fail(it->first, path, "expected a name without control characters (README \"Limits\"), got " + found(it->first));
    if (!seen.insert(k).second) fail(it->first, join_path(path, k), "duplicate key");
  }
}

std::string YamlReader::str(const YAML::Node& n, const std::string& path) const {
  if (!n.IsScalar()) fail(n, path, "expected a string, got " + found(n));
  if (has_control(n.Scalar()))
    fail(n, path, "expected text without control characters (README \"Limits\"), got " + found(n));
  return n.Scalar();
}

double YamlReader::number(const YAML::Node& n, const std::string& path) const {
  if (!n.IsScalar() || !is_number(n.Scalar())) fail(n, path, "expected a number, got " + found(n));
  return std::strtod(n.Scalar().c_str(), nullptr);
}

std::int64_t YamlReader::integer(const YAML::Node& n, const std::string& path, std::int64_t min,
                                 std::int64_t max) const {
  std::string req = expected_integer(min, max);
  if (min == std::numeric_limits<int>::min() && max == std::numeric_limits<int>::max())
    req = "expected an integer (32-bit)";
  if (!n.IsScalar()) fail(n, path, req + ", got " + found(n));
  const std::string& s = n.Scalar();
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE) fail(n, path, req + ", got " + found(n));
  if (v < min || v > max) fail(n, path, req + ", got " + s);
  return v;
}

// A distribution parameter: any finite number (the distribution checks its own range,
// so the message can say "mean: expected a number > 0").
double YamlReader::param(const YAML::Node& n, const std::string& path) const {
  const double v = any_duration(n, path);
  if (!std::isfinite(v)) fail(n, path, "expected a finite duration, got " + found(n));
  return v;
}

// A scalar read as a duration in the model's time unit (any value parse_duration accepts).
double YamlReader::any_duration(const YAML::Node& n, const std::string& path) const {
  if (!n.IsScalar())
    fail(n, path, "expected a duration such as 30min, 8h, 2d or a number of " + time_unit_ + "s, got " + found(n));
  try {
    return parse_duration(n.Scalar(), time_unit_);
  } catch (const std::invalid_argument& e) {
    fail(n, path, std::string(e.what()) + ", got " + found(n));
  }
}

double YamlReader::duration(const YAML::Node& n, const std::string& path, bool allow_inf) const {
  const double v = any_duration(n, path);
  if (std::isinf(v) && !allow_inf) fail(n, path, "expected a finite duration, got " + found(n));
  if (!(v >= 0)) fail(n, path, "expected a duration >= 0, got " + found(n));
  return v;
}

int YamlReader::choice(const YAML::Node& n, const std::string& path, const std::vector<std::string>& names) const {
  const std::string v = str(n, path);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (v == names[i]) return static_cast<int>(i);
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i)
    list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  const std::string hint = did_you_mean(v, names);
  fail(n, path, "expected " + list + ", got " + found(n) + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
}

double YamlReader::probability(const YAML::Node& n, const std::string& path) const {
  if (!n.IsScalar() || !is_number(n.Scalar())) fail(n, path, "expected a probability between 0 and 1, got " + found(n));
  double v = std::strtod(n.Scalar().c_str(), nullptr);
  if (!(v >= 0 && v <= 1)) fail(n, path, "expected a probability between 0 and 1, got " + found(n));
  return v;
}

bool YamlReader::boolean(const YAML::Node& n, const std::string& path) const {
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    if (s == "true" || s == "yes" || s == "on" || s == "True") return true;
    if (s == "false" || s == "no" || s == "off" || s == "False") return false;
  }
  fail(n, path, "expected true or false, got " + found(n));
}

double YamlReader::cost(const YAML::Node& n, const std::string& path) const {
  double c = number(n, path);
  if (!(c >= 0) || !std::isfinite(c)) fail(n, path, "expected a cost >= 0, got " + found(n));
  return c;
}

}  // namespace eslabon
