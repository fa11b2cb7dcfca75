#include <models/config/defect_types.hpp>
#include <models/config/did_you_mean.hpp>
#include <models/config/distribution_spec.hpp>
#include <models/config/keys.hpp>
#include <models/config/links.hpp>

#include <algorithm>

namespace eslabon {

void load_links(const YamlReader& r, const YAML::Node& root, Model& m) {
  const YAML::Node links = root["links"];
  if (!links || links.IsNull()) return;
  if (!links.IsSequence())
    r.fail(links, "links", "expected a list of {from, to, defect, detect, ...}, got " + found(links));
  std::vector<std::string> task_names, unit_names, both;
  for (const auto& f : m.flows)
    for (const auto& t : f.tasks)
      if (std::find(task_names.begin(), task_names.end(), t.name) == task_names.end()) task_names.push_back(t.name);
  for (const auto& u : m.units) unit_names.push_back(u.name);
  both = task_names;
  both.insert(both.end(), unit_names.begin(), unit_names.end());
  // Which edge each link covers: edge_link[flow][edge] = link index.
  for (std::size_t i = 0; i < links.size(); ++i) {
    const YAML::Node n = links[i];
    std::string p = "links." + std::to_string(i);
    if (n.IsMap() && n["from"] && n["to"] && n["from"].IsScalar() && n["to"].IsScalar())
      p = "links." + n["from"].Scalar() + "->" + n["to"].Scalar();
    r.keys(n, p, link_keys());
    Link L;
    if (!n["from"]) r.fail(n, p + ".from", "missing; expected the supplier task or unit");
    if (!n["to"]) r.fail(n, p + ".to", "missing; expected the receiving task or unit");
    L.from = r.str(n["from"], p + ".from");
    L.to = r.str(n["to"], p + ".to");
    L.key = L.from + "->" + L.to;
    for (std::size_t j = 0; j < m.links.size(); ++j)
      if (m.links[j].key == L.key)
        r.fail(n, p, "duplicate link " + L.key + " (also links item " + std::to_string(j) + ")");
    auto side = [&](const std::string& name, const YAML::Node& node, const std::string& what) {
      bool is_task = std::find(task_names.begin(), task_names.end(), name) != task_names.end();
      bool is_unit = std::find(unit_names.begin(), unit_names.end(), name) != unit_names.end();
      if (!is_task && !is_unit) {
        std::string hint = did_you_mean(name, both);
        r.fail(node, p + "." + what,
               "unknown task or unit '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      }
      return is_task;  // a task name wins over a unit of the same name
    };
    const bool from_task = side(L.from, n["from"], "from");
    const bool to_task = side(L.to, n["to"], "to");
    if (n["defect"]) {
      // A probability (an untyped defect), or a map of the declared types (README "Weak links").
      if (n["defect"].IsMap())
        L.defect = read_typed_defects(r, n["defect"], p + ".defect", m, L.defect_types);
      else
        L.defect = r.probability(n["defect"], p + ".defect");
    }
    if (n["detect"]) L.detect = r.probability(n["detect"], p + ".detect");
    if (n["on_detect"])
      L.on_detect = static_cast<OnDetect>(r.choice(n["on_detect"], p + ".on_detect", on_detect_names()));
    if (n["rework_service"]) {
      L.has_rework_service = true;
      L.rework_service = read_distribution(r, n["rework_service"], p + ".rework_service");
    }
    if (n["fix_service"]) {
      L.has_fix_service = true;
      L.fix_service = read_distribution(r, n["fix_service"], p + ".fix_service");
    }
    if (L.on_detect == OnDetect::Fix && !L.has_fix_service)
      r.fail(n, p + ".fix_service", "missing; on_detect: fix needs fix_service (the extra work at the receiver)");
    if (n["delay"]) {
      L.delay = read_distribution(r, n["delay"], p + ".delay");
      // A delay of exactly 0 is no delay: the handoff happens at once, as without the key.
      L.has_delay = !(L.delay.kind() == Distribution::Kind::Deterministic && L.delay.mean() == 0);
    }
    if (n["lost"]) L.lost = r.probability(n["lost"], p + ".lost");
    if (n["false_alarm"]) L.false_alarm = r.probability(n["false_alarm"], p + ".false_alarm");
    if (n["inspection_cost"]) L.inspection_cost = r.cost(n["inspection_cost"], p + ".inspection_cost");
    if (n["timeout"]) {
      L.timeout = r.duration(n["timeout"], p + ".timeout");
      if (!(L.timeout > 0)) r.fail(n["timeout"], p + ".timeout", "expected a duration > 0, got " + found(n["timeout"]));
    }
    if (L.lost > 0 && !n["timeout"])
      r.fail(n, p + ".timeout", "missing; lost needs timeout (how long until the receiver notices a lost handoff)");
    if (const YAML::Node sla = n["sla"]) {
      // A duration (the level measured), or a contract: {within, share, penalty}.
      const YAML::Node within = sla.IsMap() ? sla["within"] : sla;
      const std::string wp = p + (sla.IsMap() ? ".sla.within" : ".sla");
      if (sla.IsMap()) {
        r.keys(sla, p + ".sla", config_keys::sla);
        if (!within) r.fail(sla, wp, "missing; a contract needs within (the promised time, e.g. 8h)");
        if (sla["share"]) L.sla_share = r.probability(sla["share"], p + ".sla.share");
        if (sla["penalty"]) L.sla_penalty = r.cost(sla["penalty"], p + ".sla.penalty");
      }
      L.sla = r.duration(within, wp, true);
      if (!(L.sla > 0)) r.fail(within, wp, "expected a duration > 0, got " + found(within));
    }
    if (const YAML::Node w = n["active"]) {
      if (!w.IsSequence() || w.size() != 2) r.fail(w, p + ".active", "expected [start, end], got " + found(w));
      L.active_begin = r.duration(w[0], p + ".active.0");
      L.active_end = r.duration(w[1], p + ".active.1", true);
      if (!(L.active_end > L.active_begin))
        r.fail(w[1], p + ".active",
               "expected a window whose end comes after its start (" + w[0].Scalar() + "), got " + found(w[1]));
    }
    // Cover the handoffs.
    const int li = static_cast<int>(m.links.size());
    int covered = 0;
    for (auto& f : m.flows)
      for (auto& e : f.edges) {
        const Task& a = f.tasks[e.from];
        const Task& b = f.tasks[e.to];
        bool fm = from_task ? a.name == L.from : m.units[a.unit].name == L.from;
        bool tm = to_task ? b.name == L.to : m.units[b.unit].name == L.to;
        if (!fm || !tm) continue;
        if (e.link >= 0)
          r.fail(n, p,
                 "the handoff " + a.name + " -> " + b.name + " in flow " + f.name + " is already covered by link " +
                     m.links[e.link].key);
        e.link = li;
        ++covered;
      }
    if (covered == 0)
      r.fail(n, p,
             "expected a link between a task and one that comes after it, found no handoff from " + L.from + " to " +
                 L.to + " in any flow (is `to` after `from`?)");
    L.origin = static_cast<int>(m.origins.size());
    m.origins.push_back(Origin{L.key, li, -1, -1});
    // Each type of its defects is an origin of its own, after the link's (which keeps its lost
    // handoffs, false alarms, inspection and contract costs).
    for (TypedDefect& d : L.defect_types) {
      d.origin = static_cast<int>(m.origins.size());
      m.origins.push_back(
          Origin{L.key + ":" + m.defect_types[static_cast<std::size_t>(d.type)].name, li, -1, -1, d.type});
    }
    m.links.push_back(std::move(L));
  }
}

}  // namespace eslabon
