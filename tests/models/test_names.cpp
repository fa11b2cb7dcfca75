// Random numbers addressed by name (models/engine/draws.hpp, name_order.hpp): reordering the
// units, flows, tasks and links of a config, or inserting new ones that do not touch an
// order's path, leaves every order's results bit-identical. Checked per order (flow, order
// number), on every column of the --orders table, on a model with every kind of draw:
// fork and join (two branches at one unit), a finite customer base, skips, task and unit links with every outcome,
// delays, outages, finite capacity (lost orders) and complaints.

#include <models/config/loader.hpp>
#include <models/engine/draws.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace {

using eslabon::Table;

struct Parts {
  std::vector<std::string> units;
  std::vector<std::pair<std::string, std::vector<std::string>>> flows;  // header lines, task lines
  std::vector<std::string> links;
};

Parts base_parts() {
  Parts p;
  p.units = {
      "  sales:      {servers: 2, cost_per_hour: 35}",
      "  purchasing: {servers: 1, cost_per_hour: 40, outages: {mtbf: 80h, mttr: {exponential: {mean: 3h}}}}",
      "  design:     {servers: 1, discipline: edf}",
      "  production: {servers: 2, capacity: 9, cost_per_hour: 45, outages: {mtbf: 120h, mttr: {exponential: {mean: 4h}}}}",
      "  logistics:  {servers: 2, discipline: priority}",
      "  desk:       {servers: 1, capacity: 2}",
  };
  p.flows = {
      {"  business:\n    arrivals: {customers: 200, rate_per_customer: 0.002}\n    due: 30h\n    value: 900\n    priority: 2\n    tasks:",
       {"      take_order: {unit: sales,      service: {exponential: {mean: 1.0}}}",
        "      buy:        {unit: purchasing, service: {exponential: {mean: 1.2}}, after: take_order, skip: 0.05, skip_defect: 0.5}",
        "      draw:       {unit: design,     service: {gamma: {mean: 1.5, cv: 0.7}}, after: take_order}",
        "      check:      {unit: purchasing, service: {exponential: {mean: 0.3}}, after: take_order}",
        "      make:       {unit: production, service: {lognormal: {mean: 2.0, cv: 0.5}}, after: [buy, draw, check]}",
        "      ship:       {unit: logistics,  service: {exponential: {mean: 1.0}}, after: make}"}},
      {"  retail:\n    arrivals: {poisson: 0.3}\n    due: 12h\n    value: 150\n    tasks:",
       {"      take_order: {unit: sales,      service: {exponential: {mean: 0.5}}}",
        "      make:       {unit: production, service: {gamma: {mean: 1.5, cv: 0.6}}, after: take_order, skip: 0.02, skip_defect: 1}",
        "      ship:       {unit: logistics,  service: {exponential: {mean: 0.8}}, after: make}"}},
  };
  p.links = {
      "  - {from: take_order, to: buy, defect: 0.05, detect: 0.6, on_detect: fix, fix_service: {exponential: {mean: 0.5}}, sla: 4h}",
      "  - {from: buy, to: make, defect: 0.08, detect: 0.8, on_detect: rework, delay: {exponential: {mean: 0.4}}}",
      "  - {from: draw, to: make, defect: 0.04, detect: 0.5, on_detect: scrap}",
      "  - {from: sales, to: production, defect: 0.03, detect: 0.7, on_detect: rework}",
      "  - {from: make, to: ship, defect: 0.03, detect: 0.4, on_detect: fix, fix_service: {exponential: {mean: 0.3}}, delay: {exponential: {mean: 0.2}}}",
  };
  return p;
}

std::string text(const Parts& p) {
  std::string s = "name: names\ntime_unit: hour\nrun: {horizon: 3000, warmup: 300, replications: 2, seed: 9}\nunits:\n";
  for (const auto& u : p.units) s += u + "\n";
  s += "flows:\n";
  for (const auto& [head, tasks] : p.flows) {
    s += head + "\n";
    for (const auto& t : tasks) s += t + "\n";
  }
  s += "links:\n";
  for (const auto& l : p.links) s += l + "\n";
  s += "complaints: {unit: desk, service: {exponential: {mean: 6h}}, visible: 0.9, complain: 0.6, resolve: 0.7,\n"
       "             churn_if_resolved: 0.1, churn_if_unresolved: 0.5, churn_if_silent: 0.2}\n"
       "costs: {late_penalty: 40, scrap: 100, complaint: 20, lost_customer: 1000}\n";
  return s;
}

// Every order's row, by (flow, order number), as text at full precision.
using Rows = std::map<std::tuple<std::string, std::int64_t, std::int64_t>, std::string>;

