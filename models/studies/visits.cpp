#include <models/studies/visits.hpp>

#include <algorithm>
#include <cstddef>

namespace eslabon {
namespace {

Moments moments_of(const Distribution& d, double speed) {
  return {d.mean() / speed, d.variance() / (speed * speed), d.kind() == Distribution::Kind::Exponential};
}

// X = B F, B ~ Bernoulli(p) independent of F: the fix work a handoff may bring.
Moments bernoulli_times(double p, const Moments& f) {
  return {p * f.mean, p * f.variance + p * (1 - p) * f.mean * f.mean, false};
}

Moments plus(const Moments& a, const Moments& b) {
  return {a.mean + b.mean, a.variance + b.variance, false};
}

double errors_of(const Model& m, int unit) { return m.units[static_cast<std::size_t>(unit)].error_factor(); }

// What the receiver sends back of an attempt it inspects: what it caught, else a false alarm.
double sent_back(const Model& m, const Link& L, double errors) {
  const double q = caught_per_attempt(m, L, errors);
  return q + (1 - q) * L.false_alarm;
}

}  // namespace

double caught_per_attempt(const Model& m, const Link& L, double errors) {
  const double scale = L.defect > 0 ? std::min(1.0, L.defect * errors) / L.defect : 1.0;
  if (L.defect_types.empty()) return L.defect * scale * L.detect;
  double q = 0;
  for (const TypedDefect& d : L.defect_types) {
    const double own = m.defect_types[static_cast<std::size_t>(d.type)].detect;
    q += d.p * scale * (own >= 0 ? own : L.detect);
  }
  return q;
}

std::vector<FlowVisits> flow_visits(const Model& m, const std::vector<double>& rates) {
  std::vector<FlowVisits> out;
  for (const Flow& f : m.flows) {
    FlowVisits v;
    // As offered_load: a rate that changes over time at its long-run average, a finite base at its
    // full size. A profile and a base are Poisson streams (squared cv 1); a renewal stream has its own.
    v.rate = f.profile.on() ? f.profile.mean : 1.0 / f.interarrival.mean();
    if (out.size() < rates.size()) v.rate = rates[out.size()];
    const double cv = f.interarrival.cv();
    v.arrival_scv = f.profile.on() || f.customers > 0 ? 1.0 : cv * cv;
    v.poisson = !f.profile.on() && f.customers == 0 && f.interarrival.kind() == Distribution::Kind::Exponential;
    v.shares = route_shares(f);
    v.tasks.resize(f.tasks.size());
    v.edges.resize(f.edges.size());
    for (std::size_t k = 0; k < f.tasks.size(); ++k) {
      const Task& t = f.tasks[k];
      const Unit& u = m.units[static_cast<std::size_t>(t.unit)];
      TaskVisits& tv = v.tasks[k];
      tv.skip = std::min(1.0, t.skip * u.error_factor());
      tv.own = moments_of(t.service, u.speed());
      tv.first = tv.own;
    }
    for (std::size_t e = 0; e < f.edges.size(); ++e) {
      const Edge& ed = f.edges[e];
      if (ed.link < 0) continue;
      const Link& L = m.links[static_cast<std::size_t>(ed.link)];
      const Task& from = f.tasks[static_cast<std::size_t>(ed.from)];
      const Unit& supplier = m.units[static_cast<std::size_t>(from.unit)];
      const double back = sent_back(m, L, errors_of(m, from.unit));
      if (L.on_detect == OnDetect::Fix) {
        // One fix_service per handoff that is caught or falsely alarmed, on the receiver's visit
        // (a share s_e / s_k of the receiver's visits come along this edge).
        const double reach = v.shares.task[static_cast<std::size_t>(ed.to)];
        const double p = reach > 0 ? back * v.shares.edge[e] / reach : 0.0;
        TaskVisits& to = v.tasks[static_cast<std::size_t>(ed.to)];
        to.first = plus(to.first, bernoulli_times(std::min(1.0, p), moments_of(L.fix_service, 1.0)));
      }
      HandoffVisits& h = v.edges[e];
      const double p = L.lost, r = p + (1 - p) * (L.on_detect == OnDetect::Fix ? 0.0 : back);
      if (r >= 1) {
        h.faulty = true;
        continue;
      }
      h.attempts = 1 / (1 - r);
      h.transit = p * L.timeout + (1 - p) * (L.has_delay ? L.delay.mean() : 0.0);
      h.transit_second = p * L.timeout * L.timeout +
                         (1 - p) * (L.has_delay ? L.delay.variance() + L.delay.mean() * L.delay.mean() : 0.0);
      h.full_redos = p * h.attempts;
      h.reworks = (r - p) * h.attempts;
      const bool own = !(L.on_detect == OnDetect::Rework && L.has_rework_service);
      h.rework = own ? moments_of(from.service, supplier.speed()) : moments_of(L.rework_service, supplier.speed());
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace eslabon
