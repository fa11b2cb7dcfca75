#pragma once
// The external customer: what they see of a delivery (each carried defect is noticed with
// probability `visible`), whether they complain or leave, and the finite customer base
// that churn shrinks (arrivals by thinning). Decisions only; the dispatcher acts on them.

#include <models/engine/draws.hpp>
#include <models/model/model.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace eslabon {

class Customers {
 public:
  // `order`: the origins in the order their defects are looked at (by name, name_order.hpp).
  Customers(const Model& m, const std::vector<std::size_t>& order)
      : complaints_(m.complaints), order_(order), seen_(m.origins.size(), 0) {
    for (const Flow& f : m.flows) {
      left_.push_back(f.customers);
      base_ += f.customers;
      finite_ = finite_ || f.customers > 0;
    }
    // Severity levels: 0 for the complaints section (untyped defects, lateness, discourtesy),
    // 1 + k for defect type k (README "Weak links": the most severe noticed type governs).
    const Complaints& c = m.complaints;
    reactions_.push_back({c.complain, c.churn_if_resolved, c.churn_if_unresolved, c.churn_if_silent});
    for (const DefectType& t : m.defect_types)
      reactions_.push_back({t.complain, t.churn_if_resolved, t.churn_if_unresolved, t.churn_if_silent});
    for (const Origin& g : m.origins) {
      const DefectType* t = g.type >= 0 ? &m.defect_types[static_cast<std::size_t>(g.type)] : nullptr;
      level_.push_back(static_cast<std::uint8_t>(t ? g.type + 1 : 0));
      visible_.push_back(t ? t->visible : c.visible);
      cost_.push_back(t ? t->cost : 0.0);
      typed_ = typed_ || t;
    }
  }

  // Thinning: a candidate arrival from the full base becomes an order with probability
  // customers_left / customers.
  bool admits(const Flow& fl, std::uint32_t flow, RandomStream& thinning) const {
    if (fl.customers <= 0) return true;
    const double u = thinning.uniform();
    return !(u * static_cast<double>(fl.customers) >= static_cast<double>(left_[flow]));
  }
  void lose(std::uint32_t flow) {
    if (left_[flow] > 0) {
      --left_[flow];
      --base_;
    }
  }
  // A new customer joins the flow's base, unless it is the whole market already.
  bool gain(const Flow& fl, std::uint32_t flow) {
    if (left_[flow] >= fl.customers) return false;
    ++left_[flow];
    ++base_;
    return true;
  }
  // Customers in the finite bases of all flows; whether any flow has one.
  std::int64_t base() const { return base_; }
  bool finite() const { return finite_; }

  // The customer looks at a delivery carrying `defects` (per origin). Returns the number
  // carried; `visible` gets the number noticed and seen() the noticed ones per origin.
  // A defect of a type is noticed with the type's `visible`; level() is then the most severe
  // level among the noticed defects (0 when none of them had a type).
  template <class StreamAt>
  int look(const std::uint8_t* defects, int& visible, StreamAt&& at) {
    int carried = 0;
    visible = 0;
    level_seen_ = 0;
    std::fill(seen_.begin(), seen_.end(), 0);
    if (seen_.empty()) return 0;
    RandomStream vis = at(purpose::visible);
    if (!typed_) {
      for (std::size_t g : order_)
        for (int i = 0; i < defects[g]; ++i) {
          ++carried;
          if (vis.uniform() < complaints_.visible) {
            ++seen_[g];
            ++visible;
          }
        }
      return carried;
    }
    for (std::size_t g : order_) {
      for (int i = 0; i < defects[g]; ++i) {
        ++carried;
        if (vis.uniform() < visible_[g]) {
          ++seen_[g];
          ++visible;
        }
      }
      if (seen_[g]) level_seen_ = std::max<int>(level_seen_, level_[g]);
    }
    return carried;
  }
  const std::vector<std::uint8_t>& seen() const { return seen_; }
  int level() const { return level_seen_; }
  bool typed() const { return typed_; }
  double cost(std::size_t origin) const { return cost_[origin]; }  // per noticed defect (its type's `cost`)

  bool dissatisfied(int visible, bool late, bool offended) const {
    return visible > 0 || (late && complaints_.late_dissatisfies) || offended;
  }

  // Why a dissatisfied customer is: a noticed defect first, then lateness, then an offending
  // contact (the order in which "Who pays" looks for the causes); the last straw of a loss.
  enum class Reason { Defect, Late, Offended, Satisfied };
  Reason reason(int visible, bool late) const {
    return visible > 0 ? Reason::Defect : late && complaints_.late_dissatisfies ? Reason::Late : Reason::Offended;
  }

  // Whether a dissatisfied customer complains (draw 1 of the order's complaint stream, as react's),
  // by the values of severity `level` (look()).
  template <class StreamAt>
  bool complains(StreamAt&& at, int level = 0) const {
    RandomStream cs = at(purpose::complaint);
    return cs.uniform() < reactions_[static_cast<std::size_t>(level)].complain;
  }
  // A dissatisfied customer's reaction (draws 1 and 2 of the order's complaint stream), by the
  // values of severity `level` (look()).
  enum class Reaction { Complains, Leaves, Stays };
  template <class StreamAt>
  Reaction react(StreamAt&& at, int level = 0) const {
    const Reactions& k = reactions_[static_cast<std::size_t>(level)];
    RandomStream cs = at(purpose::complaint);
    if (cs.uniform() < k.complain) return Reaction::Complains;
    return cs.uniform() < k.churn_if_silent ? Reaction::Leaves : Reaction::Stays;
  }
  // Whether handling resolved the complaint (draw 2).
  template <class StreamAt>
  bool resolved(StreamAt&& at) const {
    RandomStream cs = at(purpose::complaint);
    cs.uniform();
    return cs.uniform() < complaints_.resolve;
  }
  // Whether the customer leaves after handling (draw 3).
  template <class StreamAt>
  bool leaves_after(bool resolved, StreamAt&& at, int level = 0) const {
    const Reactions& k = reactions_[static_cast<std::size_t>(level)];
    const double p = resolved ? k.churn_if_resolved : k.churn_if_unresolved;
    RandomStream cs = at(purpose::complaint);
    cs.uniform();
    cs.uniform();
    return cs.uniform() < p;
  }

 private:
  struct Reactions {
    double complain, churn_if_resolved, churn_if_unresolved, churn_if_silent;
  };
  const Complaints& complaints_;
  const std::vector<std::size_t>& order_;
  std::vector<std::uint8_t> seen_;
  std::vector<Reactions> reactions_;    // per severity level
  std::vector<std::uint8_t> level_;     // per origin: its severity level
  std::vector<double> visible_, cost_;  // per origin
  bool typed_ = false;
  int level_seen_ = 0;
  std::vector<std::int64_t> left_;
  std::int64_t base_ = 0;
  bool finite_ = false;
};

}  // namespace eslabon
