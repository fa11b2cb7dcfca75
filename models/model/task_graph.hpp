#pragma once
// Graph checks on task DAGs (Boost.Graph).

#include <utility>
#include <vector>

namespace eslabon {

// Nodes 0..n-1, edges (from, to). Returns the nodes of one directed cycle in order, or
// an empty vector when the graph is acyclic.
std::vector<int> find_cycle(int n, const std::vector<std::pair<int, int>>& edges);

// A topological order of an acyclic graph (throws std::invalid_argument on a cycle).
std::vector<int> topological_order(int n, const std::vector<std::pair<int, int>>& edges);

}  // namespace eslabon
