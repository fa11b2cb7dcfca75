#include <models/config/scenarios.hpp>

#include <models/config/keys.hpp>

#include <cmath>

namespace eslabon {

void load_scenarios(const YamlReader& r, const YAML::Node& root, Model& m, const CheckChanges& check) {
  const YAML::Node sc = root["scenarios"];
  if (!sc || sc.IsNull()) return;
  r.map(sc, "scenarios", "a mapping of scenario names to {PATH: VALUE, ...}");
  r.unique_keys(sc, "scenarios");
  for (auto it = sc.begin(); it != sc.end(); ++it) {
    const std::string name = it->first.Scalar();
    const std::string p = "scenarios." + name;
    const YAML::Node changes = it->second;
    r.map(changes, p, "a mapping of config paths to values, e.g. {units.production.servers: 5}");
    Scenario s;
    s.name = name;
    for (auto c = changes.begin(); c != changes.end(); ++c) {
      const std::string path = c->first.Scalar();
      // `cost` is no config path (the root has no such key), so it can name what the scenario
      // costs per time unit without clashing with a change.
      if (path == config_keys::scenario[0]) {
        const double cost = r.number(c->second, p + ".cost");
        if (!(cost >= 0) || !std::isfinite(cost))
          r.fail(c->second, p + ".cost", "expected a cost per time unit >= 0, got " + found(c->second));
        s.cost = cost;
        continue;
      }
      if (path.rfind("scenarios", 0) == 0) r.fail(c->first, p + "." + path, "a scenario cannot change scenarios");
      YAML::Emitter out;
      out << YAML::Flow << c->second;
      Override ov{path, out.c_str(), ""};
      try {
        std::vector<Override> ovs = r.overrides();
        ovs.push_back(ov);
        check(ovs);
      } catch (const ConfigError& e) {
        std::string msg = e.what();
        const std::string prefix = "--set " + ov.path + "=" + ov.value + ": ";
        if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
        r.fail(c->second, p + "." + path, "this change does not give a valid model: " + msg);
      }
      s.changes.push_back(ov);
    }
    m.scenarios.push_back(std::move(s));
  }
}

}  // namespace eslabon
