#include <models/studies/routes.hpp>

#include <cstddef>

namespace eslabon {
namespace {

// Kahn's order of the task graph (the loader has checked it is acyclic).
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

// Goes through the tasks in topological order, branching at each reached routing task on its
// successors; a leaf is one realised path, with its probability.
class Paths {
 public:
  Paths(const Flow& f, RouteShares& out)
      : f_(f), out_(out), order_(topological(f)), in_(f.tasks.size()), taken_(f.edges.size(), 0) {
    for (std::size_t e = 0; e < f.edges.size(); ++e)
      in_[static_cast<std::size_t>(f.edges[e].to)].push_back(static_cast<int>(e));
  }
  bool run() {
    walk(0, 1.0);
    return leaves_ <= kMaxRoutes;
  }

 private:
  void walk(std::size_t i, double prob) {
    if (leaves_ > kMaxRoutes) return;
    if (i == order_.size()) {
      ++leaves_;
      for (std::size_t e = 0; e < taken_.size(); ++e)
        if (taken_[e]) out_.edge[e] += prob;
      for (std::size_t k = 0; k < f_.tasks.size(); ++k)
        if (reached(k)) out_.task[k] += prob;
      return;
    }
    const std::size_t k = static_cast<std::size_t>(order_[i]);
    const Task& t = f_.tasks[k];
    if (!reached(k)) {
      walk(i + 1, prob);
      return;
    }
    if (!t.routes) {
      for (int e : t.out) taken_[static_cast<std::size_t>(e)] = 1;
      walk(i + 1, prob);
      for (int e : t.out) taken_[static_cast<std::size_t>(e)] = 0;
      return;
    }
    for (int e : t.out) {
      const double p = f_.route[static_cast<std::size_t>(e)];
      if (!(p > 0)) continue;
      taken_[static_cast<std::size_t>(e)] = 1;
      walk(i + 1, prob * p);
      taken_[static_cast<std::size_t>(e)] = 0;
    }
  }
  bool reached(std::size_t k) const {
    if (in_[k].empty()) return true;  // a source
    for (int e : in_[k])
      if (taken_[static_cast<std::size_t>(e)]) return true;
    return false;
  }

  const Flow& f_;
  RouteShares& out_;
  std::vector<int> order_;
  std::vector<std::vector<int>> in_;  // per task: the edges into it
  std::vector<char> taken_;           // per edge, on the path being walked
  std::size_t leaves_ = 0;
};

}  // namespace

RouteShares route_shares(const Flow& f) {
  RouteShares s;
  s.task.assign(f.tasks.size(), 0.0);
  s.edge.assign(f.edges.size(), 0.0);
  bool routes = false;
  for (const Task& t : f.tasks) routes = routes || t.routes;
  if (!routes) {
    s.task.assign(f.tasks.size(), 1.0);
    s.edge.assign(f.edges.size(), 1.0);
    return s;
  }
  if (Paths(f, s).run()) return s;
  // Too many paths: in topological order, each task from the shares of the handoffs into it.
  s.exact = false;
  s.task.assign(f.tasks.size(), 0.0);
  s.edge.assign(f.edges.size(), 0.0);
  std::vector<double> none(f.tasks.size(), 1.0);  // per task: prod(1 - share) over handoffs into it
  std::vector<bool> has_in(f.tasks.size(), false);
  for (const Edge& e : f.edges) has_in[static_cast<std::size_t>(e.to)] = true;
  for (int ki : topological(f)) {
    const std::size_t k = static_cast<std::size_t>(ki);
    s.task[k] = has_in[k] ? 1.0 - none[k] : 1.0;
    for (int e : f.tasks[k].out) {
      const std::size_t eu = static_cast<std::size_t>(e);
      s.edge[eu] = s.task[k] * f.route[eu];
      none[static_cast<std::size_t>(f.edges[eu].to)] *= 1.0 - s.edge[eu];
    }
  }
  return s;
}

}  // namespace eslabon
