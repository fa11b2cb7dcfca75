// Impatience and urgency (README "Impatience and urgency"): orders that renege when their
// patience at a queue runs out, and preemptive priority. Only models that use them come here
// (a flow with `patience`, a unit with `discipline: preemptive`), so out of the hot path. See
// replication.hpp.

#include <models/engine/replication.hpp>

namespace eslabon::engine {

// The patience is the order's own draw for this task and attempt (draws.hpp, purpose
// patience), so it is the same number whatever else changes (common random numbers). The
// event carries the job's stamp; it is void if the job has left the line by then (Jobs::served,
// withdrawn with its order) or been retired: nothing is removed from the event list.
void Replication::schedule_abandon(std::uint32_t j) {
  const std::uint32_t o = jobs_.order(j);
  const Flow& fl = flow_of(o);
  RandomStream rs =
      streams(o, draws_.task(orders_.flow(o), static_cast<int>(jobs_.task(j)), jobs_.attempt(j)))(purpose::patience);
  jobs_.await(j);
  events_.push(now_ + fl.patience.sample(rs), event_class::abandon, abandon_kind(jobs_.stamp(j)), j);
}

// Job j's patience ran out while it waited: its order abandons, lost like an order a full unit
// turns away (lose()). `costs.abandoned` goes to the queue it gave up on (Who pays).
void Replication::abandon(std::uint32_t j) {
  const std::uint32_t o = jobs_.order(j);
  const std::uint32_t u = jobs_.unit(j);
  if (in_window()) ++units_[u].abandoned;
  if constexpr (kRecording)
    if (traced(o)) trace_lost(o, TraceDetail::Abandoned, static_cast<int>(u));
  if (tagged(o)) {
    ++measures_.tagged_abandoned;
    if (m_.costs.abandoned > 0) {
      orders_.copq(o) += m_.costs.abandoned;
      ledger_.book_cause(m_.costs.abandoned, delays_.causes().queue[u], CostCategory::ExternalFailure);
    }
  }
  lose(o);
}

bool Replication::preempt_for(int u, std::uint32_t j) {
  UnitState& us = units_[u];
  if (us.down) return false;  // nothing is served during an outage: see preempt_after_repair
  const int slot = us.victim(flow_of(jobs_.order(j)).priority);
  if (slot < 0) return false;
  preempt(u, slot);
  start_job(u, j);
  return true;
}

// Preemptive-resume: the job keeps the work done (its `end` becomes the remaining work) and
// waits at the head of its priority class; its pending ServiceEnd goes stale. Time spent
// preempted is queue:UNIT for a task (DelayBook::preempted). A job whose order is already
// lost leaves at once, as its waiting work did when the order was lost.
void Replication::preempt(int u, int slot) {
  UnitState& us = units_[u];
  const std::uint32_t v = us.in_service[static_cast<std::size_t>(slot)];
  const int priority = us.holders[static_cast<std::size_t>(slot)].priority;
  const std::uint32_t o = jobs_.order(v);
  jobs_.slot(us.unhold(static_cast<std::uint32_t>(slot))) = static_cast<std::uint32_t>(slot);
  --us.busy;  // the preempting job's start counts its server busy again
  jobs_.preempt(v, now_);
  if (us.pressured) jobs_.end(v) *= us.speedup;  // its remaining work at speedup 1 (pressure.cpp)
  if (orders_.lost(o)) {
    jobs_.retire(v);
    --orders_.inflight(o);
    settle_if_idle(o);
    return;
  }
  if (jobs_.kind(v) == TaskJob) {
    delays_.preempted(o, static_cast<int>(jobs_.task(v)), now_, us.down_clock(now_));
    if (us.closes) delays_.closed_wait(o, static_cast<int>(jobs_.task(v)), us.closed_clock(now_));
  }
  jobs_.requeued(v, now_);
  if constexpr (kRecording)
    if (traced(o)) trace_job(v, Activity::Suspended, TraceDetail::Preempted);
  us.enqueue_front(v, queue_key(us.discipline, QueueFacts{priority, 0.0, 0.0}), now_);
  jobs_.join_waiting(v, orders_.waiting(o));
}

// Arrivals during an outage could not preempt (nothing was being served); once the unit is back
// and its free servers are taken, the highest-priority waiting job preempts while it outranks
// some job in service.
void Replication::preempt_after_repair(int u) {
  UnitState& us = units_[u];
  while (!us.line.empty()) {
    const std::uint32_t top = us.line.top();
    if (jobs_.withdrawn(top)) {  // as next_waiting() drops it
      us.pop();
      us.dropped();
      jobs_.retire(top);
      continue;
    }
    const int slot = us.victim(flow_of(jobs_.order(top)).priority);
    if (slot < 0) return;
    const std::uint32_t j = next_waiting_job(us);  // top
    preempt(u, slot);
    start_job(u, j);
  }
}

}  // namespace eslabon::engine
