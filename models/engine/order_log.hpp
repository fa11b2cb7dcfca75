#pragma once
// The per-order table (`--orders`): one row per tagged order when it leaves for good
// (delivered and settled, or lost). Columns are created once, in a fixed order.

#include <models/engine/orders.hpp>
#include <models/model/model.hpp>

#include <eslabon/core/table.hpp>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

namespace eslabon {

struct OrderOutcome {
  bool complained = false, resolved = false, churned = false;
  bool delivered = true;
};

class OrderLog {
 public:
  static void create_columns(Table& t) {
    t.i64("replication");
    t.str("flow");
    t.i64("order");
    t.f64("arrival");
    t.f64("delivered");
    t.f64("lead_time");
    t.f64("due");
    t.i64("on_time");
    t.i64("lost");
    t.i64("defects");
    t.i64("visible_defects");
    t.str("defect_origins");
    t.i64("reworks");
    t.i64("complained");
    t.i64("resolved");
    t.i64("churned");
    t.f64("copq");
  }

  static void create_delay_columns(Table& t) {
    t.i64("replication");
    t.str("flow");
    t.i64("order");
    t.str("cause");
    t.f64("time");
  }
  // One row per cause that took time on the delivered order's path (DelayBook::order_times).
  static void append_delays(Table& t, std::uint64_t replication, const std::string& flow, std::uint64_t number,
                            const std::vector<std::string>& causes, const std::vector<double>& times) {
    for (std::size_t c = 0; c < times.size(); ++c) {
      if (!(times[c] > 0)) continue;
      t.i64("replication").push_back(static_cast<std::int64_t>(replication));
      t.str("flow").push_back(flow);
      t.i64("order").push_back(static_cast<std::int64_t>(number));
      t.str("cause").push_back(causes[c]);
      t.f64("time").push_back(times[c]);
    }
  }

  // `origin_order`: origins by name (the defect_origins column lists them in that order).
  static void append(Table& t, std::uint64_t replication, const Model& m, const std::vector<std::size_t>& origin_order,
                     const Orders& orders, std::uint32_t o, const OrderOutcome& out) {
    const bool delivered = out.delivered && orders.has(o, Orders::kDelivered);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double at = delivered ? orders.delivered(o) : nan;
    const Flow& fl = m.flows[orders.flow(o)];
    t.i64("replication").push_back(static_cast<std::int64_t>(replication));
    t.str("flow").push_back(fl.name);
    t.i64("order").push_back(static_cast<std::int64_t>(orders.number(o)));
    t.f64("arrival").push_back(orders.arrival(o));
    t.f64("delivered").push_back(at);
    t.f64("lead_time").push_back(delivered ? at - orders.arrival(o) : nan);
    t.f64("due").push_back(orders.due(o));
    t.i64("on_time").push_back(delivered && at - orders.arrival(o) <= fl.due + 1e-12 * std::max(1.0, at) ? 1 : 0);
    t.i64("lost").push_back(delivered ? 0 : 1);
    t.i64("defects").push_back(delivered ? orders.carried(o) : 0);
    t.i64("visible_defects").push_back(delivered ? orders.visible(o) : 0);
    std::string origins;
    if (!m.origins.empty() && delivered) {
      const std::uint8_t* d = orders.defects_of(o);
      for (std::size_t g : origin_order)
        if (d[g]) origins += (origins.empty() ? "" : ";") + m.origins[g].name;
    }
    t.str("defect_origins").push_back(origins);
    t.i64("reworks").push_back(orders.reworks(o));
    t.i64("complained").push_back(out.complained ? 1 : 0);
    t.i64("resolved").push_back(out.resolved ? 1 : 0);
    t.i64("churned").push_back(out.churned ? 1 : 0);
    t.f64("copq").push_back(orders.copq(o));
  }
};

}  // namespace eslabon
