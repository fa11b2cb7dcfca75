#include <models/config/keys.hpp>
#include <models/config/pressure.hpp>

#include <eslabon/core/number_format.hpp>

#include <cmath>

namespace eslabon {

namespace {

// A list of finite numbers, one per level when `count` > 0.
std::vector<double> numbers(const YamlReader& r, const YAML::Node& n, const std::string& path, std::size_t count) {
  if (!n.IsSequence() || n.size() == 0)
    r.fail(n, path, "expected a list of numbers, one per level, e.g. [0, 5, 10], got " + found(n));
  if (count > 0 && n.size() != count)
    r.fail(n, path,
           "expected " + std::to_string(count) + " " + noun(static_cast<double>(count), "value") +
               " (one per level), got " + std::to_string(n.size()));
  std::vector<double> v;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const double x = r.number(n[i], path + "[" + std::to_string(i) + "]");
    if (!std::isfinite(x))
      r.fail(n[i], path + "[" + std::to_string(i) + "]", "expected a finite number, got " + found(n[i]));
    v.push_back(x);
  }
  return v;
}

// speedup or errors: one multiplier > 0 per level, all 1 when absent.
std::vector<double> multipliers(const YamlReader& r, const YAML::Node& p, const std::string& path, const char* key,
                                std::size_t count) {
  if (!p[key]) return std::vector<double>(count, 1.0);
  const std::string at = path + "." + key;
  std::vector<double> v = numbers(r, p[key], at, count);
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!(v[i] > 0))
      r.fail(p[key][i], at + "[" + std::to_string(i) + "]", "expected a multiplier > 0, got " + found(p[key][i]));
  return v;
}

}  // namespace

void load_pressure(const YamlReader& r, const YAML::Node& n, const std::string& path, Unit& u) {
  const YAML::Node p = n["pressure"];
  if (!p || p.IsNull()) return;  // `pressure: null` is off (what `rank` sets to fix it)
  const std::string at = path + ".pressure";
  r.map(p, at, "a mapping {measure, levels, speedup, errors}");
  r.keys(p, at, config_keys::pressure);
  Unit::Pressure& q = u.pressure;
  if (!p["measure"]) r.fail(p, at + ".measure", "missing; expected queue, wip or utilisation");
  q.measure =
      static_cast<Unit::Pressure::Measure>(r.choice(p["measure"], at + ".measure", {"queue", "wip", "utilisation"}));
  const bool moving = q.measure == Unit::Pressure::Measure::Utilisation;
  if (moving && !p["window"])
    r.fail(p, at + ".window",
           "missing; expected the time constant of the moving average of utilisation, e.g. window: 8h");
  if (!moving && p["window"]) r.fail(p["window"], at + ".window", "expected no window: it is for measure: utilisation");
  if (moving) {
    q.window = r.duration(p["window"], at + ".window");
    if (!(q.window > 0)) r.fail(p["window"], at + ".window", "expected a duration > 0, got " + found(p["window"]));
  }
  if (!p["levels"]) r.fail(p, at + ".levels", "missing; expected the measure's thresholds, e.g. levels: [0, 5, 10]");
  q.levels = numbers(r, p["levels"], at + ".levels", 0);
  if (q.levels[0] != 0)
    r.fail(p["levels"][0], at + ".levels[0]",
           "expected 0 (the first level holds from no load), got " + found(p["levels"][0]));
  for (std::size_t i = 1; i < q.levels.size(); ++i)
    if (!(q.levels[i] > q.levels[i - 1]))
      r.fail(p["levels"][i], at + ".levels[" + std::to_string(i) + "]",
             "expected a level above the one before (levels increase), got " + found(p["levels"][i]));
  q.speedup = multipliers(r, p, at, "speedup", q.levels.size());
  q.errors = multipliers(r, p, at, "errors", q.levels.size());
}

}  // namespace eslabon
