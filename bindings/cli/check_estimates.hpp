#pragma once
// eslabon check's estimates without simulating: each unit's wait, each flow's lead time and
// critical path, and the blast radius of each weak point (README "Lead times without simulating").

#include <models/model/model.hpp>
#include <models/studies/lead_time.hpp>

namespace eslabon::cli {

void print_estimates(const Model& m, const LeadTimes& lt);

}  // namespace eslabon::cli
