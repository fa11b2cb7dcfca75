#pragma once
// Can a unit's pressure tip it (README "Pressure")? The offered load (analytic.hpp) of each unit
// with `pressure`, with every such unit at its lowest level, and with this unit alone at each
// of its other levels that its measure can reach: a unit that is stable at the lowest level but
// not at another can be pushed by a burst into a regime where work comes faster than it is done
// (the vicious circle: its errors feed its own queue, which keeps the pressure up).

#include <models/model/model.hpp>

#include <string>
#include <vector>

namespace eslabon {

struct PressureLoad {
  std::size_t unit = 0;
  double low = 0;         // utilisation with every pressured unit at its lowest level
  double high = 0;        // the largest utilisation with this unit alone at another reachable level
  std::size_t level = 0;  // ... that level (0: none is above `low`). Reachable: for utilisation,
                          // a level below 1; with a capacity, one the queue (capacity - servers)
                          // or the wip (capacity) can reach
  bool can_tip() const { return low < 1 && high >= 1; }
};

// One row per unit with pressure, in model order. Staff factors count (README "People").
std::vector<PressureLoad> pressure_loads(const Model& m);
// The warnings for the units that can tip, one line each ("" when none can).
std::string pressure_warning(const Model& m);

}  // namespace eslabon
