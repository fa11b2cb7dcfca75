#include <models/studies/lead_time.hpp>
#include <models/studies/route_walk.hpp>
#include <models/studies/visits.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace eslabon {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Longest path of means over the tasks and handoffs a route takes: the time its last sink is done.
// `weighted` (beyond kMaxRoutes routes): a task reached by several handoffs takes their mean, each
// weighted by its share of orders, in place of the longest.
double longest(const Flow& f, const FlowLeadTime& lt, const std::vector<int>& order, const Route& r,
               const std::vector<double>* weighted = nullptr) {
  std::vector<double> ready(f.tasks.size(), -kInf), weight(f.tasks.size(), 0.0);
  double done = 0;
  for (int ki : order) {
    const std::size_t k = static_cast<std::size_t>(ki);
    if (!r.task[k]) continue;
    if (f.tasks[k].after.empty()) ready[k] = 0;
    if (weighted && weight[k] > 0) ready[k] /= weight[k];
    const double finish = ready[k] + lt.tasks[k].total();
    if (f.tasks[k].next.empty()) done = std::max(done, finish);
    for (int e : f.tasks[k].out) {
      const std::size_t eu = static_cast<std::size_t>(e), to = static_cast<std::size_t>(f.edges[eu].to);
      if (!r.edge[eu]) continue;
      const double at = finish + lt.edges[eu].total();
      if (weighted) {
        const double w = (*weighted)[eu];
        ready[to] = (weight[to] > 0 ? ready[to] : 0.0) + w * at;
        weight[to] += w;
      } else {
        ready[to] = std::max(ready[to], at);
      }
    }
  }
  return done;
}

// The path of the whole task graph (every handoff, routed or not) with the largest sum of times;
// returns the edges on it.
std::vector<char> critical_path(const Model& m, const Flow& f, const std::vector<int>& order, FlowLeadTime& lt) {
  std::vector<double> ready(f.tasks.size(), -kInf);
  std::vector<int> via(f.tasks.size(), -1);  // the edge the longest path comes in by
  int last = -1;
  double best = -kInf;
  for (int ki : order) {
    const std::size_t k = static_cast<std::size_t>(ki);
    if (f.tasks[k].after.empty()) ready[k] = 0;
    const double finish = ready[k] + lt.tasks[k].total();
    if (f.tasks[k].next.empty() && finish > best) {
      best = finish;
      last = ki;
    }
    for (int e : f.tasks[k].out) {
      const std::size_t to = static_cast<std::size_t>(f.edges[static_cast<std::size_t>(e)].to);
      const double at = finish + lt.edges[static_cast<std::size_t>(e)].total();
      if (at > ready[to]) {
        ready[to] = at;
        via[to] = e;
      }
    }
  }
  std::vector<PathStep> steps;
  std::vector<char> on(f.edges.size(), 0);
  for (int k = last; k >= 0;) {
    const Task& t = f.tasks[static_cast<std::size_t>(k)];
    steps.push_back({t.name, false, m.units[static_cast<std::size_t>(t.unit)].name,
                     lt.tasks[static_cast<std::size_t>(k)].total(), 0});
    const int e = via[static_cast<std::size_t>(k)];
    if (e < 0) break;
    const Edge& ed = f.edges[static_cast<std::size_t>(e)];
    on[static_cast<std::size_t>(e)] = 1;
    if (ed.link >= 0 && lt.edges[static_cast<std::size_t>(e)].total() > 0)  // a handoff that takes time
      steps.push_back({f.tasks[static_cast<std::size_t>(ed.from)].name + "->" + t.name, true, "",
                       lt.edges[static_cast<std::size_t>(e)].total(), 0});
    k = ed.from;
  }
  std::reverse(steps.begin(), steps.end());
  lt.critical_time = best;
  for (PathStep& s : steps) s.share = best > 0 && std::isfinite(best) ? s.time / best : 0.0;
  lt.critical_path = std::move(steps);
  return on;
}

void add_note(FlowLeadTime& lt, const std::string& note) {
  if (std::find(lt.notes.begin(), lt.notes.end(), note) == lt.notes.end()) lt.notes.push_back(note);
}

