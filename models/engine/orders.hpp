#pragma once
// The orders alive in a replication, as records indexed by a pooled order index: one
// cache line per order, one small record per order and task. Per order and task: suppliers still to hand over (or
// be routed away), rework attempts, first queue entry, extra work from fixes, whether a handoff reached it. Per order
// and origin: defects carried, defects caught (or, once delivered, whom dissatisfaction is blamed on).

#include <models/engine/index_pool.hpp>
#include <models/model/model.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace eslabon {

class Orders {
 public:
  // kTraced: its history goes to the event log (engine/trace.hpp).
  static constexpr std::uint8_t kTagged = 1, kLost = 2, kDelivered = 4, kComplaining = 8, kOffended = 16,
                                kTraced = 32;
  static constexpr std::uint32_t kNoJob = 0xFFFFFFFFu;  // Jobs::kNone

  // Thrown by take() when the orders alive would exceed the limit (run.max_wip).
  struct Full {};

  Orders(std::size_t max_tasks, std::size_t origins, std::uint64_t limit = ~std::uint64_t{0})
      : max_tasks_(max_tasks), origins_(origins), limit_(limit) {}

  std::uint32_t take(const Flow& fl, std::uint32_t flow, std::uint64_t number, double now, bool tagged) {
    const std::uint32_t o = pool_.take();
    if (o == orders_.size()) grow();
    Order& r = orders_[o];
    r.flow = flow;
    r.number = number;
    r.arrival = now;
    r.due = now + fl.due;
    r.delivered = 0;
    r.copq = 0;
    r.sinks = static_cast<std::uint32_t>(fl.sinks);
    r.inflight = 0;
    r.waiting = kNoJob;
    r.reworks = 0;
    r.carried = 0;
    r.visible = 0;
    r.flags = tagged ? kTagged : 0;
    TaskState* ts = tasks_.data() + task_base(o);
    for (std::size_t k = 0; k < fl.tasks.size(); ++k) {
      ts[k].pending = static_cast<std::uint16_t>(fl.tasks[k].after.size());
      ts[k].attempt = 0;
      ts[k].extra = 0;
      ts[k].reached = 0;
    }
    if (origins_) {
      std::fill(defects_of(o), defects_of(o) + origins_, 0);
      std::fill(detected_of(o), detected_of(o) + origins_, 0);
    }
    return o;
  }
  void give(std::uint32_t o) { pool_.give(o); }
  std::uint32_t peak() const { return pool_.size(); }
  // Order records: all alive when take() throws Full (the pool grows only when every one is).
  std::size_t records() const { return orders_.size(); }
  // The orders alive now (for a pilot run's end: those still open).
  template <class F>
  void for_each_alive(F&& f) const {
    std::vector<bool> free(orders_.size(), false);
    for (std::uint32_t i : pool_.free_list())
      if (i < free.size()) free[i] = true;
    for (std::uint32_t o = 0; o < orders_.size(); ++o)
      if (!free[o]) f(o);
  }

  bool tagged(std::uint32_t o) const { return orders_[o].flags & kTagged; }
  bool lost(std::uint32_t o) const { return orders_[o].flags & kLost; }
  bool has(std::uint32_t o, std::uint8_t flag) const { return orders_[o].flags & flag; }
  void set(std::uint32_t o, std::uint8_t flag) { orders_[o].flags |= flag; }
  void clear(std::uint32_t o, std::uint8_t flag) { orders_[o].flags &= static_cast<std::uint8_t>(~flag); }

