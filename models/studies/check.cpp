#include <models/studies/check.hpp>
#include <models/studies/pressure.hpp>

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

}  // namespace

CheckReport check_model(const Model& m, const AnalyticOptions& options) {
  CheckReport r;
  r.analysis = analyse(m, options);
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
