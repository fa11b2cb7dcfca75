// Outages (README "Weak links", `outages`): a unit fails, every server stops with its work
// frozen, and after the repair the work resumes where it stopped. Rare events, out of the hot
// path (replication.cpp); see replication.hpp.

#include <models/engine/replication.hpp>

#include <cmath>

namespace eslabon::engine {

// --- outages --------------------------------------------------------------------------
void Replication::schedule_failure(std::uint32_t u) {
  const double ttf = -m_.units[u].mtbf * std::log(draws_.outage(u).uniform());
  events_.push(now_ + ttf, event_class::failure, Failure, u);
}

// Every server stops; the work in progress keeps its server and resumes after repair.
void Replication::failure(std::uint32_t u) {
  UnitState& us = units_[u];
  if constexpr (kRecording) trace_outage(u, true, 0.0);
  for (std::uint32_t j : us.in_service) {
    jobs_.end(j) -= now_;  // now the remaining work
    jobs_.cancel_end(j);
  }
  us.fail(now_);
  if (us.closes) us.update_closed(now_);
  if (us.pressured) pressure_changed(static_cast<int>(u));
  events_.push(now_ + m_.units[u].mttr.sample(draws_.outage(u)), event_class::repair, Repair, u);
}

void Replication::repair(std::uint32_t u) {
  UnitState& us = units_[u];
  if constexpr (kRecording) trace_outage(u, false, now_ - us.down_since);
  us.recover(now_);
  if (us.closes) us.update_closed(now_);
  for (std::uint32_t j : us.in_service) {
    jobs_.end(j) += now_;
    events_.push(jobs_.end(j), event_class::service_end, service_end_kind(jobs_.stamp(j)), j);
  }
  while (us.busy < us.servers) {
    const std::uint32_t next = next_waiting_job(us);
    if (next == Jobs::kNone) break;
    start_job(static_cast<int>(u), next);
  }
  if (us.preempts) preempt_after_repair(static_cast<int>(u));
  if (us.shift_preempt) shed(static_cast<int>(u));  // a shift ended during the outage
  if (us.pressured) pressure_changed(static_cast<int>(u));
  schedule_failure(u);
}

}  // namespace eslabon::engine
