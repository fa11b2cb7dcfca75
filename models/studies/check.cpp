#include <models/studies/check.hpp>
#include <models/studies/pressure.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <eslabon/core/number_format.hpp>

namespace eslabon {
namespace {

std::string g(double x) { return format_number(x); }

std::string overload_warning(const Model& m, const Overload& o, const UnitLoad& l) {
  const Unit& un = m.units[o.unit];
  std::string s = "warning: unit " + un.name + " has utilisation " + g(o.utilisation) +
                  " >= 1: its queue grows without bound; ";
  if (o.stable < 0) return s + "its work is endless (a handoff sent back every time): no number of servers is enough";
  if (un.has_shifts()) {
    // Servers vary over the week: say how many are needed on average (busy servers W / a).
    const double busy = l.work_rate / l.availability;
    return s + "it needs more than " + quantity(busy, "server") + " on average over a week for utilisation < 1 and " +
           g(busy / kComfortableUtilisation) + " for <= " + g(kComfortableUtilisation) + " (it has " + g(l.servers) +
           " on average)";
  }
  auto servers = [](int n) { return std::to_string(n) + " " + noun(n, "server"); };
  return s + "it needs " + servers(o.stable) + " for utilisation < 1 and " + std::to_string(o.comfortable) +
         " for <= " + g(kComfortableUtilisation) + " (it has " + std::to_string(un.servers) + ")";
}

// Whether a late share changes anything: a flow with a due and late deliveries that dissatisfy.
bool late_matters(const Model& m) {
  if (!m.complaints.late_dissatisfies) return false;
  for (const Flow& f : m.flows)
    if (std::isfinite(f.due)) return true;
  return false;
}

}  // namespace

CheckReport check_model(const Model& m, const AnalyticOptions& options) {
  CheckReport r;
  r.analysis = analyse(m, options);
  r.lead_times = lead_times(m, &r.analysis);
  if (options.late.empty() && late_matters(m)) {
    AnalyticOptions o = options;
    o.late.assign(m.flows.size(), 0.0);
    for (int round = 0; round < 200; ++round) {
      double moved = 0;
      for (std::size_t i = 0; i < m.flows.size(); ++i) {
        const double next = r.lead_times.flows[i].late;
        // Damped: more late deliveries lose customers, which shortens the queues (a loop that
        // would otherwise swing).
        const double x = round == 0 ? next : 0.5 * (o.late[i] + next);
        moved = std::max(moved, std::abs(x - o.late[i]));
        o.late[i] = x;
      }
      r.analysis = analyse(m, o);
      r.lead_times = lead_times(m, &r.analysis);
      if (moved < 1e-9) break;
    }
    r.analysis.notes.push_back(
        "late shares are estimated from each flow's lead-time estimate, its mean and spread as a gamma law "
        "(README \"Lead times without simulating\")");
  }
  for (std::size_t u = 0; u < m.units.size(); ++u) {
    const UnitLoad& l = r.analysis.units[u];
    if (!(l.utilisation >= 1) || m.units[u].capacity >= 0) continue;
    Overload o{u, l.utilisation, servers_needed(l, 1.0, true), servers_needed(l, kComfortableUtilisation, false)};
    r.overloaded.push_back(o);
    r.warnings.push_back(overload_warning(m, o, l));
  }
  std::string tip = pressure_warning(m);
  for (std::size_t at = 0; !tip.empty();) {
    const std::size_t end = tip.find('\n', at);
    r.warnings.push_back(tip.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return r;
}

}  // namespace eslabon
