#pragma once
// The units (departments) of a replication: servers, the waiting line, outages, and the
// statistics each keeps. The dispatcher decides what happens; these are the state changes
// and the questions it asks (is there room, is a server free, who is next).

#include <models/engine/waiting_line.hpp>
#include <models/model/model.hpp>

#include <eslabon/core/event_list.hpp>  // ESLABON_INLINE
#include <eslabon/core/statistics.hpp>

#include <cstdint>
#include <vector>

namespace eslabon {

struct UnitState {
  UnitState(const Unit& u, double warmup, double horizon)
      : servers(u.has_shifts() ? u.shifts.front().servers : u.servers),
        capacity(u.capacity),
        discipline(u.discipline),
        service_at_entry(discipline_info(u.discipline).needs_service),
        outages(u.outages),
        preempts(discipline_info(u.discipline).preempts),
        shift_preempt(u.has_shifts() && u.shift_preempt),
        ranks(preempts || shift_preempt),
        pressured(u.has_pressure()),
        tracks(outages || ranks || pressured),
        shifted(u.has_shifts()),
        speed(u.speed()),
        errors(pressured ? u.error_factor() * u.pressure.errors[0] : u.error_factor()),
        speedup(pressured ? u.pressure.speedup[0] : 1.0),
        line(u.discipline),
        busy_tw(warmup, horizon),
        queue_tw(warmup, horizon),
        down_tw(warmup, horizon),
        scheduled_tw(warmup, horizon),
        speedup_tw(warmup, horizon),
        errors_tw(warmup, horizon),
        top_tw(warmup, horizon) {
    if (shifted) scheduled_tw.set(0.0, servers);
    closes = u.closes();
    closed = closes && servers == 0;
    if (pressured) {
      speedup_tw.set(0.0, speedup);
      errors_tw.set(0.0, u.pressure.errors[0]);
      top_tw.set(0.0, u.pressure.levels.size() == 1 ? 1.0 : 0.0);
    }
  }

  int servers;
  std::int64_t capacity;
  Discipline discipline;
  bool service_at_entry;  // its discipline orders by service time, drawn when a job joins
  int busy = 0;           // servers holding a job (working, or frozen by an outage)
  bool down = false;
  double down_total = 0, down_since = 0;  // down_clock()
  bool closes = false;                    // shifts with a level 0: runs the closed clock
  bool closed = false;                    // no server scheduled and not down (closed_clock())
  double closed_total = 0, closed_since = 0;
  bool outages = false;
  bool preempts = false;  // its discipline preempts lower-priority work (preemptive)
  bool shift_preempt = false;  // shift_end: preempt (engine/shifts.cpp)
  bool ranks = false;          // preempts or shift_preempt: jobs in service keep a Holder, and can resume
  bool pressured = false;      // pressure (engine/pressure.cpp): its level sets speedup and errors
  bool tracks = false;         // outages, ranks or pressured: only then are the jobs in service tracked
  bool shifted = false;        // servers follow the unit's shifts (Shift events)
  std::size_t shift_next = 0;  // shifts: the change point the next Shift event applies
  double shift_base = 0;       // shifts: the start of the current week
  double speed = 1;       // service times are divided by it (staff: training x motivation)
  double errors = 1;      // defect probability of the links it supplies, skips of its tasks: x it
  // Pressure: work in service is done at speed x speedup (the level's); errors above include the
  // level's multiplier. utilisation: the moving average `ewma` at time `ewma_at`, moving towards
  // `signal` (busy / scheduled servers since then); `crossing` counts the crossing events
  // scheduled (a pending one with an older count is stale), `rising` says which way it goes.
  double speedup = 1;
  int level = 0;
  double ewma = 0, ewma_at = 0, signal = 0;
  std::uint32_t crossing = 0;
  bool rising = false;
  WaitingLine line;
  TimeWeighted busy_tw, queue_tw, down_tw;
  TimeWeighted scheduled_tw;  // shifts: the scheduled servers (utilisation is over them)
  TimeWeighted speedup_tw, errors_tw, top_tw;  // pressure: the level's multipliers; at the top level
  Welford wait;
  std::uint64_t completions = 0;          // in the window
  std::uint64_t rejected = 0;             // in the window
  std::uint64_t abandoned = 0;            // jobs whose patience ran out in the line, in the window
  std::size_t withdrawn = 0;              // entries of lost orders' jobs still in the line
  std::vector<std::uint32_t> in_service;  // jobs holding a server (for outages and preemption)
  // ranks: per in_service slot, its job's priority and when it (re)started (a count).
  struct Holder {
    int priority;
    std::uint64_t started;
  };
  std::vector<Holder> holders;
  std::uint64_t starts = 0;

