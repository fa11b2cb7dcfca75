#include <models/studies/lead_time.hpp>
#include <models/studies/route_walk.hpp>
#include <models/studies/visits.hpp>

#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace eslabon {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Span {
  double mean = 0, variance = 0;
};

// Longest path of means over the tasks and handoffs a route takes: the time its last sink is done,
// with the variance summed along that path. `weighted` (beyond kMaxRoutes routes): a task reached
// by several handoffs takes their mean, each weighted by its share of orders, in place of the longest.
Span longest(const Flow& f, const FlowLeadTime& lt, const std::vector<int>& order, const Route& r,
             const std::vector<double>* weighted = nullptr) {
  std::vector<Span> ready(f.tasks.size(), {-kInf, 0});
  std::vector<double> weight(f.tasks.size(), 0.0);
  Span done;
  for (int ki : order) {
    const std::size_t k = static_cast<std::size_t>(ki);
    if (!r.task[k]) continue;
    if (f.tasks[k].after.empty()) ready[k] = {};
    if (weighted && weight[k] > 0) ready[k] = {ready[k].mean / weight[k], ready[k].variance / weight[k]};
    const Span finish{ready[k].mean + lt.tasks[k].total(), ready[k].variance + lt.tasks[k].variance};
    if (f.tasks[k].next.empty() && finish.mean >= done.mean) done = finish;
    for (int e : f.tasks[k].out) {
      const std::size_t eu = static_cast<std::size_t>(e), to = static_cast<std::size_t>(f.edges[eu].to);
      if (!r.edge[eu]) continue;
      const Span at{finish.mean + lt.edges[eu].total(), finish.variance + lt.edges[eu].variance};
      if (weighted) {
        const double w = (*weighted)[eu];
        const Span before = weight[to] > 0 ? ready[to] : Span{};
        ready[to] = {before.mean + w * at.mean, before.variance + w * at.variance};
        weight[to] += w;
      } else if (at.mean > ready[to].mean) {
        ready[to] = at;
      }
    }
  }
  return done;
}

// The time an order spends waiting W (its unit's wait, of second moment E[W^2]) then worked S:
// E[(W + S)^2].
double second_of_visit(const UnitQueue& q, double work_mean, double work_second) {
  return q.wait_second + 2 * q.wait * work_mean + work_second;
}

// The variance of a task's time: skipped (0) with probability `skip`, else W + S.
double task_variance(const UnitQueue& q, const TaskVisits& tv) {
  if (!std::isfinite(q.wait) || !std::isfinite(q.wait_second)) return kInf;
  const double a = q.availability, mean = tv.first.mean / a, second = tv.first.second() / (a * a);
  const double x = (1 - tv.skip) * (q.wait + mean);
  return std::max(0.0, (1 - tv.skip) * second_of_visit(q, mean, second) - x * x);
}

// The variance of a handoff's time: N + 1 attempts (N geometric, E[N] = attempts - 1), each in
// transit, and N redos Z (the supplier's wait, then a full redo or a rework in their proportions):
// Var = (N + 1 attempts) Var(transit) + E[N] Var(Z) + Var(N) (E[transit] + E[Z])^2.
double handoff_variance(const UnitQueue& q, const TaskVisits& from, const HandoffVisits& h) {
  const double n = h.attempts - 1, var_n = h.attempts * (h.attempts - 1);  // r / (1 - r)^2
  const double t = h.transit, vt = std::max(0.0, h.transit_second - t * t);
  double z = 0, vz = 0;
  if (n > 0) {
    if (!std::isfinite(q.wait) || !std::isfinite(q.wait_second)) return kInf;
    const double a = q.availability, full = h.full_redos / n, rework = 1 - full;
    const double work = (full * from.own.mean + rework * h.rework.mean) / a;
    const double second = (full * from.own.second() + rework * h.rework.second()) / (a * a);
    z = q.wait + work;
    vz = std::max(0.0, second_of_visit(q, work, second) - z * z);
  }
  return h.attempts * vt + n * vz + var_n * (t + z) * (t + z);
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
void notes(const Model& m, const Flow& f, const FlowVisits& v, const std::vector<UnitQueue>& q, bool settled,
           FlowLeadTime& lt) {
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
  if (f.customers > 0 && !settled) add_note(lt, "finite customer base at its stationary mean with no late deliveries");
  if (f.profile.on()) add_note(lt, "rate profile at its long-run average");
  if (f.has_patience) add_note(lt, "patience: left out (nobody reneges)");
  if (!lt.routes_exact) add_note(lt, "more than 65536 routes: a task reached by several handoffs takes their weighted mean");
}

}  // namespace

