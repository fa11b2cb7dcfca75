#include <eslabon/models/analytic.hpp>

namespace eslabon {

std::vector<UnitLoad> offered_load(const Model& m) {
  std::vector<UnitLoad> load(m.units.size());
  for (const auto& f : m.flows) {
    const double rate = 1.0 / f.interarrival.mean();
    for (const auto& t : f.tasks) {
      load[t.unit].arrival_rate += rate;
      load[t.unit].work_rate += rate * t.service.mean();
    }
  }
  for (std::size_t u = 0; u < load.size(); ++u) load[u].utilisation = load[u].work_rate / m.units[u].servers;
  return load;
}

}  // namespace eslabon
