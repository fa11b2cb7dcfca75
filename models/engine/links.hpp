#pragma once
// Weak links: the faults of a handoff attempt (one header per fault kind in faults/, found
// through the list in models/model/link_faults.hpp) and the receiver's inspection of what it
// gets. Pure decisions on the order's defect counts; the dispatcher acts on them (queues
// rework, adds fix work, charges costs).

#include <models/engine/draws.hpp>
#include <models/engine/faults/defect.hpp>
#include <models/engine/faults/delay.hpp>
#include <models/engine/faults/false_alarm.hpp>
#include <models/engine/faults/lost.hpp>
#include <models/engine/faults/outcome.hpp>
#include <models/model/model.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace eslabon {

// The faults of one handoff attempt on link L at time `now` (faults are on only inside the
// link's active window). `at` makes the order's stream for a purpose. Each kind draws from
// its own stream, so the order of the list changes no draw; a kind that is off draws nothing.
// The list expands to plain calls: no virtual call per handoff. `errors` scales the error
// probabilities of the supplier's people (its unit's staff; 1 for the config's rates).
template <class StreamAt>
HandoffFaults handoff_faults(const Link& L, double now, StreamAt&& at, double errors) {
  HandoffFaults f;
  if (!(now >= L.active_begin && now < L.active_end)) return f;
#define ESLABON_DRAW_FAULT(Type, ...) \
  if (fault::Type::on(L)) fault::Type::draw(L, f, at, errors);
  ESLABON_LINK_FAULTS(ESLABON_DRAW_FAULT)
#undef ESLABON_DRAW_FAULT
  return f;
}

// The receiver's inspection: each defect the order carries is noticed with probability
// `detect`, or, for a defect of a type with its own `detect`, with the type's. Caught defects
// leave the order's carried counts and join its caught counts.
class Inspection {
 public:
  // `order`: the origins in the order their defects are inspected (by name, name_order.hpp).
  Inspection(const Model& m, const std::vector<std::size_t>& order) : order_(order), caught_(order.size(), 0) {
    for (const Origin& g : m.origins) {
      const double d = g.type >= 0 ? m.defect_types[static_cast<std::size_t>(g.type)].detect : -1.0;
      own_detect_.push_back(d >= 0 ? d : -1.0);  // NaN or untyped: the link's
      typed_ = typed_ || d >= 0;
      any_positive_ = any_positive_ || d > 0;
    }
  }

  // Returns how many defects were caught; caught() says of which origins.
  template <class StreamAt>
  int inspect(const Link& L, std::uint8_t* carried, std::uint8_t* caught_so_far, StreamAt&& at) {
    int total = 0;
    std::fill(caught_.begin(), caught_.end(), 0);
    if (L.detect <= 0 && !any_positive_) return 0;
    RandomStream rs = at(purpose::detect);
    if (!typed_) {
      for (std::size_t g : order_) {
        for (int i = 0; i < carried[g]; ++i)
          if (rs.uniform() < L.detect) ++caught_[g];
        total += caught_[g];
      }
    } else {
      for (std::size_t g : order_) {
        const double p = own_detect_[g] >= 0 ? own_detect_[g] : L.detect;
        for (int i = 0; i < carried[g]; ++i)
          if (rs.uniform() < p) ++caught_[g];
        total += caught_[g];
      }
    }
    for (std::size_t g = 0; g < caught_.size(); ++g) {
      carried[g] = static_cast<std::uint8_t>(carried[g] - caught_[g]);
      caught_so_far[g] = static_cast<std::uint8_t>(std::min(255, caught_so_far[g] + caught_[g]));
    }
    return total;
  }

  const std::uint8_t* caught() const { return caught_.data(); }

  // The single origin caught, or kManyOrigins (-2) when several were, -1 when none.
  std::int32_t single_origin() const {
    std::int32_t found = -1;
    for (std::size_t g = 0; g < caught_.size(); ++g)
      if (caught_[g]) {
        if (found >= 0) return -2;
        found = static_cast<std::int32_t>(g);
      }
    return found;
  }

  // The receiver's extra work to fix `n` caught defects (on_detect: fix).
  template <class StreamAt>
  static double fix_work(const Link& L, int n, StreamAt&& at) {
    RandomStream rs = at(purpose::fix);
    double extra = 0;
    for (int i = 0; i < n; ++i) extra += L.fix_service.sample(rs);
    return extra;
  }

 private:
  const std::vector<std::size_t>& order_;
  std::vector<std::uint8_t> caught_;
  std::vector<double> own_detect_;  // per origin: its type's own detect, or -1 (the receiving link's)
  bool typed_ = false, any_positive_ = false;
};

}  // namespace eslabon
