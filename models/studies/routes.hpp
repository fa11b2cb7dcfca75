#pragma once
// Which tasks and handoffs of a flow an order goes through, without simulating (README "Routing
// with probabilities"): the share of orders whose realised path reaches each task and takes each
// handoff. 1 everywhere in a flow without `next`.

#include <models/model/model.hpp>

#include <vector>

namespace eslabon {

struct RouteShares {
  std::vector<double> task;  // per task: share of orders that reach it (it is not routed away)
  std::vector<double> edge;  // per edge of Flow::edges: share of orders whose handoff goes along it
  bool exact = true;         // false beyond kMaxRoutes realised paths (see route_shares)
};

// Exact, by going through every realised path (the routing tasks' choices that an order can
// meet, each path with the product of its probabilities), up to kMaxRoutes paths per flow.
// Beyond that, an approximation: a task is reached with 1 - prod(1 - share of each handoff into
// it), as if its suppliers' handoffs were independent.
inline constexpr std::size_t kMaxRoutes = 65536;
RouteShares route_shares(const Flow& f);

}  // namespace eslabon
