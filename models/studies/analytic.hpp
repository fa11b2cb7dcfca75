#pragma once
// What can be said about a model without simulating it: arrival rates of work at each
// unit and their offered load (utilisation = lambda * E[S] / servers, with rework fed
// back, skipped steps left out, and divided by the availability of units with outages),
// which tells whether the model is stable at all. Complaint work is not included.

#include <models/model/model.hpp>

#include <vector>

namespace eslabon {

struct UnitLoad {
  double arrival_rate = 0;  // jobs per time unit
  double work_rate = 0;     // expected service time arriving per time unit
  double utilisation = 0;   // work_rate / servers / availability
};

// `errors`, `speed` (per unit, or empty: all 1): multipliers of a unit's error probabilities (the
// defect probability of the links its tasks supply and the skip probability of its tasks, capped
// at 1) and of its speed, as pressure levels set them (studies/pressure.hpp).
std::vector<UnitLoad> offered_load(const Model& model, const std::vector<double>& errors = {},
                                   const std::vector<double>& speed = {});

}  // namespace eslabon
