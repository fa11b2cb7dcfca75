#include <models/config/durations.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace eslabon {

namespace {

// Each name and its length in hours, in the order time_unit_names() gives.
const std::vector<std::pair<std::string, double>>& units() {
  static const std::vector<std::pair<std::string, double>> list = {
      {"s", 1.0 / 3600}, {"sec", 1.0 / 3600},  {"second", 1.0 / 3600}, {"seconds", 1.0 / 3600},
      {"min", 1.0 / 60}, {"minute", 1.0 / 60}, {"minutes", 1.0 / 60},  {"h", 1.0},
      {"hr", 1.0},       {"hour", 1.0},        {"hours", 1.0},         {"d", 24.0},
      {"day", 24.0},     {"days", 24.0},       {"w", 168.0},           {"week", 168.0},
      {"weeks", 168.0}};
  return list;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// A duration's text split into its number and its unit: spaces, a decimal number (a sign, digits
// with a point, or a point and digits, then an optional exponent), spaces, letters, spaces; none
// when the text is not so. Scanned by hand: std::regex recurses once per character, and a long
// value overflowed the stack (found by fuzz_config, tests/fuzz/corpus/config/long_duration.yaml).
std::optional<std::pair<std::string, std::string>> split_duration(std::string_view t) {
  std::size_t i = 0;
  const std::size_t n = t.size();
  auto skip = [&](auto is) {
    const std::size_t from = i;
    while (i < n && is(t[i])) ++i;
    return i - from;
  };
  skip(space);
  const std::size_t start = i;
  if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
  if (skip(digit) > 0) {
    if (i < n && t[i] == '.') {
      ++i;
      skip(digit);
    }
  } else {
    if (i >= n || t[i] != '.') return std::nullopt;
    ++i;
    if (skip(digit) == 0) return std::nullopt;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {  // an exponent, when digits follow (else the unit's letter)
    std::size_t j = i + 1;
    if (j < n && (t[j] == '+' || t[j] == '-')) ++j;
    const std::size_t first = j;
    while (j < n && digit(t[j])) ++j;
    if (j > first) i = j;
  }
  const std::size_t end = i;
  skip(space);
  const std::size_t unit = i;
  skip(letter);
  const std::size_t unit_end = i;
  skip(space);
  if (i != n) return std::nullopt;
  return std::pair{std::string(t.substr(start, end - start)), std::string(t.substr(unit, unit_end - unit))};
}

}  // namespace

double unit_in_hours(const std::string& u) {
  for (const auto& [name, hours] : units())
    if (name == u) return hours;
  return 0.0;
}

const std::vector<std::string>& time_unit_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& [name, hours] : units()) v.push_back(name);
    return v;
  }();
  return names;
}

double parse_duration(const std::string& text, const std::string& time_unit) {
  if (text == "inf" || text == ".inf" || text == "infinity") return std::numeric_limits<double>::infinity();
  const auto parts = split_duration(text);
  if (!parts)
    throw std::invalid_argument("expected a duration such as 30min, 8h, 2d or a number of " + time_unit + "s");
  errno = 0;
  double value = std::strtod(parts->first.c_str(), nullptr);
  if (errno == ERANGE || !std::isfinite(value))
    throw std::invalid_argument("expected a duration within the range of a double (about 1e-300 to 1e300)");
  const std::string& unit = parts->second;
  if (unit.empty()) return value;
  double h = unit_in_hours(unit);
  if (h == 0.0) throw std::invalid_argument("unknown time unit '" + unit + "' (expected s, min, h, d or w)");
  return value * h / unit_in_hours(time_unit);
}

std::string canonical_unit(const std::string& unit) {
  const double h = unit_in_hours(unit);
  return h == 1.0 / 3600 ? "second" : h == 1.0 / 60 ? "minute" : h == 1.0 ? "hour" : h == 24.0 ? "day" : "week";
}

}  // namespace eslabon
