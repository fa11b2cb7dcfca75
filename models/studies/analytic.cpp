#include <models/studies/analytic.hpp>
#include <models/studies/routes.hpp>

#include <algorithm>
#include <limits>

namespace eslabon {

// Traffic equations on each flow's task graph. Every task is visited once per order, less
// when it can be skipped; a link with rework or scrap on an out-edge feeds the supplier
// task back to its unit (Jackson feedback: each handoff attempt is sent back with
// probability q = defect * detect, so the task is served 1/(1 - q) times per handoff on
// that edge); a link with fix adds defect * detect * E[fix] of work per handoff to the
// receiving task. A link with lost feeds back too: an attempt is lost with probability
// p = lost, else sent back with q (0 for fix), so attempts are redone with r = p + (1 - p) q,
// 1/(1 - r) attempts per handoff, p/(1 - r) full redos (the task's own service) and
// (1 - p) q/(1 - r) reworks. Defects carried from further upstream and caught later add a
// little more rework, which these first-order equations leave out; so do active windows.
// With routing (`next`), a task is visited by the share of orders whose path reaches it and
// each handoff's feedback counts for the share of orders whose handoff goes along it
// (route_shares): a routed-to task's arrival rate is its route's probability times its
// supplier's. With defect types, q is the sum over the link's types of p_T times the detect
// that applies to each (the type's own, else the link's). Staff (README "People"): a unit's
// service work is divided by its speed (training x motivation; fix work is not), and the defect
// probability of the links it supplies and the skip probability of its tasks are multiplied by
// its error factor, capped at 1 (a typed link's types in proportion, as the engine draws them).
// `errors` and `speed`, when given (pressure levels, studies/pressure.cpp), are each unit's
// factors in place of its staff's.
namespace {
double caught_share(const Model& m, const Link& L, double errors) {
  const double scale = L.defect > 0 ? std::min(1.0, L.defect * errors) / L.defect : 1.0;
  if (L.defect_types.empty()) return L.defect * scale * L.detect;
  double q = 0;
  for (const TypedDefect& d : L.defect_types) {
    const double own = m.defect_types[static_cast<std::size_t>(d.type)].detect;
    q += d.p * scale * (own >= 0 ? own : L.detect);
  }
  return q;
}
}  // namespace

std::vector<UnitLoad> offered_load(const Model& m, const std::vector<double>& errors,
                                   const std::vector<double>& speed) {
  std::vector<UnitLoad> load(m.units.size());
  const double inf = std::numeric_limits<double>::infinity();
  const auto error_of = [&](int u) {
    return errors.empty() ? m.units[static_cast<std::size_t>(u)].error_factor() : errors[static_cast<std::size_t>(u)];
  };
  const auto speed_of = [&](int u) {
    return speed.empty() ? m.units[static_cast<std::size_t>(u)].speed() : speed[static_cast<std::size_t>(u)];
  };
  for (const auto& f : m.flows) {
    // A rate that changes over time counts at its long-run average (rate_profile.hpp).
    const double rate = f.profile.on() ? f.profile.mean : 1.0 / f.interarrival.mean();
    const RouteShares shares = route_shares(f);
    for (std::size_t k = 0; k < f.tasks.size(); ++k) {
      const Task& t = f.tasks[k];
      const double errors_k = error_of(t.unit), speed_k = speed_of(t.unit);
      const double done = shares.task[k] * (1.0 - std::min(1.0, t.skip * errors_k));  // orders whose step is done
      double visits = done;
      double work = done * t.service.mean() / speed_k;
      double extra_visits = 0;
      for (int e : t.out) {
        const Edge& ed = f.edges[e];
        if (ed.link < 0) continue;
        const double along = shares.edge[static_cast<std::size_t>(e)];  // handoffs per order
        const Link& L = m.links[ed.link];
        const double q = caught_share(m, L, errors_k);
        const Distribution& d = L.on_detect == OnDetect::Rework && L.has_rework_service ? L.rework_service : t.service;
        if (L.lost > 0) {
          const double p = L.lost, r = p + (1 - p) * (L.on_detect == OnDetect::Fix ? 0 : q);
          const double per = r >= 1 ? inf : 1 / (1 - r);  // attempts per handoff
          extra_visits += along * per * r;
          work += along * per * (p * t.service.mean() + (r - p) * d.mean()) / speed_k;
          continue;
        }
        if (L.on_detect == OnDetect::Fix) continue;
        const double redo = q >= 1 ? inf : q / (1 - q);  // expected redos per handoff
        extra_visits += along * redo;
        work += along * redo * d.mean() / speed_k;
      }
      // Fixes done at this task for what its suppliers handed over.
      for (std::size_t e = 0; e < f.edges.size(); ++e) {
        const Edge& ed = f.edges[e];
        if (ed.to == static_cast<int>(k) && ed.link >= 0) {
          const Link& L = m.links[ed.link];
          const Unit& supplier = m.units[static_cast<std::size_t>(f.tasks[static_cast<std::size_t>(ed.from)].unit)];
          if (L.on_detect == OnDetect::Fix)
            work += (1.0 - std::min(1.0, t.skip * errors_k)) * shares.edge[e] *
                    caught_share(m, L, error_of(f.tasks[static_cast<std::size_t>(ed.from)].unit)) * L.fix_service.mean();
        }
      }
      load[t.unit].arrival_rate += rate * (visits + extra_visits);
      load[t.unit].work_rate += rate * work;
    }
  }
  for (std::size_t u = 0; u < load.size(); ++u) {
    const Unit& un = m.units[u];
    double avail = 1.0;
    if (un.outages) avail = un.mtbf / (un.mtbf + un.mttr.mean());
    load[u].utilisation = load[u].work_rate / un.mean_servers() / avail;  // shifts: over the week's average
  }
  return load;
}

}  // namespace eslabon
