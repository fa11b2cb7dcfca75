#pragma once
// Where each delivered order's time went (README "Where the time went"): the lead time split
// exactly into causes along the path that decided the delivery.
//
// The path: from the task whose completion delivered the order, back through the handoff that
// made each task ready (at a join, the supplier accepted last, or the one routed away last: a
// routed-away task takes no time, and the path goes on through it to the task that routed) to a
// source task. Along it the times telescope: arrival = ready(source), and for each task ready ->
// start -> done, and for each handoff done(supplier) -> accepted = ready(receiver), so the parts
// sum to the lead time.
//
//   queue:UNIT    ready -> start, less the unit's down time in between; and at a preemptive
//                 unit the time the task spent preempted (back in the line), less down time
//   service:UNIT  start -> done, less down time and fix work caught for the task
//   outage:UNIT   the unit's down time while the task waited or was served
//   closed:UNIT   the time the task waited (or was preempted) while its unit had no server
//                 scheduled (shifts) and was not down; taken out of queue:UNIT
//   delay:LINK    the handoff's first attempt, send -> arrival at the receiver
//   rework:ORIGIN fix work at the receiver (by the origins caught), and on a handoff everything
//                 after its first attempt arrived (or was noticed lost) until it was accepted:
//                 each cycle (the redo's waiting, work, next transit) to what that inspection
//                 caught, a lost attempt's timeout and redo to the link that lost it
//
// Lateness (lead - due, when positive) is shared over the same causes: first over the
// avoidable ones (all but service) in proportion to their times, and when those do not cover
// it, the rest over service:UNIT in proportion (the promise was tighter than the work).
//
// Per order: a record per task and per handoff, and a short list of rework parts; all pooled
// with the order (nothing allocated in steady state).

#include <models/model/model.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace eslabon {

// The causes of a model, in table order, and where each unit, origin and link finds its own.
struct DelayCauses {
  // Units that serve no task (a complaint desk) have no causes: orders never wait there.
  explicit DelayCauses(const Model& m) {
    std::vector<bool> serves(m.units.size(), false);
    for (const Flow& f : m.flows)
      for (const Task& t : f.tasks) serves[static_cast<std::size_t>(t.unit)] = true;
    for (std::size_t u = 0; u < m.units.size(); ++u) {
      service.push_back(serves[u] ? add("service:" + m.units[u].name) : -1);
      queue.push_back(serves[u] ? add("queue:" + m.units[u].name) : -1);
      outage.push_back(serves[u] && m.units[u].outages ? add("outage:" + m.units[u].name) : -1);
      closed.push_back(serves[u] && m.units[u].closes() ? add("closed:" + m.units[u].name) : -1);
      any_closed = any_closed || closed.back() >= 0;
    }
    for (const Origin& g : m.origins) rework.push_back(add("rework:" + g.name));
    for (const Link& l : m.links) delay.push_back(l.has_delay ? add("delay:" + l.from + "->" + l.to) : -1);
  }
  std::vector<std::string> names;
  std::vector<int> service, queue, outage, closed, rework, delay;  // -1: none
  bool any_closed = false;

 private:
  int add(std::string name) {
    names.push_back(std::move(name));
    return static_cast<int>(names.size()) - 1;
  }
};

class DelayBook {
 public:
  DelayBook(const Model& m, std::size_t max_tasks, std::size_t max_edges)
      : causes_(m), max_tasks_(max_tasks), max_edges_(std::max<std::size_t>(max_edges, 1)) {
    time_.assign(causes_.names.size(), 0.0);
    service_cause_.assign(causes_.names.size(), false);
    for (int c : causes_.service)
      if (c >= 0) service_cause_[static_cast<std::size_t>(c)] = true;
    late_.assign(causes_.names.size(), 0.0);
    order_.assign(causes_.names.size(), 0.0);
    order_late_.assign(causes_.names.size(), 0.0);
  }

  const DelayCauses& causes() const { return causes_; }

