#include <models/config/did_you_mean.hpp>
#include <models/config/distribution_spec.hpp>
#include <models/config/durations.hpp>
#include <models/config/keys.hpp>
#include <models/config/pressure.hpp>
#include <models/config/shifts.hpp>
#include <models/config/units.hpp>

#include <cmath>

namespace eslabon {

void load_units(const YamlReader& r, const YAML::Node& root, Model& m) {
  const YAML::Node units = root["units"];
  if (!units) r.fail(root, "units", "missing; expected a mapping of unit names to {servers: N}");
  r.map(units, "units", "a mapping of unit names to {servers: N}");
  if (units.size() == 0) r.fail(units, "units", "expected at least one unit, got an empty mapping");
  r.unique_keys(units, "units");
  for (auto it = units.begin(); it != units.end(); ++it) {
    Unit u;
    u.name = it->first.Scalar();
    const std::string p = "units." + u.name;
    const YAML::Node n = it->second;
    if (n && !n.IsNull()) {
      r.keys(n, p, config_keys::unit);
      if (n["cost_per_hour"]) {
        double c = r.number(n["cost_per_hour"], p + ".cost_per_hour");
        if (!(c >= 0) || !std::isfinite(c))
          r.fail(n["cost_per_hour"], p + ".cost_per_hour", "expected a cost >= 0, got " + found(n["cost_per_hour"]));
        u.cost_per_time = c * unit_in_hours(r.time_unit());
      }
      if (const YAML::Node s = n["staff"]; s && !s.IsNull()) {
        r.keys(s, p + ".staff", config_keys::staff);
        auto level = [&](const char* key) {
          const YAML::Node v = s[key];
          const double x = r.number(v, p + ".staff." + key);
          if (!(x > 0) || !std::isfinite(x))
            r.fail(v, p + ".staff." + key, "expected a level > 0 (1: the staff the rates describe), got " + found(v));
          return x;
        };
        if (s["training"]) u.training = level("training");
        if (s["motivation"]) u.motivation = level("motivation");
        if (s["courtesy"]) u.courtesy = r.probability(s["courtesy"], p + ".staff.courtesy");
      }
      // `outages: null` is no outages (what `rank` sets to remove a unit's outages).
      if (const YAML::Node o = n["outages"]; o && !o.IsNull()) {
        r.keys(o, p + ".outages", config_keys::outages);
        if (!o["mtbf"])
          r.fail(o, p + ".outages.mtbf", "missing; expected the mean time between failures, e.g. mtbf: 200h");
        if (!o["mttr"])
          r.fail(o, p + ".outages.mttr",
                 "missing; expected the repair time distribution, e.g. mttr: {exponential: {mean: 6h}}");
        u.outages = true;
        u.mtbf = r.duration(o["mtbf"], p + ".outages.mtbf");
        if (!(u.mtbf > 0)) r.fail(o["mtbf"], p + ".outages.mtbf", "expected a duration > 0, got " + found(o["mtbf"]));
        u.mttr = read_distribution(r, o["mttr"], p + ".outages.mttr");
      }
      load_shifts(r, n, p, m.run, u);
      load_pressure(r, n, p, u);
      if (n["servers"]) u.servers = static_cast<int>(r.integer(n["servers"], p + ".servers", 1, 1000000));
      if (n["discipline"])
        u.discipline = static_cast<Discipline>(r.choice(n["discipline"], p + ".discipline", discipline_names()));
      if (n["capacity"]) {
        const YAML::Node c = n["capacity"];
        if (c.IsScalar() && (c.Scalar() == "inf" || c.Scalar() == ".inf"))
          u.capacity = -1;
        else {
          if (!c.IsScalar() || !is_number(c.Scalar()))
            r.fail(c, p + ".capacity", "expected an integer >= 1 or inf, got " + found(c));
          u.capacity = r.integer(c, p + ".capacity", 1);
        }
        if (u.capacity >= 0 && u.capacity < u.servers)
          r.fail(c, p + ".capacity",
                 "expected at least as many places as servers (" + std::to_string(u.servers) + "), got " + c.Scalar());
      }
    }
    m.units.push_back(std::move(u));
  }
}

int unit_ref(const YamlReader& r, const YAML::Node& n, const std::string& path, const Model& m) {
  const std::string name = r.str(n, path);
  const int u = m.unit_index(name);
  if (u >= 0) return u;
  std::vector<std::string> names;
  for (const auto& x : m.units) names.push_back(x.name);
  std::string hint = did_you_mean(name, names);
  r.fail(n, path, "unknown unit '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
}

}  // namespace eslabon
