#include <models/studies/route_walk.hpp>

#include <cstddef>

namespace eslabon {

std::vector<int> topological(const Flow& f) {
  std::vector<int> indegree(f.tasks.size(), 0), order;
  for (const Edge& e : f.edges) ++indegree[static_cast<std::size_t>(e.to)];
  for (std::size_t k = 0; k < f.tasks.size(); ++k)
    if (indegree[k] == 0) order.push_back(static_cast<int>(k));
  for (std::size_t i = 0; i < order.size(); ++i)
    for (int e : f.tasks[static_cast<std::size_t>(order[i])].out)
      if (--indegree[static_cast<std::size_t>(f.edges[static_cast<std::size_t>(e)].to)] == 0)
        order.push_back(f.edges[static_cast<std::size_t>(e)].to);
  return order;
}

namespace {

// Goes through the tasks in topological order, branching at each reached routing task on its
// successors; a leaf is one realised path, with its probability.
class Paths {
 public:
  Paths(const Flow& f, const std::function<void(const Route&)>& visit, std::size_t limit)
      : f_(f), visit_(visit), limit_(limit), order_(topological(f)), in_(f.tasks.size()) {
    route_.edge.assign(f.edges.size(), 0);
    route_.task.assign(f.tasks.size(), 0);
    for (std::size_t e = 0; e < f.edges.size(); ++e)
      in_[static_cast<std::size_t>(f.edges[e].to)].push_back(static_cast<int>(e));
  }
  bool run() {
    walk(0, 1.0);
    return leaves_ <= limit_;
  }

 private:
  void walk(std::size_t i, double prob) {
    if (leaves_ > limit_) return;
    if (i == order_.size()) {
      if (++leaves_ > limit_) return;
      for (std::size_t k = 0; k < f_.tasks.size(); ++k) route_.task[k] = reached(k) ? 1 : 0;
      route_.probability = prob;
      visit_(route_);
      return;
    }
    const std::size_t k = static_cast<std::size_t>(order_[i]);
    const Task& t = f_.tasks[k];
    if (!reached(k)) {
      walk(i + 1, prob);
      return;
    }
    if (!t.routes) {
      for (int e : t.out) route_.edge[static_cast<std::size_t>(e)] = 1;
      walk(i + 1, prob);
      for (int e : t.out) route_.edge[static_cast<std::size_t>(e)] = 0;
      return;
    }
    for (int e : t.out) {
      const double p = f_.route[static_cast<std::size_t>(e)];
      if (!(p > 0)) continue;
      route_.edge[static_cast<std::size_t>(e)] = 1;
      walk(i + 1, prob * p);
      route_.edge[static_cast<std::size_t>(e)] = 0;
    }
  }
  bool reached(std::size_t k) const {
    if (in_[k].empty()) return true;  // a source
    for (int e : in_[k])
      if (route_.edge[static_cast<std::size_t>(e)]) return true;
    return false;
  }

  const Flow& f_;
  const std::function<void(const Route&)>& visit_;
  std::size_t limit_;
  std::vector<int> order_;
  std::vector<std::vector<int>> in_;  // per task: the edges into it
  Route route_;                       // the route being walked
  std::size_t leaves_ = 0;
};

}  // namespace

bool for_each_route(const Flow& f, const std::function<void(const Route&)>& visit, std::size_t limit) {
  return Paths(f, visit, limit).run();
}

}  // namespace eslabon
