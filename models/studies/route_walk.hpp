#pragma once
// The realised routes of a flow (README "Routing with probabilities"), one at a time: which
// handoffs an order takes and which tasks it reaches, with the route's probability. route_shares
// (routes.hpp) sums them; the lead-time estimate (lead_time.hpp) takes the longest path of each.

#include <models/model/model.hpp>

#include <functional>
#include <vector>

namespace eslabon {

struct Route {
  double probability = 1;
  std::vector<char> edge;  // per edge of Flow::edges: the order's handoff goes along it
  std::vector<char> task;  // per task: the route reaches it (it is not routed away)
};

// Kahn's order of the task graph (the loader has checked it is acyclic).
std::vector<int> topological(const Flow& f);

// Calls `visit` for each realised route in turn (the routing tasks' choices an order can meet, in
// topological order, each successor in `next` order): one route, everything taken, in a flow
// without `next`. Stops and returns false once more than `limit` routes were found (`visit` has
// then seen `limit` of them).
bool for_each_route(const Flow& f, const std::function<void(const Route&)>& visit, std::size_t limit);

}  // namespace eslabon
