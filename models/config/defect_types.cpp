#include <models/config/defect_types.hpp>
#include <models/config/did_you_mean.hpp>
#include <models/config/keys.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace eslabon {

void load_defect_types(const YamlReader& r, const YAML::Node& root, Model& m) {
  const YAML::Node d = root["defect_types"];
  if (!d || d.IsNull()) return;
  const std::string p = "defect_types";
  r.map(d, p, "a mapping of type names to {visible, detect, complain, ..., cost}, least severe first");
  if (d.size() == 0) r.fail(d, p, "expected at least one type, got an empty mapping");
  r.unique_keys(d, p);
  if (d.size() > 250) r.fail(d, p, "expected at most 250 types, got " + std::to_string(d.size()));
  const double unset = std::numeric_limits<double>::quiet_NaN();
  for (auto it = d.begin(); it != d.end(); ++it) {
    DefectType t;
    t.name = it->first.Scalar();
    const std::string tp = p + "." + t.name;
    // '.' separates the parts of a --set path (links.A->B.defect.TYPE), ':' the type in an origin's name.
    if (t.name.find_first_of(".:") != std::string::npos)
      r.fail(it->first, tp, "expected a type name without '.' or ':', got '" + t.name + "'");
    t.visible = t.complain = t.churn_if_resolved = t.churn_if_unresolved = t.churn_if_silent = unset;
    const YAML::Node n = it->second;
    if (n && !n.IsNull()) {
      r.keys(n, tp, config_keys::defect_type);
      if (n["visible"]) t.visible = r.probability(n["visible"], tp + ".visible");
      if (n["detect"]) t.detect = r.probability(n["detect"], tp + ".detect");
      if (n["complain"]) t.complain = r.probability(n["complain"], tp + ".complain");
      if (n["churn_if_resolved"])
        t.churn_if_resolved = r.probability(n["churn_if_resolved"], tp + ".churn_if_resolved");
      if (n["churn_if_unresolved"])
        t.churn_if_unresolved = r.probability(n["churn_if_unresolved"], tp + ".churn_if_unresolved");
      if (n["churn_if_silent"]) t.churn_if_silent = r.probability(n["churn_if_silent"], tp + ".churn_if_silent");
      if (n["cost"]) t.cost = r.cost(n["cost"], tp + ".cost");
    }
    m.defect_types.push_back(std::move(t));
  }
}

void resolve_defect_types(const YamlReader& r, const YAML::Node& root, Model& m) {
  const Complaints& c = m.complaints;
  for (DefectType& t : m.defect_types) {
    const std::string tp = "defect_types." + t.name;
    if (!c.enabled) {
      // Without a complaints section nobody complains or leaves (and there is no desk).
      const std::pair<const char*, double> reactions[] = {{"complain", t.complain},
                                                          {"churn_if_resolved", t.churn_if_resolved},
                                                          {"churn_if_unresolved", t.churn_if_unresolved},
                                                          {"churn_if_silent", t.churn_if_silent}};
      for (const auto& [key, value] : reactions)
        if (!std::isnan(value)) {
          const YAML::Node types = root["defect_types"];
          r.fail(types[t.name][key], tp + "." + key,
                 "needs a complaints section (without one, dissatisfied customers neither complain nor leave)");
        }
    }
    auto fill = [](double& x, double d) {
      if (std::isnan(x)) x = d;
    };
    fill(t.visible, c.visible);
    fill(t.complain, c.complain);
    fill(t.churn_if_resolved, c.churn_if_resolved);
    fill(t.churn_if_unresolved, c.churn_if_unresolved);
    fill(t.churn_if_silent, c.churn_if_silent);
  }
}

double read_typed_defects(const YamlReader& r, const YAML::Node& n, const std::string& path, const Model& m,
                          std::vector<TypedDefect>& out) {
  if (n.size() == 0) r.fail(n, path, "expected at least one defect type, got an empty mapping");
  r.unique_keys(n, path);
  std::vector<std::string> names;
  for (const DefectType& t : m.defect_types) names.push_back(t.name);
  std::vector<double> p(names.size(), -1.0);
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string name = it->first.Scalar();
    const auto pos = std::find(names.begin(), names.end(), name);
    if (pos == names.end()) {
      const std::string hint = did_you_mean(name, names);
      std::string list;
      for (const auto& x : names) list += (list.empty() ? "" : ", ") + x;
      r.fail(it->first, path + "." + name,
             "unknown defect type '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                 (names.empty() ? "; declare it under defect_types" : "; expected one of " + list));
    }
    p[static_cast<std::size_t>(pos - names.begin())] = r.probability(it->second, path + "." + name);
  }
  // In severity order (the order defect_types declares), whatever the order of the link's map.
  double upto = 0;
  for (std::size_t k = 0; k < p.size(); ++k)
    if (p[k] >= 0) {
      upto += p[k];
      out.push_back(TypedDefect{static_cast<int>(k), p[k], upto, -1});
    }
  if (upto > 1 + 1e-12) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.12g", upto);
    r.fail(n, path, std::string("expected probabilities that sum to at most 1, got a sum of ") + buf);
  }
  return upto;
}

}  // namespace eslabon
