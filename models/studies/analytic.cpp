#include <models/studies/analytic.hpp>

#include <eslabon/core/number_format.hpp>

#include <algorithm>
#include <cmath>

// Each flow's orders per time unit: a Poisson or renewal rate (a rate that changes over time at
// its long-run average, rate_profile.hpp), or a finite base's R x its stationary mean. The base
// (README "Weak links", Delivery) is a birth-death process: customers join at rate A while fewer
// than N, and each order (rate R per customer) loses its customer with q, the churn per delivered
// order; its stationary law is Poisson(A / (R q)) cut at N. With q = 0 it stays full; with q > 0
// and no acquisition it only shrinks and has no steady state: the full base's rate is used then.
// Units: each task's work per order times its flow's rate, complaints at complaints.unit, over
// the scheduled servers (the week's average with shifts) and the availability (outages).

namespace eslabon {
namespace {

}  // namespace

Analysis analyse(const Model& m, const AnalyticOptions& o) {
  Analysis out;
  out.units.resize(m.units.size());
  out.links.resize(m.links.size());
  const auto speed_of = [&](int u) {
    return o.speed.empty() ? m.units[static_cast<std::size_t>(u)].speed() : o.speed[static_cast<std::size_t>(u)];
  };
  for (std::size_t i = 0; i < m.flows.size(); ++i) {
    const Flow& f = m.flows[i];
    FlowLoad fl;
    fl.traffic = flow_traffic(m, f, o.errors, o.speed);
    fl.late = i < o.late.size() ? o.late[i] : 0.0;
    fl.customers = customer_figures(m, f, fl.traffic, fl.late);
    fl.delivered = 0;
    for (const Delivered& d : fl.traffic.delivered) fl.delivered += d.p;
    for (const TaskTraffic& t : fl.traffic.tasks) fl.reworks += t.redos + t.full_redos;
    if (f.customers > 0) {
      const double q = fl.customers.churn, n = static_cast<double>(f.customers);
      if (!(q > 0)) {
        fl.customer_base = n;
      } else if (!(f.acquisition > 0)) {
        fl.customer_base = n;
        fl.base_steady = false;
      } else {
        fl.customer_base = truncated_poisson_mean(f.acquisition / (f.rate_per_customer * q), f.customers);
      }
      fl.arrival_rate = f.rate_per_customer * fl.customer_base;
    } else {
      fl.arrival_rate = f.profile.on() ? f.profile.mean : 1.0 / f.interarrival.mean();
    }
    const double rate = fl.arrival_rate;
    for (std::size_t k = 0; k < f.tasks.size(); ++k) {
      const TaskTraffic& t = fl.traffic.tasks[k];
      UnitLoad& u = out.units[static_cast<std::size_t>(f.tasks[k].unit)];
      u.arrival_rate += rate * (t.served + t.redos + t.full_redos);
      u.work_rate += rate * t.work;
    }
    for (std::size_t e = 0; e < f.edges.size(); ++e) {
      if (f.edges[e].link < 0) continue;
      const EdgeTraffic& t = fl.traffic.edges[e];
      LinkLoad& L = out.links[static_cast<std::size_t>(f.edges[e].link)];
      L.handoffs += rate * t.attempts;
      L.defects += rate * t.defects;
      L.lost += rate * t.lost;
      L.caught += rate * t.caught;
      L.false_alarms += rate * t.false_alarms;
    }
    const Complaints& cs = m.complaints;
    if (cs.enabled && cs.unit >= 0) {
      const double complaints = rate * fl.delivered * fl.customers.complaint;
      out.complaint_rate += complaints;
      UnitLoad& desk = out.units[static_cast<std::size_t>(cs.unit)];
      desk.arrival_rate += complaints;
      desk.work_rate += complaints * cs.service.mean() / speed_of(cs.unit);
    }
    out.flows.push_back(std::move(fl));
  }
  for (std::size_t u = 0; u < m.units.size(); ++u) {
    const Unit& un = m.units[u];
    UnitLoad& l = out.units[u];
    if (un.outages) l.availability = un.mtbf / (un.mtbf + un.mttr.mean());
    l.servers = un.mean_servers();
    l.utilisation = l.work_rate / l.servers / l.availability;
  }
  // What is approximate here, said once per cause.
  auto note = [&](const std::string& s) { out.notes.push_back(s); };
  for (std::size_t i = 0; i < m.flows.size(); ++i) {
    const Flow& f = m.flows[i];
    const FlowLoad& fl = out.flows[i];
    bool linked = false;
    for (const Edge& e : f.edges) linked = linked || e.link >= 0;
    if (fl.traffic.sequential && linked)
      note("flow " + f.name +
           " has forks: its handoffs are taken one after the other in topological order, so a receiver inspects the "
           "defects of a parallel branch made before it in that order, and routed tasks are reached by their shares "
           "as if independently");
    if (!fl.traffic.routes_exact)
      note("flow " + f.name + " has more than 65536 routes: its route shares are approximate");
    if (f.customers > 0 && fl.base_steady && fl.customers.churn > 0)
      note("flow " + f.name +
           "'s customer base is the steady state of independent churn (each delivered order loses "
           "its customer with the same " +
           format_number(fl.customers.churn) + "): churn that comes in bursts, or grows with the load, holds it lower");
    if (!fl.base_steady)
      note("flow " + f.name +
           "'s customer base loses customers and gains none: it has no steady state; its rate is the full base's");
    if (!fl.customers.churn_exact)
      note("flow " + f.name +
           "'s customers remember with weight < 1: their churn takes the score before a delivery at its mean");
  }
  for (const Link& L : m.links)
    if (L.active_begin > 0 || std::isfinite(L.active_end))
      note("link " + L.key + "'s faults count as always on (its active window is left out)");
  for (const Unit& un : m.units)
    if (un.has_pressure())
      note("unit " + un.name + " has pressure: its load here is at the staff's factors, without the levels' speed and "
           "errors (its pressure line gives them)");
  bool losses = false;
  for (const Unit& un : m.units) losses = losses || un.capacity >= 0;
  for (const Flow& f : m.flows) losses = losses || f.has_patience;
  if (losses)
    note("orders lost to a full unit or abandoned are counted as served: the loads are upper bounds");
  return out;
}

std::vector<UnitLoad> offered_load(const Model& m, const std::vector<double>& errors,
                                   const std::vector<double>& speed) {
  AnalyticOptions o;
  o.errors = errors;
  o.speed = speed;
  return analyse(m, o).units;
}

int servers_needed(const UnitLoad& l, double target, bool strict) {
  const double w = l.work_rate / l.availability;  // busy servers needed on average
  if (!std::isfinite(w) || w / target > 1e9) return -1;
  int n = std::max(1, static_cast<int>(std::floor(w / target)));
  while (n > 1 && (strict ? w / (n - 1) < target : w / (n - 1) <= target)) --n;
  while (!(strict ? w / n < target : w / n <= target)) ++n;
  return n;
}

}  // namespace eslabon
