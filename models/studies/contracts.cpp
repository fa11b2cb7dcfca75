#include <models/studies/contracts.hpp>

#include <eslabon/core/number_format.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace eslabon {

std::vector<ContractPath> contract_paths(const Model& m) {
  std::vector<ContractPath> out;
  for (const Flow& f : m.flows) {
    bool any = false;
    for (const Edge& e : f.edges) any = any || (e.link >= 0 && std::isfinite(m.links[e.link].sla));
    if (!any) continue;
    // Longest path over the task DAG (Kahn's order): best[k] is the longest time to k's ready.
    const std::size_t n = f.tasks.size();
    std::vector<int> indegree(n, 0), order;
    for (const Edge& e : f.edges) ++indegree[static_cast<std::size_t>(e.to)];
    for (std::size_t k = 0; k < n; ++k)
      if (indegree[k] == 0) order.push_back(static_cast<int>(k));
    for (std::size_t i = 0; i < order.size(); ++i)
      for (int e : f.tasks[static_cast<std::size_t>(order[i])].out)
        if (--indegree[static_cast<std::size_t>(f.edges[e].to)] == 0) order.push_back(f.edges[e].to);
    const double ninf = -std::numeric_limits<double>::infinity();
    std::vector<double> best(n, ninf);
    std::vector<int> via(n, -1);  // the edge into k on the longest path
    auto step = [&](const Edge& e) {
      const Task& t = f.tasks[static_cast<std::size_t>(e.from)];
      if (e.link >= 0 && std::isfinite(m.links[e.link].sla)) return m.links[e.link].sla;
      const double delay = e.link >= 0 && m.links[e.link].has_delay ? m.links[e.link].delay.mean() : 0.0;
      return t.service.mean() + delay;
    };
    for (int k : order) {
      const std::size_t ku = static_cast<std::size_t>(k);
      if (f.tasks[ku].after.empty()) best[ku] = 0;
      for (int ei : f.tasks[ku].out) {
        const Edge& e = f.edges[static_cast<std::size_t>(ei)];
        const double t = best[ku] + step(e);
        if (t > best[static_cast<std::size_t>(e.to)]) {
          best[static_cast<std::size_t>(e.to)] = t;
          via[static_cast<std::size_t>(e.to)] = ei;
        }
      }
    }
    int sink = -1;
    double longest = ninf;
    for (std::size_t k = 0; k < n; ++k)
      if (f.tasks[k].next.empty() && best[k] + f.tasks[k].service.mean() > longest) {
        longest = best[k] + f.tasks[k].service.mean();
        sink = static_cast<int>(k);
      }
    ContractPath p;
    p.flow = f.name;
    p.due = f.due;
    p.total = longest;
    const Task& last = f.tasks[static_cast<std::size_t>(sink)];
    p.tasks.push_back(last.name);
    p.parts.push_back(last.name + " work " + format_number(last.service.mean()));
    p.lower_bound = true;  // the sink's own time is only its mean work
    double missed = 0;
    bool all_shares = true;
    for (int k = sink; via[static_cast<std::size_t>(k)] >= 0;) {
      const Edge& e = f.edges[static_cast<std::size_t>(via[static_cast<std::size_t>(k)])];
      const Task& from = f.tasks[static_cast<std::size_t>(e.from)];
      p.tasks.insert(p.tasks.begin(), from.name);
      if (e.link >= 0 && std::isfinite(m.links[e.link].sla)) {
        const Link& L = m.links[e.link];
        p.parts.insert(p.parts.begin(), "sla " + L.key + " " + format_number(L.sla));
        if (std::isfinite(L.sla_share))
          missed += 1 - L.sla_share;
        else
          all_shares = false;
      } else {
        p.parts.insert(p.parts.begin(), from.name + " work " + format_number(step(e)));
      }
      k = e.from;
    }
    p.all_met = all_shares ? std::max(0.0, 1 - missed) : std::nan("");
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace eslabon
