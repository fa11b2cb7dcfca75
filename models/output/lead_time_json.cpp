#include <models/output/lead_time_json.hpp>
#include <models/studies/blast_radius.hpp>
#include <models/studies/check.hpp>
#include <models/studies/lead_time.hpp>

#include <cmath>
#include <cstddef>

namespace eslabon {
namespace {

nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json lead_time_json(const Model& m) { return lead_time_json(m, check_model(m).lead_times); }

nlohmann::json lead_time_json(const Model& m, const LeadTimes& lt) {
  using nlohmann::json;
  json units = json::object();
  for (std::size_t u = 0; u < m.units.size(); ++u) {
    const UnitQueue& q = lt.units[u];
    units[m.units[u].name] = {{"arrival_rate", number(q.arrival_rate)}, {"servers", q.servers},
                              {"availability", number(q.availability)}, {"capacity_share", number(q.capacity_share)},
                              {"service_mean", number(q.service_mean)}, {"utilisation", number(q.utilisation)},
                              {"arrival_scv", number(q.arrival_scv)},   {"service_scv", number(q.service_scv)},
                              {"wait", number(q.wait)},                 {"method", q.method()}};
  }
  json flows = json::object();
  for (std::size_t fi = 0; fi < m.flows.size(); ++fi) {
    const Flow& f = m.flows[fi];
    const FlowLeadTime& fl = lt.flows[fi];
    json tasks = json::object(), handoffs = json::object(), steps = json::array();
    for (std::size_t k = 0; k < f.tasks.size(); ++k)
      tasks[f.tasks[k].name] = {{"wait", number(fl.tasks[k].wait)},
                                {"service", number(fl.tasks[k].service)},
                                {"time", number(fl.tasks[k].total())}};
    for (std::size_t e = 0; e < f.edges.size(); ++e)
      if (f.edges[e].link >= 0)
        handoffs[f.tasks[static_cast<std::size_t>(f.edges[e].from)].name + "->" +
                 f.tasks[static_cast<std::size_t>(f.edges[e].to)].name] = {{"transit", number(fl.edges[e].transit)},
                                                                          {"redo", number(fl.edges[e].redo)},
                                                                          {"time", number(fl.edges[e].total())}};
    for (const PathStep& s : fl.critical_path)
      steps.push_back({{"name", s.name},
                       {"kind", s.handoff ? "handoff" : "task"},
                       {"unit", s.unit},
                       {"time", number(s.time)},
                       {"share", number(s.share)}});
    flows[f.name] = {{"lead_time", number(fl.estimate)},
                     {"sd", number(fl.sd)},
                     {"late_share", number(fl.late)},
                     {"method", fl.method()},
                     {"due", number(fl.due)},
                     {"notes", fl.notes},
                     {"tasks", tasks},
                     {"handoffs", handoffs},
                     {"critical_path",
                      {{"time", number(fl.critical_time)}, {"share_of_orders", number(fl.critical_share)}, {"steps", steps}}}};
  }
  json blast = json::array();
  for (const BlastRadius& b : blast_radius(m)) {
    json reached = json::object();
    for (const BlastFlow& f : b.flows)
      reached[f.flow] = {{"tasks", f.tasks},
                         {"units", f.units},
                         {"share_of_orders", number(f.share)},
                         {"share_exact", f.share_exact},
                         {"customers", f.customers > 0 ? json(f.customers) : json(nullptr)},
                         {"order_rate", number(f.order_rate)}};
    blast.push_back({{"name", b.name}, {"kind", b.kind}, {"faults", b.faults}, {"flows", reached}});
  }
  return {{"units", units}, {"flows", flows}, {"blast_radius", blast}};
}

}  // namespace eslabon
