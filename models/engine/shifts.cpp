// Shifts (README "Shifts and calendars"): a unit's scheduled servers change at the change
// points of its week (Unit::shifts, from model time 0 = run.calendar_start). Only models with
// shifts come here. See replication.hpp; where a Shift event sits among events at the same
// time: events.hpp.

#include <models/engine/replication.hpp>

namespace eslabon::engine {

// The next change point after the one in force, one week on when the list wraps.
void Replication::schedule_shift(std::uint32_t u) {
  UnitState& us = units_[u];
  const Unit& un = m_.units[u];
  if (++us.shift_next == un.shifts.size()) {
    us.shift_next = 0;
    us.shift_base += un.shift_period;
  }
  events_.push(us.shift_base + un.shifts[us.shift_next].at, event_class::shift, Shift, u);
}

// More servers: they take waiting work at once. Fewer: under shift_end finish, the busy servers
// above the new level finish the job in hand and leave (service_end starts nothing while busy >=
// servers); under preempt, the excess jobs go back to the line (shed). During an outage nothing
// is served: repair() applies the level.
void Replication::shift(std::uint32_t u) {
  UnitState& us = units_[u];
  us.servers = m_.units[u].shifts[us.shift_next].servers;
  us.scheduled_tw.set(now_, us.servers);
  if (us.closes) us.update_closed(now_);
  schedule_shift(u);
  if (us.down) return;
  while (us.busy < us.servers) {
    const std::uint32_t next = next_waiting_job(us);
    if (next == Jobs::kNone) break;
    start_job(static_cast<int>(u), next);
  }
  if (us.preempts) preempt_after_repair(static_cast<int>(u));
  if (us.shift_preempt) shed(static_cast<int>(u));
  if (us.pressured) pressure_changed(static_cast<int>(u));
}

// A job whose service ends now is left to end (its ServiceEnd comes after this event, events.hpp):
// it is not preempted with no work left, and its server then takes nothing new.
void Replication::shed(int u) {
  UnitState& us = units_[u];
  int ending = 0;
  for (std::uint32_t j : us.in_service)
    if (jobs_.end(j) <= now_) ++ending;
  while (us.busy - ending > us.servers) {
    int best = -1;
    for (std::size_t i = 0; i < us.holders.size(); ++i) {
      if (jobs_.end(us.in_service[i]) <= now_) continue;
      const UnitState::Holder& h = us.holders[i];
      if (best < 0 || h.priority < us.holders[static_cast<std::size_t>(best)].priority ||
          (h.priority == us.holders[static_cast<std::size_t>(best)].priority &&
           h.started > us.holders[static_cast<std::size_t>(best)].started))
        best = static_cast<int>(i);
    }
    if (best < 0) break;
    preempt(u, best);
  }
  us.busy_tw.set(now_, us.busy);
}

}  // namespace eslabon::engine