  // Jobs waiting: the line without the withdrawn entries, which hold no place (capacity)
  // and do not count in the queue length; they are dropped when they come up.
  std::size_t waiting() const { return line.size() - withdrawn; }
  bool full() const { return capacity >= 0 && static_cast<std::int64_t>(waiting()) + busy >= capacity; }
  bool can_start() const { return busy < servers && !down; }

  void enqueue(std::uint32_t job, double key, double now) {
    line.push(job, key);
    queue_tw.set(now, static_cast<double>(waiting()));
  }
  // A preempted job goes back to the head of its priority class (the most recently preempted
  // first).
  void enqueue_front(std::uint32_t job, double key, double now) {
    line.push_front(job, key);
    queue_tw.set(now, static_cast<double>(waiting()));
  }
  // A waiting job's order was lost: it leaves the queue now (its entry stays in the line).
  void withdraw(double now) {
    ++withdrawn;
    queue_tw.set(now, static_cast<double>(waiting()));
  }
  // The next entry of the line; the caller drops a withdrawn one (dropped()) or takes it
  // (dequeued()).
  std::uint32_t pop() { return line.pop(); }
  void dropped() { --withdrawn; }
  void dequeued(double now) { queue_tw.set(now, static_cast<double>(waiting())); }
  // A server takes a job that waited since `enqueued`.
  ESLABON_INLINE void seize(double now, double enqueued, bool in_window) {
    ++busy;
    busy_tw.set(now, busy);
    if (in_window) wait.add(now - enqueued);
  }
  // Tracks the job in service (outages freeze it, a preemption takes its server); `slot` is
  // where it sits.
  void hold(std::uint32_t job, std::uint32_t& slot, int priority) {
    slot = static_cast<std::uint32_t>(in_service.size());
    in_service.push_back(job);
    if (ranks) holders.push_back(Holder{priority, ++starts});
  }
  // Stops tracking the job at `slot`; returns the job moved into that slot (or none).
  std::uint32_t unhold(std::uint32_t slot) {
    const std::uint32_t last = in_service.back();
    in_service[slot] = last;
    in_service.pop_back();
    if (ranks) {
      holders[slot] = holders.back();
      holders.pop_back();
    }
    return last;
  }
  // The slot of the job that a job of `priority` preempts: the lowest priority in service, the
  // most recently started among equals; -1 when every job in service has at least `priority`.
  int victim(int priority) const {
    int best = -1;
    for (std::size_t i = 0; i < holders.size(); ++i) {
      const Holder& h = holders[i];
      if (h.priority >= priority) continue;
      if (best < 0 || h.priority < holders[best].priority ||
          (h.priority == holders[best].priority && h.started > holders[best].started))
        best = static_cast<int>(i);
    }
    return best;
  }
  // Total time down up to `now` (a clock that runs only while the unit is down).
  double down_clock(double now) const { return down_total + (down ? now - down_since : 0.0); }
  // Total time closed up to `now`: no server scheduled while not down (an outage comes first).
  double closed_clock(double now) const { return closed_total + (closed ? now - closed_since : 0.0); }
  // After a change of servers, a failure or a repair of a unit that closes.
  void update_closed(double now) {
    const bool c = servers == 0 && !down;
    if (c == closed) return;
    if (c)
      closed_since = now;
    else
      closed_total += now - closed_since;
    closed = c;
  }
  void fail(double now) {
    down = true;
    down_since = now;
    down_tw.set(now, 1.0);
    busy_tw.set(now, 0.0);
  }
  void recover(double now) {
    down = false;
    down_total += now - down_since;
    down_tw.set(now, 0.0);
    busy_tw.set(now, busy);
  }
};

}  // namespace eslabon
