// The dispatcher's hot path (replication.hpp): run loop, arrivals, tasks, work at units; handoffs.cpp
// holds what happens between tasks.

#include <models/engine/replication.hpp>

#include <eslabon/core/runner.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace eslabon {
namespace engine {

ReplicationResult Replication::run() {
  for (std::size_t f : names_.flows) schedule_arrival(static_cast<std::uint32_t>(f), 0.0);
  for (std::size_t f : names_.flows)
    if (m_.flows[f].acquisition > 0) schedule_acquisition(static_cast<std::uint32_t>(f));
  measures_.finite_base = customers_.finite();
  measures_.set_base(0.0, static_cast<double>(customers_.base()));
  for (std::size_t u : names_.units)
    if (m_.units[u].outages) schedule_failure(static_cast<std::uint32_t>(u));
  for (std::size_t u : names_.units)
    if (m_.units[u].shifts.size() > 1) schedule_shift(static_cast<std::uint32_t>(u));
  std::uint64_t n = 0;
  // The periodic checks come every 2^14 events, and once at run.max_events + 1 (README "Limits").
  const std::uint64_t past_limit =  // saturated, for a Model built in C++ with the largest count
      m_.run.max_events + (m_.run.max_events < std::numeric_limits<std::uint64_t>::max());
  std::uint64_t check_at = std::min<std::uint64_t>(0x4000, past_limit);
  while (!events_.empty()) {
    const Event e = events_.top();
    now_ = e.time;
    if (now_ >= horizon_ && measures_.tagged_open == 0) break;
    if (now_ > cap_) break;
    events_.hold();  // the handler's first push replaces this event (hold fast path)
    switch (e.kind & 0xFF) {
      case ServiceEnd:
        if ((e.kind >> 8) == jobs_.stamp(e.id)) service_end(e.id);  // else cancelled by an outage
        break;
      case Arrival:
        arrival(e.id);
        break;
      case Handoff:
        handoff_arrives(e.id);
        break;
      case Failure:
        failure(e.id);
        break;
      case Repair:
        repair(e.id);
        break;
      case Acquire:
        acquire(e.id);
        break;
      case Shift:
        shift(e.id);
        break;
      case PressureChange:
        pressure_crossing(e.id, e.kind >> 8);
        break;
      case Abandon:  // stale once the job has left the line (served, withdrawn) or been retired
        if ((e.kind >> 8) == jobs_.stamp(e.id) && jobs_.still_waiting(e.id)) abandon(e.id);
        break;
    }
    events_.release();
    if (++n == check_at) [[unlikely]] {
      if (n == past_limit) events_exceeded();
      check_at = std::min((n | 0x3FFF) + 1, past_limit);
      if ((n & 0x3FFF) == 0) {
        measures_.peak_events = std::max<std::uint64_t>(measures_.peak_events, events_.size());
        if (opt_.stop && opt_.stop->load(std::memory_order_relaxed)) throw Interrupted();
        if (opt_.progress) opt_.progress->store(std::min(1.0, now_ / horizon_), std::memory_order_relaxed);
      }
    }
  }
  if (opt_.trace) [[unlikely]]
    trace_open();
  ledger_.prevent(m_.costs.prevention * (horizon_ - warmup_));  // spent over the window
  measures_.fill(result_, m_, units_, ledger_);
  memory_.fill(result_, horizon_);
  fill_delays();
  result_.events = n;
  result_.peak_orders = orders_.peak();
  result_.peak_events = std::max<std::uint64_t>(measures_.peak_events, events_.size());
  if (opt_.progress) opt_.progress->store(1.0, std::memory_order_relaxed);
  return std::move(result_);
}

// --- arrivals -------------------------------------------------------------------------
ESLABON_INLINE void Replication::schedule_arrival(std::uint32_t f, double from) {
  if (m_.flows[f].profile.on()) return schedule_profiled_arrival(f, from);
  events_.push(from + m_.flows[f].interarrival.sample(draws_.arrival(f)), event_class::arrival, Arrival, f);
}

// A rate that changes over time, by thinning (Lewis and Shedler 1979): candidates come at the
// largest rate, drawn from the arrival stream exactly as {poisson: MAX} draws its arrivals, and
// the candidate at time t is kept with probability rate(t) / MAX, by one uniform of the flow's
// thinning stream (a flow with a profile has no finite base to thin). Both streams are read
// once per candidate whatever the rates, so candidate k has the same time and the same uniform
// in every scenario with the same largest rate: raising one piece's rate keeps more candidates
// in that piece and changes nothing elsewhere (common random numbers), and since an order's
// number is its candidate's (candidates not kept still count), the orders outside that piece
// keep all their draws. A rate 0 for ever (a schedule's end) schedules nothing more; a
// candidate after the run's end is pushed untested, as a plain arrival would be.
void Replication::schedule_profiled_arrival(std::uint32_t f, double from) {
  const Flow& fl = m_.flows[f];
  const RateProfile& p = fl.profile;
  double t = from;
  for (;;) {
    t += fl.interarrival.sample(draws_.arrival(f));
    if (t >= p.silent_from) return;
    if (t > cap_ || draws_.thinning(f).uniform() < p.share[p.piece(t)]) break;
    ++next_number_[f];
  }
  events_.push(t, event_class::arrival, Arrival, f);
}

void Replication::arrival(std::uint32_t f) {
  const Flow& fl = m_.flows[f];
  // Orders are numbered by candidate, so that the same candidate has the same random
  // numbers in every scenario, whether or not churn (or a rate profile) has thinned it away
  // in some. The number is taken before the next arrival is scheduled: a profile counts the
  // candidates it drops on the way (schedule_profiled_arrival).
  const std::uint64_t number = next_number_[f]++;
  schedule_arrival(f, now_);
  if (!customers_.admits(fl, f, draws_.thinning(f))) return;
  const std::uint32_t o = orders_.take(fl, f, number, now_, in_window());
  if (memory_.any() && memory_.on(f)) remember_order(o, f);
  delays_.take(o, fl);
  measures_.wip.add(now_, 1.0);
  if (tagged(o)) {
    ++measures_.tagged_open;
    ++measures_.tagged_arrived;
    ++measures_.flows[f].arrived;
    if constexpr (kRecording) trace_arrival(o);
  }
  for (int k : names_.sources[f]) {
    if (orders_.lost(o)) break;
    task_ready(o, k);
  }
}

// --- tasks ---------------------------------------------------------------------------
// All of task k's suppliers have handed over: skip it, or queue it at its unit.
ESLABON_INLINE void Replication::task_ready(std::uint32_t o, int k) {
  const Flow& fl = flow_of(o);
  const Task& t = fl.tasks[k];
  orders_.first_enqueue(o, k) = now_;
  delays_.ready(o, k, now_, down_clock(fl, k));
  if (units_[t.unit].closes) delays_.closed_wait(o, k, units_[t.unit].closed_clock(now_));
  if (t.skip > 0) {
    RandomStream rs = streams(o, draws_.task(orders_.flow(o), k))(purpose::skip);
    const double errors = units_[static_cast<std::size_t>(t.unit)].errors;
    if (rs.uniform() < (errors == 1 ? t.skip : std::min(1.0, t.skip * errors))) {
      delays_.start(o, k, now_, down_clock(fl, k));
      if constexpr (kRecording)
        if (traced(o)) trace_skipped(o, k);
      if (t.skip_defect > 0 && rs.uniform() < t.skip_defect) {
        add_defect(o, t.skip_origin);
        if constexpr (kRecording)
          if (traced(o)) trace_defect(o, -1, k, t.skip_origin);
      }
      task_complete(o, k);
      return;
    }
  }
  submit(JobSpec{o, k, TaskJob});
}

// Task k's work is done for the first time: hand it over to every successor.
ESLABON_INLINE void Replication::task_complete(std::uint32_t o, int k) {
  const Flow& fl = flow_of(o);
  const Task& t = fl.tasks[k];
  delays_.done(o, k, now_, down_clock(fl, k));
  if (t.next.empty()) {
    if (--orders_.sinks(o) == 0) {
      delays_.delivered(o, fl, k, orders_.arrival(o), now_, tagged(o));
      if (opt_.record_orders && tagged(o) && !opt_.trace)
        OrderLog::append_delays(result_.order_delays, result_.replication, fl.name, orders_.number(o),
                                delays_.causes().names, delays_.order_times());
      deliver(o);
    }
    return;
  }
  if (t.routes) [[unlikely]] {
    route(o, k);
    return;
  }
  for (int e : names_.out[orders_.flow(o)][k]) {
    handoff(o, e);
    if (orders_.lost(o)) return;
  }
}

// The handoff along edge e is accepted (handoffs.cpp): the receiving task may start once all its
// suppliers have handed over.
void Replication::accept(std::uint32_t o, int e) {
  const int to = flow_of(o).edges[e].to;
  if constexpr (kRecording)
    if (traced(o)) trace_handed_over(o, e);
  if (--orders_.pending(o, to) == 0) {
    delays_.accepted(o, e, to, true);
    task_ready(o, to);
  } else {
    orders_.reached(o, to) = 1;  // for routing (routing.cpp): its last supplier may be routed away
  }
}

void Replication::task_ready_out_of_line(std::uint32_t o, int k) { task_ready(o, k); }

// Queues work at its unit, or starts it on a free server. A unit that is full turns it
// away: a complaint nobody takes is not resolved; a task's order is lost.
ESLABON_INLINE void Replication::submit(const JobSpec& s) {
  const std::uint32_t o = s.order;
  const Flow& fl = flow_of(o);
  const int u = s.kind == ComplaintJob ? m_.complaints.unit : fl.tasks[s.task].unit;
  UnitState& us = units_[u];
  if (us.full()) {
    if (in_window()) ++us.rejected;
    if constexpr (kRecording)
      if (traced(o)) trace_refused(o, s.kind, u);
    if (s.kind == ComplaintJob)
      complaint_done(o, false, false);
    else
      lose(o);
    return;
  }
  const std::uint32_t j = jobs_.take(s, now_, static_cast<std::uint32_t>(u));
  ++orders_.inflight(o);
  if constexpr (kRecording)
    if (traced(o)) trace_queued(j);
  // A discipline that orders by processing time draws it now, from the same address as at
  // service start (draws.hpp), so a job's service time does not depend on the discipline.
  if (us.service_at_entry) jobs_.service(j) = draw_service(j);
  if (us.can_start()) {
    start(u, j);
  } else if (!(us.preempts && preempt_for(u, j))) {
    QueueFacts q{fl.priority, orders_.due(o), 0.0};
    if (us.service_at_entry) q.service = jobs_.service(j) + (s.kind == TaskJob ? orders_.extra(o, s.task) : 0.0);
    us.enqueue(j, queue_key(us.discipline, q), now_);
    jobs_.join_waiting(j, orders_.waiting(o));
    if (fl.has_patience && s.kind != ComplaintJob) schedule_abandon(j);
  }
  if (us.pressured) [[unlikely]] pressure_changed(u);
}

void Replication::submit_job(const JobSpec& s) { submit(s); }

// Out of line, for delivery.cpp (submit is inlined into the hot path here).
void Replication::submit_complaint(std::uint32_t o) {
  if constexpr (kRecording)
    if (traced(o)) trace_order(o, Activity::Complaint);
  submit(JobSpec{o, 0, ComplaintJob});
}

// The job's own service draw (a task's fix work is added at its start).
ESLABON_INLINE double Replication::draw_service(std::uint32_t j) {
  const double s = draw_work(j);
  const double speed = units_[jobs_.unit(j)].speed;  // staff: training x motivation
  return speed == 1 ? s : s / speed;
}

// The work as the config describes it (for the staff its rates are about).
ESLABON_INLINE double Replication::draw_work(std::uint32_t j) {
  const std::uint32_t o = jobs_.order(j);
  if (jobs_.kind(j) == ComplaintJob) {
    RandomStream rs = streams(o)(purpose::complaint_service);
    return m_.complaints.service.sample(rs);
  }
  const std::uint32_t k = jobs_.task(j);
  const Task& t = flow_of(o).tasks[k];
  RandomStream rs = streams(o, draws_.task(orders_.flow(o), static_cast<int>(k), jobs_.attempt(j)))(purpose::service);
  if (jobs_.kind(j) == ReworkJob) {
    const Link& L = m_.links[jobs_.link(j)];
    const bool own = jobs_.full_redo(j) || !(L.on_detect == OnDetect::Rework && L.has_rework_service);
    return (own ? t.service : L.rework_service).sample(rs);
  }
  return t.service.sample(rs);
}

ESLABON_INLINE void Replication::start(int u, std::uint32_t j) {
  UnitState& us = units_[u];
  us.seize(now_, jobs_.enqueued(j), in_window());
  if (us.closes && jobs_.kind(j) == TaskJob)  // a first start or a resumption
    delays_.closed_served(jobs_.order(j), static_cast<int>(jobs_.task(j)), us.closed_clock(now_));
  if (us.ranks && jobs_.resumes(j)) {
    // Preempted before: its remaining work, nothing drawn or charged again.
    if constexpr (kRecording)
      if (traced(jobs_.order(j))) trace_started(j, Activity::Resumed, TraceDetail::Preempted);
    if (jobs_.kind(j) == TaskJob)
      delays_.resumed(jobs_.order(j), static_cast<int>(jobs_.task(j)), now_, us.down_clock(now_));
    const double s = jobs_.resume(j) / (us.pressured ? us.speedup : 1.0);  // pressure: kept at speedup 1
    us.hold(j, jobs_.slot(j), flow_of(jobs_.order(j)).priority);
    jobs_.end(j) = now_ + s;
    events_.push(jobs_.end(j), event_class::service_end, service_end_kind(jobs_.stamp(j)), j);
    return;
  }
  if constexpr (kRecording)
    if (traced(jobs_.order(j))) trace_started(j, Activity::Started, TraceDetail::None);
  double s = us.service_at_entry ? jobs_.service(j) : draw_service(j);
  if (jobs_.kind(j) == TaskJob) {
    delays_.start(jobs_.order(j), static_cast<int>(jobs_.task(j)), now_, us.down_clock(now_));
    double& extra = orders_.extra(jobs_.order(j), static_cast<int>(jobs_.task(j)));
    s += extra;  // fixes of defects caught at receipt
    extra = 0;
  }
  if (us.tracks) s = hold(us, j, s);
  if (jobs_.kind(j) == ReworkJob) {
    const std::uint32_t o = jobs_.order(j);
    const double c = s * m_.units[u].cost_per_time;
    if (jobs_.blame(j) == kManyOrigins) {
      if (tagged(o)) measures_.add_rework_time(s, jobs_.weights(j));
      charge(o, c, jobs_.weights(j), CostCategory::InternalFailure);
    } else {
      if (tagged(o)) measures_.add_rework_time(s, jobs_.blame(j));
      charge_one(o, c, jobs_.blame(j), CostCategory::InternalFailure);
    }
  }
  jobs_.end(j) = now_ + s;
  events_.push(jobs_.end(j), event_class::service_end, service_end_kind(jobs_.stamp(j)), j);
}

void Replication::start_job(int u, std::uint32_t j) { start(u, j); }

void Replication::service_end(std::uint32_t j) {
  const std::uint32_t o = jobs_.order(j);
  if constexpr (kRecording)
    if (traced(o) && jobs_.kind(j) != ComplaintJob) trace_job(j, Activity::Completed, TraceDetail::None);
  const int u = static_cast<int>(jobs_.unit(j));
  UnitState& us = units_[u];
  // Release before seize: the freed server takes the next waiting job first, so work
  // routed on from this task queues behind it.
  --us.busy;
  if (us.tracks) jobs_.slot(us.unhold(jobs_.slot(j))) = jobs_.slot(j);
  if (in_window()) ++us.completions;
  // A server whose shift has ended (shift_end: finish) leaves with its job done.
  std::uint32_t next = Jobs::kNone;
  if (us.busy < us.servers) [[likely]]
    next = next_waiting(us);
  if (next != Jobs::kNone)
    start(u, next);
  else
    us.busy_tw.set(now_, us.busy);
  if (us.pressured) [[unlikely]] pressure_changed(u);  // before its handoff draws its errors
  const JobKind kind = jobs_.kind(j);
  const int task = static_cast<int>(jobs_.task(j));
  const int edge = static_cast<int>(jobs_.edge(j));
  jobs_.retire(j);
  --orders_.inflight(o);
  if (kind == ComplaintJob) {
    const bool resolved = customers_.resolved(streams(o));
    if constexpr (kRecording) {
      const bool well = courteous_handling(o) && resolved;
      if (traced(o)) trace_complaint_handled(o, u, well);
      complaint_done(o, true, well);
      return;
    }
    complaint_done(o, true, courteous_handling(o) && resolved);
    return;
  }
  if (orders_.lost(o)) {
    settle_if_idle(o);
    return;
  }
  if (kind == ReworkJob) {
    handoff(o, edge);  // hand the redone work over again, on the edge that sent it back
    return;
  }
  if (flow_of(o).tasks[task].contact) contact(o, task);
  task_complete(o, task);
}

// The next job to serve from a unit's waiting line, or none. The entries of jobs withdrawn
// when their order was lost (lose()) are dropped as they come up: they left the queue then.
ESLABON_INLINE std::uint32_t Replication::next_waiting(UnitState& us) {
  while (!us.line.empty()) {
    const std::uint32_t j = us.pop();
    if (jobs_.withdrawn(j)) {
      us.dropped();
      jobs_.retire(j);
      continue;
    }
    us.dequeued(now_);
    jobs_.leave_waiting(j, orders_.waiting(jobs_.order(j)));
    jobs_.served(j);  // a pending Abandon of it is void
    return j;
  }
  return Jobs::kNone;
}

std::uint32_t Replication::next_waiting_job(UnitState& us) { return next_waiting(us); }

}  // namespace engine

}  // namespace eslabon