double late_share(double mean, double sd, double due) {
  if (!std::isfinite(due)) return 0;
  if (!std::isfinite(mean) || !std::isfinite(sd)) return 1;
  const double tolerance = 1e-12 * std::max(1.0, std::abs(due));  // as on_time_rate's
  if (!(sd > 1e-12 * mean) || !(mean > 0)) return mean > due + tolerance ? 1.0 : 0.0;
  if (due <= 0) return 1;
  const double shape = mean * mean / (sd * sd), scale = sd * sd / mean;
  return boost::math::gamma_q(shape, due / scale);
}

LeadTimes lead_times(const Model& m, const Analysis* settled) {
  LeadTimes out;
  const Analysis own = settled ? Analysis{} : analyse(m);
  const Analysis& a = settled ? *settled : own;
  std::vector<double> rates;
  for (const FlowLoad& f : a.flows) rates.push_back(f.arrival_rate);
  const std::vector<FlowVisits> visits = flow_visits(m, rates);
  out.units = unit_queues(m, visits, a.units);
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
      lt.tasks[k].variance = tv.skip < 1 ? task_variance(Q, tv) : 0.0;
      if (v.shares.task[k] > 0) exact = exact && Q.exact && (tv.first.exponential || tv.skip >= 1);
    }
    for (std::size_t e = 0; e < f.edges.size(); ++e) {
      const HandoffVisits& h = v.edges[e];
      if (f.edges[e].link < 0) continue;
      const std::size_t k = static_cast<std::size_t>(f.edges[e].from);
      const UnitQueue& Q = q[static_cast<std::size_t>(f.tasks[k].unit)];
      if (h.faulty) {
        lt.edges[e].transit = lt.edges[e].variance = kInf;
        continue;
      }
      lt.edges[e].variance = handoff_variance(Q, v.tasks[k], h);
      lt.edges[e].transit = h.attempts * h.transit;
      const double full = h.full_redos > 0 ? h.full_redos * (Q.wait + v.tasks[k].own.mean / Q.availability) : 0.0;
      const double rework = h.reworks > 0 ? h.reworks * (Q.wait + h.rework.mean / Q.availability) : 0.0;
      lt.edges[e].redo = full + rework;
    }
    const std::vector<int> order = topological(f);
    bool joins = false;
    double estimate = 0, second = 0;  // the routes' mixture: E[T] and E[T^2]
    std::vector<int> in(f.tasks.size());
    const auto add = [&](const Route& r) {
      const Span s = longest(f, lt, order, r);
      estimate += r.probability * s.mean;
      second += r.probability * (s.variance + s.mean * s.mean);
      std::fill(in.begin(), in.end(), 0);  // a join: a task the route reaches by two handoffs or more
      for (std::size_t e = 0; e < f.edges.size(); ++e)
        if (r.edge[e] && ++in[static_cast<std::size_t>(f.edges[e].to)] > 1) joins = true;
    };
    lt.routes_exact = for_each_route(f, add, kMaxRoutes);
    if (!lt.routes_exact) {
      Route all;
      all.edge.assign(f.edges.size(), 1);
      all.task.assign(f.tasks.size(), 1);
      const Span s = longest(f, lt, order, all, &v.shares.edge);
      estimate = s.mean;
      second = s.variance + s.mean * s.mean;
      joins = true;
    }
    lt.estimate = estimate;
    lt.sd = std::isfinite(estimate) && std::isfinite(second) ? std::sqrt(std::max(0.0, second - estimate * estimate)) : kInf;
    lt.late = late_share(lt.estimate, lt.sd, f.due);
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
    notes(m, f, v, q, settled != nullptr, lt);
    out.flows.push_back(std::move(lt));
  }
  return out;
}

}  // namespace eslabon