Rows orders_of(const std::string& yaml) {
  eslabon::RunOptions opt;
  opt.record_orders = true;
  opt.threads = 1;
  const eslabon::RunResult r = eslabon::run_model(eslabon::load_model_text(yaml, "names.yaml"), opt);
  const Table t = r.orders_table();
  const auto& rep = t.find("replication")->data;
  const auto& flow = std::get<std::vector<std::string>>(t.find("flow")->data);
  const auto& order = std::get<std::vector<std::int64_t>>(t.find("order")->data);
  Rows rows;
  for (std::size_t i = 0; i < t.rows(); ++i) {
    std::string row;
    for (const auto& c : t.columns()) {
      std::visit(
          [&](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, std::vector<double>>) {
              std::uint64_t bits;
              std::memcpy(&bits, &v[i], sizeof bits);
              row += c.name + "=" + std::to_string(bits) + " ";
            } else if constexpr (std::is_same_v<V, std::vector<std::int64_t>>) {
              row += c.name + "=" + std::to_string(v[i]) + " ";
            } else {
              row += c.name + "=" + v[i] + " ";
            }
          },
          c.data);
    }
    rows[{flow[i], std::get<std::vector<std::int64_t>>(rep)[i], order[i]}] = row;
  }
  return rows;
}

// Every order of `flows` in `a` has the identical row in `b`.
void expect_same_orders(const Rows& a, const Rows& b, const std::vector<std::string>& flows) {
  std::size_t compared = 0, lost = 0, complained = 0, defective = 0;
  for (const auto& [key, row] : a) {
    if (std::find(flows.begin(), flows.end(), std::get<0>(key)) == flows.end()) continue;
    auto it = b.find(key);
    ASSERT_NE(it, b.end()) << "order " << std::get<2>(key) << " of " << std::get<0>(key) << " is missing";
    ASSERT_EQ(row, it->second) << "order " << std::get<2>(key) << " of " << std::get<0>(key);
    ++compared;
    lost += row.find("lost=1 ") != std::string::npos;
    complained += row.find("complained=1 ") != std::string::npos;
    defective += row.find("defect_origins= ") == std::string::npos;
  }
  for (const auto& [key, row] : b)
    if (std::find(flows.begin(), flows.end(), std::get<0>(key)) != flows.end()) {
      EXPECT_TRUE(a.count(key));
    }
  // The model exercises what it should: many orders, some lost, complaining, defective.
  EXPECT_GT(compared, 1000u);
  EXPECT_GT(lost, 0u);
  EXPECT_GT(complained, 0u);
  EXPECT_GT(defective, 0u);
}

TEST(Names, ReorderingUnitsFlowsTasksAndLinksChangesNoOrder) {
  const Parts p = base_parts();
  Parts q = p;
  std::reverse(q.units.begin(), q.units.end());
  std::reverse(q.flows.begin(), q.flows.end());
  for (auto& f : q.flows) std::reverse(f.second.begin(), f.second.end());
  std::reverse(q.links.begin(), q.links.end());
  Parts r = p;  // another permutation: rotate
  std::rotate(r.units.begin(), r.units.begin() + 2, r.units.end());
  std::rotate(r.links.begin(), r.links.begin() + 3, r.links.end());
  std::swap(r.flows[0].second[1], r.flows[0].second[2]);
  const Rows a = orders_of(text(p));
  expect_same_orders(a, orders_of(text(q)), {"business", "retail"});
  expect_same_orders(a, orders_of(text(r)), {"business", "retail"});
}

TEST(Names, InsertingAZeroTimeFirstTaskChangesNoOrder) {
  Parts p = base_parts();
  const Rows a = orders_of(text(p));
  // A new first task at a new unit, taking no time, before take_order in both flows.
  p.units.insert(p.units.begin(), "  reception: {servers: 1000}");
  for (auto& f : p.flows) {
    f.second.insert(f.second.begin(), "      greet: {unit: reception, service: 0}");
    f.second[1] = f.second[1].substr(0, f.second[1].size() - 1) + ", after: greet}";
  }
  expect_same_orders(a, orders_of(text(p)), {"business", "retail"});
}

TEST(Names, InsertingUnitsLinksAndAFlowElsewhereChangesNoOtherOrder) {
  Parts p = base_parts();
  const Rows a = orders_of(text(p));
  // A new flow on units of its own, with a faulty link; a fault-free link on the old flows.
  p.units.insert(p.units.begin() + 1, "  lab: {servers: 1}");
  p.units.push_back("  archive: {servers: 1}");
  p.flows.insert(p.flows.begin(), {"  audit:\n    arrivals: {poisson: 0.2}\n    tasks:",
                                   {"      test:  {unit: lab, service: {exponential: {mean: 2}}}",
                                    "      store: {unit: archive, service: {exponential: {mean: 1}}, after: test}"}});
  // (its defects are all caught, so it never sends a complaint to the shared desk)
  p.links.insert(p.links.begin() + 2, "  - {from: test, to: store, defect: 0.3, detect: 1}");
  p.links.push_back("  - {from: take_order, to: draw, defect: 0, detect: 0}");
  expect_same_orders(a, orders_of(text(p)), {"business", "retail"});
}

TEST(Names, NameKeysAreStableAndSpread) {
  // Pinned (FNV-1a 64 of the bytes, then splitmix64's finaliser, recomputed outside C++):
  // a changed hash would silently move every draw of every model.
  EXPECT_EQ(eslabon::name_key("flow:standard"), 0x0adcad7b9f50d0baULL);
  EXPECT_EQ(eslabon::name_key("produce"), 0x9f66e3fd1b7f476fULL);
  EXPECT_NE(eslabon::name_key("produce"), eslabon::name_key("purchase"));
  EXPECT_NE(eslabon::name_key("a->b"), eslabon::name_key("b->a"));
}

}  // namespace
