#pragma once
// The order in which the engine visits things that happen at the same instant, taken from
// names, not from positions in the config file: so reordering the units, flows, tasks or
// links of a file changes nothing (with draws.hpp, which addresses random numbers by name).
//
// - first arrivals are scheduled flow by flow, and first failures unit by unit, by name (the
//   order of their events at equal times);
// - an order starts its first tasks, and a finished task hands over to its successors, by
//   the receiving task's name (the order in which they queue at a shared unit);
// - the defects an order carries are inspected and looked at origin by origin, by name (the
//   order in which they consume their detection and visibility draws).

#include <models/model/model.hpp>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

namespace eslabon {

struct NameOrder {
  explicit NameOrder(const Model& m) {
    flows = by_name(m.flows.size(), [&](std::size_t i) -> const std::string& { return m.flows[i].name; });
    units = by_name(m.units.size(), [&](std::size_t i) -> const std::string& { return m.units[i].name; });
    // A defect type's origin FROM->TO:TYPE goes by its link's name, beside the link's own origin
    // and after it, types in severity order: a link's defects keep their place whether or not
    // they have types (a stable sort; the link's own origin comes first in the model).
    origins = by_name(m.origins.size(), [&](std::size_t i) -> const std::string& {
      const Origin& g = m.origins[i];
      return g.type >= 0 ? m.links[static_cast<std::size_t>(g.link)].key : g.name;
    });
    for (const Flow& f : m.flows) {
      auto task_name = [&](int k) -> const std::string& { return f.tasks[static_cast<std::size_t>(k)].name; };
      std::vector<int> src = f.sources;
      std::stable_sort(src.begin(), src.end(), [&](int a, int b) { return task_name(a) < task_name(b); });
      sources.push_back(std::move(src));
      std::vector<std::vector<int>> outs;
      for (const Task& t : f.tasks) {
        std::vector<int> o = t.out;
        std::stable_sort(o.begin(), o.end(),
                         [&](int a, int b) { return task_name(f.edges[a].to) < task_name(f.edges[b].to); });
        outs.push_back(std::move(o));
      }
      out.push_back(std::move(outs));
    }
  }

  std::vector<std::size_t> flows, units, origins;
  std::vector<std::vector<int>> sources;           // per flow: first tasks
  std::vector<std::vector<std::vector<int>>> out;  // per flow and task: outgoing edges

 private:
  template <class Name>
  static std::vector<std::size_t> by_name(std::size_t n, Name&& name) {
    std::vector<std::size_t> v(n);
    std::iota(v.begin(), v.end(), std::size_t{0});
    std::stable_sort(v.begin(), v.end(), [&](std::size_t a, std::size_t b) { return name(a) < name(b); });
    return v;
  }
};

}  // namespace eslabon
