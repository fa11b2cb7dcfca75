#include <models/studies/routes.hpp>
#include <models/studies/route_walk.hpp>

#include <cstddef>

namespace eslabon {

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
  const auto add = [&s](const Route& r) {
    for (std::size_t e = 0; e < r.edge.size(); ++e)
      if (r.edge[e]) s.edge[e] += r.probability;
    for (std::size_t k = 0; k < r.task.size(); ++k)
      if (r.task[k]) s.task[k] += r.probability;
  };
  if (for_each_route(f, add, kMaxRoutes)) return s;
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
