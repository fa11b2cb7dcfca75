#pragma once
// What can be said about a model without simulating it: arrival rates of work at each
// unit and their offered load (utilisation = lambda * E[S] / servers), which tells
// whether the model is stable at all.

#include <eslabon/models/model.hpp>

#include <vector>

namespace eslabon {

struct UnitLoad {
  double arrival_rate = 0;   // jobs per time unit
  double work_rate = 0;      // expected service time arriving per time unit
  double utilisation = 0;    // work_rate / servers
};

std::vector<UnitLoad> offered_load(const Model& model);

}  // namespace eslabon
