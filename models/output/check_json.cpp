#include <models/output/check_json.hpp>
#include <models/output/lead_time_json.hpp>

#include <nlohmann/json.hpp>

#include <cmath>

namespace eslabon {
namespace {

using Json = nlohmann::ordered_json;

Json number(double x) {
  if (std::isfinite(x)) return x;
  return nullptr;
}

Json count(int n) { return n < 0 ? Json(nullptr) : Json(n); }

Json units_json(const Model& m, const CheckReport& r) {
  Json out = Json::object();
  for (std::size_t u = 0; u < m.units.size(); ++u) {
    const Unit& un = m.units[u];
    const UnitLoad& l = r.analysis.units[u];
    const bool unstable = l.utilisation >= 1 && un.capacity < 0;
    out[un.name] = {{"servers", un.servers},
                    {"mean_servers", number(l.servers)},
                    {"discipline", to_string(un.discipline)},
                    {"capacity", un.capacity < 0 ? Json(nullptr) : Json(un.capacity)},
                    {"availability", number(l.availability)},
                    {"arrival_rate", number(l.arrival_rate)},
                    {"work_rate", number(l.work_rate)},
                    {"utilisation", number(l.utilisation)},
                    {"busy_servers", number(l.work_rate / l.availability)},
                    {"unstable", unstable},
                    {"servers_for_stable", count(servers_needed(l, 1.0, true))},
                    {"servers_for_comfortable", count(servers_needed(l, kComfortableUtilisation, false))}};
  }
  return out;
}

Json flows_json(const Model& m, const CheckReport& r) {
  Json out = Json::object();
  for (std::size_t i = 0; i < m.flows.size(); ++i) {
    const Flow& f = m.flows[i];
    const FlowLoad& fl = r.analysis.flows[i];
    const CustomerFigures& c = fl.customers;
    Json tasks = Json::object();
    for (std::size_t k = 0; k < f.tasks.size(); ++k) {
      const TaskTraffic& t = fl.traffic.tasks[k];
      tasks[f.tasks[k].name] = {{"unit", m.units[static_cast<std::size_t>(f.tasks[k].unit)].name},
                                {"reached", number(t.reached)},
                                {"served", number(t.served)},
                                {"redos", number(t.redos)},
                                {"full_redos", number(t.full_redos)},
                                {"work", number(t.work)}};
    }
    out[f.name] = {{"arrival_rate", number(fl.arrival_rate)},
                   {"customer_base", number(fl.customer_base)},
                   {"customer_base_steady", fl.base_steady},
                   {"late_share", number(fl.late)},
                   {"rework_per_order", number(fl.reworks)},
                   {"defect_escape_rate", number(c.defect_escape)},
                   {"visible_defect_rate", number(c.visible_defect)},
                   {"discourtesy_rate", number(c.discourtesy)},
                   {"dissatisfied_rate", number(c.dissatisfied)},
                   {"complaint_rate", number(c.complaint)},
                   {"churn_rate", number(c.churn)},
                   {"sequential", fl.traffic.sequential},
                   {"tasks", std::move(tasks)}};
  }
  return out;
}

Json links_json(const Model& m, const CheckReport& r) {
  Json out = Json::object();
  for (std::size_t i = 0; i < m.links.size(); ++i) {
    const Link& L = m.links[i];
    const LinkLoad& l = r.analysis.links[i];
    out[L.key] = {{"defect", number(L.defect)},     {"detect", number(L.detect)},
                  {"on_detect", to_string(L.on_detect)}, {"handoff_rate", number(l.handoffs)},
                  {"defect_rate", number(l.defects)},    {"caught_rate", number(l.caught)},
                  {"lost_rate", number(l.lost)},         {"false_alarm_rate", number(l.false_alarms)}};
  }
  return out;
}

}  // namespace

std::string check_json(const Model& m, const CheckReport& r, int indent) {
  Json doc = {{"model", m.name}, {"time_unit", m.time_unit}};
  doc["units"] = units_json(m, r);
  doc["flows"] = flows_json(m, r);
  doc["links"] = links_json(m, r);
  const Complaints& cs = m.complaints;
  doc["complaints"] = cs.enabled && cs.unit >= 0 ? Json{{"unit", m.units[static_cast<std::size_t>(cs.unit)].name},
                                                        {"rate", number(r.analysis.complaint_rate)}}
                                                  : Json(nullptr);
  Json unstable = Json::array();
  for (const Overload& o : r.overloaded) unstable.push_back(m.units[o.unit].name);
  doc["unstable"] = std::move(unstable);
  doc["warnings"] = r.warnings;
  doc["notes"] = r.analysis.notes;
  doc["estimates"] = lead_time_json(m, r.lead_times);  // waits, lead times, critical paths, blast radii
  return doc.dump(indent);
}

}  // namespace eslabon
