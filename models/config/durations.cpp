#include <models/config/durations.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <regex>
#include <stdexcept>
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
  static const std::regex re(R"(^\s*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*$)");
  std::string t = text;
  if (t == "inf" || t == ".inf" || t == "infinity") return std::numeric_limits<double>::infinity();
  std::smatch m;
  if (!std::regex_match(t, m, re))
    throw std::invalid_argument("expected a duration such as 30min, 8h, 2d or a number of " + time_unit + "s");
  errno = 0;
  double value = std::strtod(m[1].str().c_str(), nullptr);
  if (errno == ERANGE || !std::isfinite(value))
    throw std::invalid_argument("expected a duration within the range of a double (about 1e-300 to 1e300)");
  std::string unit = m[2].str();
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
