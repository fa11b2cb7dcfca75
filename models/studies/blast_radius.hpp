#pragma once
// The blast radius of each weak point (README "Lead times without simulating"): what lies
// downstream of it in the task graphs, found by a plain traversal of each flow's handoffs. A
// link reaches the tasks that receive its handoffs and everything after them; a skippable step,
// itself and everything after it; a unit with outages, staff below the config's level or pressure
// that harms, every task it serves and everything after them. Then the flows those tasks belong
// to, the share of each flow's orders whose route passes the weak point, and the customers who
// place those orders.

#include <models/model/model.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace eslabon {

struct BlastFlow {
  std::string flow;
  std::vector<std::string> tasks;  // reached, in the flow's order
  std::vector<std::string> units;  // their units, in model order
  double share = 1;                // of the flow's orders whose route passes the weak point
  bool share_exact = true;         // false beyond kMaxRoutes routes (then the largest single share)
  std::int64_t customers = 0;      // the flow's customer base (0: open demand)
  double order_rate = 0;           // orders per time unit (a base at its full size)
};

struct BlastRadius {
  std::string name;                 // FROM->TO for a link, the origin (skip:TASK) for a step, a unit
  std::string kind;                 // link, skip, unit
  std::vector<std::string> faults;  // link: the fault kinds that are on; unit: outages, training, motivation, courtesy, pressure
  std::vector<BlastFlow> flows;     // the flows it reaches, in model order
};

// One entry per link, per skippable step and per unit with a weak point, in that order.
std::vector<BlastRadius> blast_radius(const Model& m);

}  // namespace eslabon
