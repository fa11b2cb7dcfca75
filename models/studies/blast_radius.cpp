#include <models/engine/links.hpp>
#include <models/studies/blast_radius.hpp>
#include <models/studies/route_walk.hpp>
#include <models/studies/routes.hpp>

#include <algorithm>
#include <cstddef>

namespace eslabon {
namespace {

// Per flow, where a weak point starts: tasks (they and what follows are reached) and edges (their
// receivers and what follows).
struct Start {
  std::vector<char> task, edge;
  bool any() const {
    return std::find(task.begin(), task.end(), 1) != task.end() || std::find(edge.begin(), edge.end(), 1) != edge.end();
  }
};

Start none(const Flow& f) { return {std::vector<char>(f.tasks.size(), 0), std::vector<char>(f.edges.size(), 0)}; }

BlastFlow reach(const Model& m, const Flow& f, const Start& s) {
  BlastFlow b;
  b.flow = f.name;
  b.customers = f.customers;
  b.order_rate = f.profile.on() ? f.profile.mean : 1.0 / f.interarrival.mean();
  std::vector<char> hit = s.task;
  std::vector<int> stack;
  for (std::size_t k = 0; k < hit.size(); ++k)
    if (hit[k]) stack.push_back(static_cast<int>(k));
  for (std::size_t e = 0; e < s.edge.size(); ++e) {
    const int to = f.edges[e].to;
    if (s.edge[e] && !hit[static_cast<std::size_t>(to)]) {
      hit[static_cast<std::size_t>(to)] = 1;
      stack.push_back(to);
    }
  }
  while (!stack.empty()) {
    const int k = stack.back();
    stack.pop_back();
    for (int n : f.tasks[static_cast<std::size_t>(k)].next)
      if (!hit[static_cast<std::size_t>(n)]) {
        hit[static_cast<std::size_t>(n)] = 1;
        stack.push_back(n);
      }
  }
  std::vector<char> unit(m.units.size(), 0);
  for (std::size_t k = 0; k < hit.size(); ++k)
    if (hit[k]) {
      b.tasks.push_back(f.tasks[k].name);
      unit[static_cast<std::size_t>(f.tasks[k].unit)] = 1;
    }
  for (std::size_t u = 0; u < unit.size(); ++u)
    if (unit[u]) b.units.push_back(m.units[u].name);
  // The orders whose route reaches a starting task or takes a starting handoff.
  double share = 0;
  const auto passes = [&](const Route& r) {
    for (std::size_t k = 0; k < s.task.size(); ++k)
      if (s.task[k] && r.task[k]) {
        share += r.probability;
        return;
      }
    for (std::size_t e = 0; e < s.edge.size(); ++e)
      if (s.edge[e] && r.edge[e]) {
        share += r.probability;
        return;
      }
  };
  if (!for_each_route(f, passes, kMaxRoutes)) {
    const RouteShares rs = route_shares(f);
    share = 0;
    for (std::size_t k = 0; k < s.task.size(); ++k)
      if (s.task[k]) share = std::max(share, rs.task[k]);
    for (std::size_t e = 0; e < s.edge.size(); ++e)
      if (s.edge[e]) share = std::max(share, rs.edge[e]);
    b.share_exact = false;
  }
  b.share = share;
  return b;
}

void add(const Model& m, BlastRadius r, const std::vector<Start>& starts, std::vector<BlastRadius>& out) {
  for (std::size_t f = 0; f < m.flows.size(); ++f)
    if (starts[f].any()) r.flows.push_back(reach(m, m.flows[f], starts[f]));
  out.push_back(std::move(r));
}

}  // namespace

std::vector<BlastRadius> blast_radius(const Model& m) {
  std::vector<BlastRadius> out;
  for (std::size_t l = 0; l < m.links.size(); ++l) {
    const Link& L = m.links[l];
    BlastRadius r{L.key, "link", {}, {}};
#define ESLABON_BLAST_FAULT(Type, fname, ...) \
  if (fault::Type::on(L)) r.faults.push_back(fname);
    ESLABON_LINK_FAULTS(ESLABON_BLAST_FAULT)
#undef ESLABON_BLAST_FAULT
    std::vector<Start> starts;
    for (const Flow& f : m.flows) {
      Start s = none(f);
      for (std::size_t e = 0; e < f.edges.size(); ++e) s.edge[e] = f.edges[e].link == static_cast<int>(l) ? 1 : 0;
      starts.push_back(std::move(s));
    }
    add(m, std::move(r), starts, out);
  }
  for (std::size_t fi = 0; fi < m.flows.size(); ++fi)
    for (std::size_t k = 0; k < m.flows[fi].tasks.size(); ++k) {
      const Task& t = m.flows[fi].tasks[k];
      if (!(t.skip > 0)) continue;
      std::vector<Start> starts;
      for (const Flow& f : m.flows) starts.push_back(none(f));
      starts[fi].task[k] = 1;
      add(m, {m.origins[static_cast<std::size_t>(t.skip_origin)].name, "skip", {"skip"}, {}}, starts, out);
    }
  for (std::size_t u = 0; u < m.units.size(); ++u) {
    const Unit& un = m.units[u];
    BlastRadius r{un.name, "unit", {}, {}};
    if (un.outages) r.faults.push_back("outages");
    if (un.training < 1) r.faults.push_back("training");
    if (un.motivation < 1) r.faults.push_back("motivation");
    if (un.courtesy < 1) r.faults.push_back("courtesy");
    bool harms = false;  // as rank's weak points: a level that slows the unit down or raises its errors
    for (std::size_t i = 0; i < un.pressure.levels.size(); ++i)
      harms = harms || un.pressure.errors[i] > 1 || un.pressure.speedup[i] < 1;
    if (harms) r.faults.push_back("pressure");
    if (r.faults.empty()) continue;
    std::vector<Start> starts;
    for (const Flow& f : m.flows) {
      Start s = none(f);
      for (std::size_t k = 0; k < f.tasks.size(); ++k) s.task[k] = f.tasks[k].unit == static_cast<int>(u) ? 1 : 0;
      starts.push_back(std::move(s));
    }
    add(m, std::move(r), starts, out);
  }
  return out;
}

}  // namespace eslabon