// What this flow's estimate leaves out or approximates, beyond QNA itself.
void notes(const Model& m, const Flow& f, const FlowVisits& v, const std::vector<UnitQueue>& q, FlowLeadTime& lt) {
  int links = 0;
  bool skip_defects = false;
  for (std::size_t k = 0; k < f.tasks.size(); ++k) {
    if (!(v.shares.task[k] > 0)) continue;
    const Task& t = f.tasks[k];
    const std::size_t u = static_cast<std::size_t>(t.unit);
    const Unit& un = m.units[u];
    if (!std::isfinite(q[u].wait)) add_note(lt, "unit " + un.name + " cannot keep up (utilisation >= 1 or a handoff never gets through)");
    if (un.outages) add_note(lt, "outages at " + un.name + ": work stretched by 1 / availability, the wait through an outage and its backlog added");
    if (un.has_shifts()) add_note(lt, "shifts at " + un.name + ": servers at the week's mean, plus the wait for it to open");
    if (un.discipline != Discipline::Fifo)
      add_note(lt, std::string("discipline ") + to_string(un.discipline) + " at " + un.name + ": the mean wait of all its work (as fifo)");
    if (un.has_pressure()) add_note(lt, "pressure at " + un.name + ": left out (level 0)");
    if (un.capacity >= 0) add_note(lt, "capacity of " + un.name + ": left out (no order lost)");
    skip_defects = skip_defects || (t.skip > 0 && t.skip_defect > 0);
  }
  for (const Edge& e : f.edges)
    if (e.link >= 0) {
      ++links;
      const Link& L = m.links[static_cast<std::size_t>(e.link)];
      if (std::isfinite(L.active_end) || L.active_begin > 0) add_note(lt, "link " + L.key + ": faults on at all times (active window left out)");
    }
  if (links > 1 || (links > 0 && skip_defects))
    add_note(lt, "defects carried from further upstream and caught at a later handoff: left out");
  if (f.customers > 0) add_note(lt, "finite customer base at its full size (as the offered load)");
  if (f.profile.on()) add_note(lt, "rate profile at its long-run average");
  if (f.has_patience) add_note(lt, "patience: left out (nobody reneges)");
  if (!lt.routes_exact) add_note(lt, "more than 65536 routes: a task reached by several handoffs takes their weighted mean");
}

}  // namespace

LeadTimes lead_times(const Model& m) {
  LeadTimes out;
  const std::vector<FlowVisits> visits = flow_visits(m);
  out.units = unit_queues(m, visits);
  const std::vector<UnitQueue>& q = out.units;
  for (std::size_t fi = 0; fi < m.flows.size(); ++fi) {
    const Flow& f = m.flows[fi];
    const FlowVisits& v = visits[fi];
    FlowLeadTime lt;
    lt.flow = f.name;
    lt.due = f.due;
    lt.tasks.resize(f.tasks.size());
    lt.edges.resize(f.edges.size());
    bool exact = true;
    for (std::size_t k = 0; k < f.tasks.size(); ++k) {
      const UnitQueue& Q = q[static_cast<std::size_t>(f.tasks[k].unit)];
      const TaskVisits& tv = v.tasks[k];
      lt.tasks[k].wait = tv.skip < 1 ? (1 - tv.skip) * Q.wait : 0.0;
      lt.tasks[k].service = (1 - tv.skip) * tv.first.mean / Q.availability;
      if (v.shares.task[k] > 0) exact = exact && Q.exact && (tv.first.exponential || tv.skip >= 1);
    }
    for (std::size_t e = 0; e < f.edges.size(); ++e) {
      const HandoffVisits& h = v.edges[e];
      if (f.edges[e].link < 0) continue;
      const std::size_t k = static_cast<std::size_t>(f.edges[e].from);
      const UnitQueue& Q = q[static_cast<std::size_t>(f.tasks[k].unit)];
      if (h.faulty) {
        lt.edges[e].transit = kInf;
        continue;
      }
      lt.edges[e].transit = h.attempts * h.transit;
      const double full = h.full_redos > 0 ? h.full_redos * (Q.wait + v.tasks[k].own.mean / Q.availability) : 0.0;
      const double rework = h.reworks > 0 ? h.reworks * (Q.wait + h.rework.mean / Q.availability) : 0.0;
      lt.edges[e].redo = full + rework;
    }
    const std::vector<int> order = topological(f);
    bool joins = false;
    double estimate = 0;
    std::vector<int> in(f.tasks.size());
    const auto add = [&](const Route& r) {
      estimate += r.probability * longest(f, lt, order, r);
      std::fill(in.begin(), in.end(), 0);  // a join: a task the route reaches by two handoffs or more
      for (std::size_t e = 0; e < f.edges.size(); ++e)
        if (r.edge[e] && ++in[static_cast<std::size_t>(f.edges[e].to)] > 1) joins = true;
    };
    lt.routes_exact = for_each_route(f, add, kMaxRoutes);
    if (!lt.routes_exact) {
      Route all;
      all.edge.assign(f.edges.size(), 1);
      all.task.assign(f.tasks.size(), 1);
      estimate = longest(f, lt, order, all, &v.shares.edge);
      joins = true;
    }
    lt.estimate = estimate;
    lt.exact = exact && !joins;
    if (joins) add_note(lt, "joins: the longest path of means (a lower bound on the mean of the longest branch)");
    // The share of orders whose route takes every handoff of the critical path.
    const std::vector<char> on = critical_path(m, f, order, lt);
    double share = 0;
    const auto takes = [&](const Route& r) {
      for (std::size_t e = 0; e < on.size(); ++e)
        if (on[e] && !r.edge[e]) return;
      share += r.probability;
    };
    if (!for_each_route(f, takes, kMaxRoutes)) {
      share = 1;  // beyond the limit: the product of the route probabilities along it
      for (std::size_t e = 0; e < on.size(); ++e)
        if (on[e] && f.tasks[static_cast<std::size_t>(f.edges[e].from)].routes) share *= f.route[e];
    }
    lt.critical_share = share;
    notes(m, f, v, q, lt);
    out.flows.push_back(std::move(lt));
  }
  return out;
}

}  // namespace eslabon