  void take(std::uint32_t o, const Flow& fl) {
    if (o >= parts_.size()) {
      tasks_.resize(static_cast<std::size_t>(o + 1) * max_tasks_);
      edges_.resize(static_cast<std::size_t>(o + 1) * max_edges_);
      parts_.resize(o + 1);
    }
    std::fill_n(tasks_.begin() + static_cast<std::ptrdiff_t>(o * max_tasks_), fl.tasks.size(), TaskTimes{});
    std::fill_n(edges_.begin() + static_cast<std::ptrdiff_t>(o * max_edges_), fl.edges.size(), EdgeTimes{});
    if (causes_.any_closed) take_closed(o, fl);
    parts_[o].clear();
  }

  // Task k is ready (its suppliers have all handed over) at `now`; `down` is its unit's down clock.
  void ready(std::uint32_t o, int k, double now, double down) {
    TaskTimes& t = task(o, k);
    t.ready = now;
    t.mark = down;
  }
  void start(std::uint32_t o, int k, double now, double down) {
    TaskTimes& t = task(o, k);
    t.start = now;
    t.outage_queue = down - t.mark;
    t.mark = down;
  }
  // Units that close (shifts with a level 0) only, kept apart so that other models pay nothing:
  // the closed clock when task k starts waiting (ready, or preempted), and when a server takes it.
  void closed_wait(std::uint32_t o, int k, double clock) { closed(o, k).mark = clock; }
  void closed_served(std::uint32_t o, int k, double clock) {
    ClosedTimes& c = closed(o, k);
    c.waited += clock - c.mark;
  }
  // Preemptive units: task k was preempted at `now`, and resumes later. The time in between,
  // less the unit's down time then, is queue:UNIT, not service: it moves `start` on by that
  // much (so the queue part grows and the service part shrinks by it; the down time stays an
  // outage). While preempted, `start` holds start - (preempted - down clock then).
  void preempted(std::uint32_t o, int k, double now, double down) { task(o, k).start -= now - down; }
  void resumed(std::uint32_t o, int k, double now, double down) { task(o, k).start += now - down; }
  void done(std::uint32_t o, int k, double now, double down) {
    TaskTimes& t = task(o, k);
    t.done = now;
    t.outage_service = down - t.mark;
  }
  // Task k was routed away at `now` (README "Routing with probabilities"): it took no time, and
  // a path through it goes on, through the edge that resolved it last, to the routing task.
  void passed(std::uint32_t o, int k, double now) {
    TaskTimes& t = task(o, k);
    t.ready = t.start = t.done = now;
    t.mark = t.outage_queue = t.outage_service = 0;
  }
  // Fix work for task k caught at receipt, shared over the origins caught (counts per origin).
  void fix(std::uint32_t o, int k, double work, const std::uint8_t* caught, std::size_t origins) {
    double sum = 0;
    for (std::size_t g = 0; g < origins; ++g) sum += caught[g];
    if (sum <= 0 || work <= 0) return;
    for (std::size_t g = 0; g < origins; ++g)
      if (caught[g]) add_part(o, kTaskPart, k, causes_.rework[g], work * caught[g] / sum);
  }

  // Fix work for task k owned by one origin (a false alarm's, its link's).
  void fix_one(std::uint32_t o, int k, double work, int origin) {
    if (work > 0 && origin >= 0) add_part(o, kTaskPart, k, causes_.rework[static_cast<std::size_t>(origin)], work);
  }

