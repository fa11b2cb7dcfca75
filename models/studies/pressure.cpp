#include <models/studies/analytic.hpp>
#include <models/studies/pressure.hpp>

#include <eslabon/core/number_format.hpp>

#include <cmath>
#include <limits>

namespace eslabon {

namespace {

// The highest level the unit's measure can reach.
std::size_t top_level(const Unit& un) {
  const Unit::Pressure& p = un.pressure;
  double most = std::numeric_limits<double>::infinity();
  if (p.measure == Unit::Pressure::Measure::Utilisation)
    most = std::nextafter(1.0, 0.0);  // the moving average approaches 1, never reaches it
  else if (un.capacity >= 0)
    most = static_cast<double>(un.capacity) - (p.measure == Unit::Pressure::Measure::Queue ? un.servers : 0);
  std::size_t top = 0;
  while (top + 1 < p.levels.size() && p.levels[top + 1] <= most) ++top;
  return top;
}

}  // namespace

std::vector<PressureLoad> pressure_loads(const Model& m) {
  const std::size_t n = m.units.size();
  std::vector<double> errors(n), speed(n);
  for (std::size_t u = 0; u < n; ++u) {
    const Unit& un = m.units[u];
    errors[u] = un.error_factor() * (un.has_pressure() ? un.pressure.errors.front() : 1.0);
    speed[u] = un.speed() * (un.has_pressure() ? un.pressure.speedup.front() : 1.0);
  }
  const std::vector<UnitLoad> low = offered_load(m, errors, speed);
  std::vector<PressureLoad> rows;
  for (std::size_t u = 0; u < n; ++u) {
    const Unit& un = m.units[u];
    if (!un.has_pressure()) continue;
    PressureLoad row{u, low[u].utilisation, low[u].utilisation, 0};
    std::vector<double> e = errors, s = speed;
    for (std::size_t i = 1; i <= top_level(un); ++i) {
      e[u] = un.error_factor() * un.pressure.errors[i];
      s[u] = un.speed() * un.pressure.speedup[i];
      const double x = offered_load(m, e, s)[u].utilisation;
      if (x > row.high) {
        row.high = x;
        row.level = i;
      }
    }
    rows.push_back(row);
  }
  return rows;
}

std::string pressure_warning(const Model& m) {
  const auto g = format_number;
  std::string text;
  for (const PressureLoad& p : pressure_loads(m))
    if (p.can_tip())
      text += std::string(text.empty() ? "" : "\n") + "warning: unit " + m.units[p.unit].name +
              " can tip under pressure: its offered load is " + g(p.low) + " at its lowest pressure level but " +
              g(p.high) + " at level " + std::to_string(p.level) +
              ", so a burst of work can push it into a regime where work comes faster than it is done "
              "(README \"Pressure\")";
  return text;
}

}  // namespace eslabon
