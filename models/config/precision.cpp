#include <models/config/precision.hpp>

#include <models/config/did_you_mean.hpp>
#include <models/config/keys.hpp>
#include <models/engine/kpis.hpp>  // the KPI names only: the result vocabulary, spelled once

#include <cmath>
#include <cstdlib>

namespace eslabon {

void load_warmup(const YamlReader& r, const YAML::Node& run, RunSettings& s) {
  const YAML::Node n = run["warmup"];
  if (n.IsScalar() && n.Scalar() == "auto") {
    s.warmup_auto = true;
    s.warmup = 0;
    return;
  }
  // A word close to `auto` is a slip for it; anything else gets the duration's own message.
  if (n.IsScalar() && !is_number(n.Scalar()) && !did_you_mean(n.Scalar(), {"auto"}).empty())
    r.fail(n, "run.warmup", "expected a duration or auto, got " + found(n) + " (did you mean 'auto'?)");
  s.warmup = r.duration(n, "run.warmup");
  if (!(s.warmup < s.horizon))
    r.fail(n, "run.warmup",
           "expected a duration shorter than run.horizon (" + run["horizon"].Scalar() + "), got " + found(n));
}

namespace {

double positive_number(const YamlReader& r, const YAML::Node& n, const std::string& path, const std::string& what) {
  if (!n.IsScalar() || !is_number(n.Scalar())) r.fail(n, path, "expected " + what + ", got " + found(n));
  const double v = std::strtod(n.Scalar().c_str(), nullptr);
  if (!(v > 0) || !std::isfinite(v)) r.fail(n, path, "expected " + what + ", got " + found(n));
  return v;
}

}  // namespace

void load_replications(const YamlReader& r, const YAML::Node& n, RunSettings& s) {
  if (!n.IsMap()) {
    s.replications = static_cast<int>(r.integer(n, "run.replications", 1, kMaxReplications));
    return;
  }
  r.keys(n, "run.replications", config_keys::until);
  if (!n["until"])
    r.fail(n, "run.replications.until",
           "missing; expected the target 95% CI half-width as a share of the mean, e.g. until: 0.02");
  s.until = positive_number(r, n["until"], "run.replications.until",
                            "a number > 0 (the 95% CI half-width as a share of the KPI's mean, e.g. 0.02)");
  if (n["kpi"]) {
    const YAML::Node k = n["kpi"];
    const std::string name = r.str(k, "run.replications.kpi");
    std::vector<std::string> names(kpi_names().begin(), kpi_names().end());
    bool known = false;
    for (const auto& x : names) known = known || x == name;
    if (!known) {
      const std::string hint = did_you_mean(name, names);
      std::string list;  // every KPI: what the stopping rule can watch
      for (const auto& x : names) list += (list.empty() ? "" : ", ") + x;
      r.fail(k, "run.replications.kpi",
             "unknown KPI " + found(k) + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                 "; expected one of " + list);
    }
    s.until_kpi = name;
  }
  if (n["min"]) s.until_min = static_cast<int>(r.integer(n["min"], "run.replications.min", 2, kMaxReplications));
  if (n["max"]) s.until_max = static_cast<int>(r.integer(n["max"], "run.replications.max", 2, kMaxReplications));
  if (s.until_max < s.until_min) {
    const YAML::Node& at = n["max"] ? n["max"] : n["min"];
    r.fail(at, n["max"] ? "run.replications.max" : "run.replications.min",
           "expected max >= min, got min " + std::to_string(s.until_min) + " and max " + std::to_string(s.until_max));
  }
  s.replications = s.until_min;
}

void load_max_wip(const YamlReader& r, const YAML::Node& n, RunSettings& s) {
  s.max_wip = static_cast<std::uint64_t>(r.integer(n, "run.max_wip", 1, 4000000000LL));
}

void load_max_events(const YamlReader& r, const YAML::Node& n, RunSettings& s) {
  s.max_events = static_cast<std::uint64_t>(r.integer(n, "run.max_events", 1, kMaxEventsLimit));
}

}  // namespace eslabon