  // The supplier hands over along edge e (an attempt; only the first counts as the delay).
  void sent(std::uint32_t o, int e, double now) {
    EdgeTimes& h = edge(o, e);
    if (!h.sent_once) {
      h.sent_once = true;
      h.sent = now;
    }
  }
  // An attempt reached the receiver on edge e (link l), or was noticed lost (then the link's
  // origin owns what follows). Closes an open rework cycle.
  void arrived(std::uint32_t o, int e, int link, int link_origin, bool lost, double now) {
    EdgeTimes& h = edge(o, e);
    close_cycle(o, e, h, now);
    if (!h.arrived_once) {
      h.arrived_once = true;
      // The first transit: the link's delay, or, lost, the timeout (the link's origin owns it).
      const double transit = now - h.sent;
      const int c = lost ? (link_origin >= 0 ? causes_.rework[static_cast<std::size_t>(link_origin)] : -1)
                         : (link >= 0 ? causes_.delay[static_cast<std::size_t>(link)] : -1);
      if (transit > 0 && c >= 0) add_part(o, kEdgePart, e, c, transit);
    }
    if (lost && link_origin >= 0) open_cycle(o, e, h, now, link_origin, 1.0);
  }
  // The inspection on edge e sent the supplier's work back: what it caught (counts per origin,
  // or one origin) owns the time until the next attempt arrives.
  void sent_back(std::uint32_t o, int e, double now, const std::uint8_t* caught, std::size_t origins, int single) {
    EdgeTimes& h = edge(o, e);
    if (single >= 0) {
      open_cycle(o, e, h, now, single, 1.0);
      return;
    }
    double sum = 0;
    for (std::size_t g = 0; g < origins; ++g) sum += caught[g];
    if (sum <= 0) return;
    for (std::size_t g = 0; g < origins; ++g)
      if (caught[g]) open_cycle(o, e, h, now, static_cast<int>(g), caught[g] / sum);
  }
  // Edge e accepted (or not taken, by routing); `last` when it resolved its receiver's last
  // supplier (the receiver's path goes through it).
  void accepted(std::uint32_t o, int e, int to, bool last) {
    if (last) task(o, to).via = static_cast<std::int32_t>(e);
  }

  // The order was delivered by task `sink` at `now`: its lead time by cause, added to the
  // replication's sums when `tagged`. Returns the causes' times for the order (order_times()).
  void delivered(std::uint32_t o, const Flow& fl, int sink, double arrival, double now, bool tagged) {
    std::fill(order_.begin(), order_.end(), 0.0);
    int k = sink;
    for (;;) {
      const TaskTimes& t = task(o, k);
      const int u = fl.tasks[static_cast<std::size_t>(k)].unit;
      const double fixes = parts_of(o, kTaskPart, k);
      order_[idx(causes_.queue[u])] += t.start - t.ready - t.outage_queue;
      if (causes_.any_closed && causes_.closed[u] >= 0) {
        const double waited = closed(o, k).waited;
        order_[idx(causes_.queue[u])] -= waited;
        order_[idx(causes_.closed[u])] += waited;
      }
      order_[idx(causes_.service[u])] += t.done - t.start - t.outage_service - fixes;
      if (causes_.outage[u] >= 0) order_[idx(causes_.outage[u])] += t.outage_queue + t.outage_service;
      if (t.via < 0) break;
      parts_of(o, kEdgePart, t.via);
      k = fl.edges[static_cast<std::size_t>(t.via)].from;
    }
    if (!tagged) return;
    ++delivered_;
    const double lead = now - arrival;
    const double late = lead - fl.due;
    for (std::size_t c = 0; c < order_.size(); ++c) time_[c] += order_[c];
    std::fill(order_late_.begin(), order_late_.end(), 0.0);
    if (late > 0) {
      lateness_ += late;
      double avoidable = 0, service = 0;
      for (std::size_t c = 0; c < order_.size(); ++c)
        if (order_[c] > 0) (is_service(c) ? service : avoidable) += order_[c];
      const double to_avoidable = std::min(late, avoidable), to_service = late - to_avoidable;
      for (std::size_t c = 0; c < order_.size(); ++c) {
        if (order_[c] <= 0) continue;
        if (!is_service(c))
          order_late_[c] = to_avoidable * order_[c] / avoidable;
        else if (to_service > 0)
          order_late_[c] = to_service * order_[c] / service;
        late_[c] += order_late_[c];
      }
    }
  }
  // The last delivered order's time by cause, and (tagged) its lateness by cause (zeros when on time).
  const std::vector<double>& order_times() const { return order_; }
  const std::vector<double>& order_lateness() const { return order_late_; }

