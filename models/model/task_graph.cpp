#include <models/model/task_graph.hpp>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace eslabon {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

struct CycleFinder : boost::default_dfs_visitor {
  std::vector<int>* parent;
  std::vector<int>* cycle;
  template <class E, class G>
  void tree_edge(E e, const G& g) const {
    (*parent)[boost::target(e, g)] = static_cast<int>(boost::source(e, g));
  }
  template <class E, class G>
  void back_edge(E e, const G& g) const {
    if (!cycle->empty()) return;
    int u = static_cast<int>(boost::source(e, g));
    int v = static_cast<int>(boost::target(e, g));
    std::vector<int> path{u};
    while (u != v) {
      u = (*parent)[u];
      path.push_back(u);
    }
    std::reverse(path.begin(), path.end());
    *cycle = path;
  }
};

Graph build(int n, const std::vector<std::pair<int, int>>& edges) {
  Graph g(static_cast<std::size_t>(n));
  for (auto [a, b] : edges) boost::add_edge(static_cast<std::size_t>(a), static_cast<std::size_t>(b), g);
  return g;
}

}  // namespace

std::vector<int> find_cycle(int n, const std::vector<std::pair<int, int>>& edges) {
  Graph g = build(n, edges);
  std::vector<int> parent(static_cast<std::size_t>(n), -1), cycle;
  CycleFinder vis;
  vis.parent = &parent;
  vis.cycle = &cycle;
  boost::depth_first_search(g, boost::visitor(vis));
  return cycle;
}

std::vector<int> topological_order(int n, const std::vector<std::pair<int, int>>& edges) {
  Graph g = build(n, edges);
  std::vector<std::size_t> rev;
  try {
    boost::topological_sort(g, std::back_inserter(rev));
  } catch (const boost::not_a_dag&) {
    throw std::invalid_argument("the graph has a cycle");
  }
  return std::vector<int>(rev.rbegin(), rev.rend());
}

}  // namespace eslabon