  std::uint32_t flow(std::uint32_t o) const { return orders_[o].flow; }
  std::uint64_t number(std::uint32_t o) const { return orders_[o].number; }
  double arrival(std::uint32_t o) const { return orders_[o].arrival; }
  double due(std::uint32_t o) const { return orders_[o].due; }
  double& delivered(std::uint32_t o) { return orders_[o].delivered; }
  double delivered(std::uint32_t o) const { return orders_[o].delivered; }
  double& copq(std::uint32_t o) { return orders_[o].copq; }
  double copq(std::uint32_t o) const { return orders_[o].copq; }
  std::uint32_t& sinks(std::uint32_t o) { return orders_[o].sinks; }
  std::uint32_t& inflight(std::uint32_t o) { return orders_[o].inflight; }
  // The first of its jobs waiting in a unit's line (Jobs::join_waiting), or kNoJob.
  std::uint32_t& waiting(std::uint32_t o) { return orders_[o].waiting; }
  std::uint16_t& reworks(std::uint32_t o) { return orders_[o].reworks; }
  std::uint16_t reworks(std::uint32_t o) const { return orders_[o].reworks; }
  std::uint16_t& carried(std::uint32_t o) { return orders_[o].carried; }
  std::uint16_t carried(std::uint32_t o) const { return orders_[o].carried; }
  std::uint16_t& visible(std::uint32_t o) { return orders_[o].visible; }
  std::uint16_t visible(std::uint32_t o) const { return orders_[o].visible; }

  std::uint16_t& pending(std::uint32_t o, int k) { return tasks_[task_base(o) + k].pending; }
  std::uint16_t& attempt(std::uint32_t o, int k) { return tasks_[task_base(o) + k].attempt; }
  double& first_enqueue(std::uint32_t o, int k) { return tasks_[task_base(o) + k].first_enqueue; }
  double& extra(std::uint32_t o, int k) { return tasks_[task_base(o) + k].extra; }
  // A supplier's handoff to task k was accepted while others were outstanding (routing.cpp: when the
  // last of them is routed away, the task is ready if one reached it, else routed away too).
  std::uint16_t& reached(std::uint32_t o, int k) { return tasks_[task_base(o) + k].reached; }

  // (data() + offset: valid, and null + 0, in a model without origins, where nothing is read)
  std::uint8_t* defects_of(std::uint32_t o) { return defects_.data() + static_cast<std::size_t>(o) * origins_; }
  const std::uint8_t* defects_of(std::uint32_t o) const {
    return defects_.data() + static_cast<std::size_t>(o) * origins_;
  }
  std::uint8_t* detected_of(std::uint32_t o) { return detected_.data() + static_cast<std::size_t>(o) * origins_; }

 private:
  // One record per order (one cache line) and one per order and task: an event touches
  // one order, and with 10^4-10^5 orders alive a layout by field cost a miss per field.
  struct alignas(64) Order {
    std::uint64_t number = 0;
    double arrival = 0, due = 0, delivered = 0, copq = 0;
    std::uint32_t flow = 0, sinks = 0, inflight = 0, waiting = kNoJob;
    std::uint16_t reworks = 0, carried = 0, visible = 0;
    std::uint8_t flags = 0;
  };
  static_assert(sizeof(Order) == 64);
  struct TaskState {
    double first_enqueue = 0, extra = 0;
    std::uint16_t attempt = 0, reached = 0, pending = 0;
  };

  std::size_t task_base(std::uint32_t o) const { return static_cast<std::size_t>(o) * max_tasks_; }
  // The pool grows only when every record is alive, so here the orders alive are records() + 1:
  // the limit is checked exactly, and off the per-order path.
  void grow() {
    if (orders_.size() >= limit_) throw Full{};
    orders_.emplace_back();
    tasks_.resize(tasks_.size() + max_tasks_);
    defects_.resize(defects_.size() + origins_, 0);
    detected_.resize(detected_.size() + origins_, 0);
  }

  std::size_t max_tasks_, origins_;
  std::uint64_t limit_;
  IndexPool pool_;
  std::vector<Order> orders_;
  std::vector<TaskState> tasks_;                  // per order x task
  std::vector<std::uint8_t> defects_, detected_;  // per order x origin
};

}  // namespace eslabon