  // Per replication: cause time and lateness summed over tagged delivered orders.
  const std::vector<double>& time_sums() const { return time_; }
  const std::vector<double>& lateness_sums() const { return late_; }
  double lateness_total() const { return lateness_; }
  std::uint64_t delivered_count() const { return delivered_; }

 private:
  static constexpr std::int32_t kTaskPart = 0, kEdgePart = 1;
  struct TaskTimes {
    double ready = 0, start = 0, done = 0, mark = 0, outage_queue = 0, outage_service = 0;
    std::int32_t via = -1;  // the edge that made it ready (-1: a source task)
  };
  struct ClosedTimes {
    double mark = 0, waited = 0;  // closed clock when it began waiting; closed time waited
  };
  struct EdgeTimes {
    double sent = 0, cycle_start = 0;
    std::uint32_t cycle_first = 0, cycle_count = 0;  // the open cycle's parts (fractions until closed)
    bool sent_once = false, arrived_once = false;
  };
  struct Part {
    std::int32_t kind, where, cause;
    double time;
  };

  static std::size_t idx(int c) { return static_cast<std::size_t>(c); }
  bool is_service(std::size_t c) const { return service_cause_[c]; }
  TaskTimes& task(std::uint32_t o, int k) { return tasks_[o * max_tasks_ + static_cast<std::size_t>(k)]; }
  EdgeTimes& edge(std::uint32_t o, int e) { return edges_[o * max_edges_ + static_cast<std::size_t>(e)]; }
  // Out of line, so that take() stays small enough to inline for models without closing units.
  __attribute__((noinline)) void take_closed(std::uint32_t o, const Flow& fl) {
    if (closed_.size() < tasks_.size()) closed_.resize(tasks_.size());
    std::fill_n(closed_.begin() + static_cast<std::ptrdiff_t>(o * max_tasks_), fl.tasks.size(), ClosedTimes{});
  }
  ClosedTimes& closed(std::uint32_t o, int k) { return closed_[o * max_tasks_ + static_cast<std::size_t>(k)]; }
  void add_part(std::uint32_t o, std::int32_t kind, int where, int cause, double time) {
    parts_[o].push_back(Part{kind, where, cause, time});
  }
  void open_cycle(std::uint32_t o, int e, EdgeTimes& h, double now, int origin, double fraction) {
    if (h.cycle_count == 0) {
      h.cycle_start = now;
      h.cycle_first = static_cast<std::uint32_t>(parts_[o].size());
    }
    ++h.cycle_count;
    add_part(o, kEdgePart, e, causes_.rework[static_cast<std::size_t>(origin)], fraction);
  }
  void close_cycle(std::uint32_t o, int e, EdgeTimes& h, double now) {
    (void)e;
    if (h.cycle_count == 0) return;
    const double span = now - h.cycle_start;
    for (std::uint32_t i = 0; i < h.cycle_count; ++i) parts_[o][h.cycle_first + i].time *= span;
    h.cycle_count = 0;
  }
  // Adds the parts recorded for one task or edge to order_; returns their total.
  double parts_of(std::uint32_t o, std::int32_t kind, int where) {
    double sum = 0;
    if (parts_[o].empty()) return 0;
    for (const Part& p : parts_[o])
      if (p.kind == kind && p.where == where) {
        order_[idx(p.cause)] += p.time;
        sum += p.time;
      }
    return sum;
  }

  DelayCauses causes_;
  std::size_t max_tasks_, max_edges_;
  std::vector<TaskTimes> tasks_;          // per order x task
  std::vector<EdgeTimes> edges_;          // per order x edge
  std::vector<ClosedTimes> closed_;       // per order x task, when some unit closes (else empty)
  std::vector<std::vector<Part>> parts_;  // per order: rework and delay parts (capacity kept)
  std::vector<double> order_, order_late_, time_, late_;
  std::vector<bool> service_cause_;
  double lateness_ = 0;
  std::uint64_t delivered_ = 0;
};

}  // namespace eslabon
