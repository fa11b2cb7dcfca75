// Event logs (README "Event logs for process mining"; engine/trace.hpp): the dispatcher's side.
// What each event of a recorded order says, and the wait it ends split into parts. Compiled in
// the recording build of the engine only (replication.hpp), and called only for the orders the
// sink admitted (Orders::kTraced).

#include <models/engine/replication.hpp>

#include <algorithm>

namespace eslabon::engine {

void Replication::trace_begin(TraceSink* sink, std::size_t max_edges) {
  tracer_.sink = sink;
  tracer_.max_tasks = m_.max_tasks();
  tracer_.max_edges = std::max<std::size_t>(max_edges, 1);
}

void Replication::trace_sent(std::uint32_t o, int e) { tracer_.sent_at(o, e) = now_; }

TraceEvent Replication::trace_event(std::uint32_t o, Activity a) const {
  TraceEvent e;
  e.time = now_;
  e.flow = orders_.flow(o);
  e.number = orders_.number(o);
  e.activity = a;
  return e;
}

// Work at a unit: its kind, task, unit and attempt; a redo also the handoff it goes out on and
// the origin that owns it (engine/jobs.hpp's blame: one origin, or several with their counts).
TraceEvent Replication::job_event(std::uint32_t j, Activity a) const {
  TraceEvent e = trace_event(jobs_.order(j), a);
  const JobKind kind = jobs_.kind(j);
  e.job = static_cast<std::int8_t>(kind);
  e.unit = static_cast<std::int32_t>(jobs_.unit(j));
  e.attempt = jobs_.attempt(j);
  if (kind != ComplaintJob) e.task = static_cast<std::int32_t>(jobs_.task(j));
  if (kind == ReworkJob) {
    e.edge = static_cast<std::int32_t>(jobs_.edge(j));
    e.origin = jobs_.blame(j);
    if (e.origin == kManyOrigins) e.caught = jobs_.weights(j);
  }
  return e;
}

// A handoff's event: the edge, and the task and unit on the side that acts (`receiver`: the
// receiving task's, else the supplier's).
TraceEvent Replication::edge_event(std::uint32_t o, int e, Activity a, bool receiver) const {
  TraceEvent ev = trace_event(o, a);
  const Flow& fl = flow_of(o);
  const Edge& ed = fl.edges[static_cast<std::size_t>(e)];
  ev.edge = e;
  ev.task = receiver ? ed.to : ed.from;
  ev.unit = fl.tasks[static_cast<std::size_t>(ev.task)].unit;
  return ev;
}

void Replication::trace_arrival(std::uint32_t o) {
  if (!tracer_.sink->admit(orders_.flow(o), orders_.number(o))) return;
  orders_.set(o, Orders::kTraced);
  tracer_.take_order(o);
  tracer_.sink->record(trace_event(o, Activity::Arrived));
}

// A task waits for its last supplier (a join) from the first handoff accepted into it.
double Replication::join_wait(std::uint32_t o, int k) {
  const double first = tracer_.first(o, k);
  return first == Tracer::kNever ? 0.0 : now_ - first;
}

void Replication::stamp_clocks(std::uint32_t j) {
  const UnitState& us = units_[jobs_.unit(j)];
  Tracer::Clocks& c = tracer_.job(j);
  c.down = us.down_clock(now_);
  c.closed = us.closes ? us.closed_clock(now_) : 0.0;
}

void Replication::trace_queued(std::uint32_t j) {
  TraceEvent e = job_event(j, Activity::Queued);
  if (jobs_.kind(j) == TaskJob) e.wait[WaitJoin] = join_wait(jobs_.order(j), e.task);
  stamp_clocks(j);
  tracer_.sink->record(e);
}

// Started (or resumed after preemption): the wait since it joined the line, split as "Where the
// time went" splits a task's queue: the unit's down time (outage), its closed time when not down
// (closed), the rest (queue).
void Replication::trace_started(std::uint32_t j, Activity a, TraceDetail d) {
  TraceEvent e = job_event(j, a);
  e.detail = d;
  const UnitState& us = units_[jobs_.unit(j)];
  const Tracer::Clocks& c = tracer_.job(j);
  const double down = us.down_clock(now_) - c.down;
  const double closed = us.closes ? us.closed_clock(now_) - c.closed : 0.0;
  e.wait[WaitOutage] = down;
  e.wait[WaitClosed] = closed;
  e.wait[WaitQueue] = std::max(0.0, now_ - jobs_.enqueued(j) - down - closed);
  tracer_.sink->record(e);
}

void Replication::trace_job(std::uint32_t j, Activity a, TraceDetail d, double outage) {
  TraceEvent e = job_event(j, a);
  e.detail = d;
  e.wait[WaitOutage] = outage;
  if (a == Activity::Suspended) stamp_clocks(j);  // preempted: its wait in the line starts again
  tracer_.sink->record(e);
}

void Replication::trace_complaint_handled(std::uint32_t o, int u, bool resolved) {
  TraceEvent e = trace_event(o, Activity::Completed);
  e.job = static_cast<std::int8_t>(ComplaintJob);
  e.unit = u;
  e.detail = resolved ? TraceDetail::Resolved : TraceDetail::Unresolved;
  tracer_.sink->record(e);
}

void Replication::trace_skipped(std::uint32_t o, int k) {
  TraceEvent e = trace_event(o, Activity::Skipped);
  e.task = k;
  e.unit = flow_of(o).tasks[static_cast<std::size_t>(k)].unit;
  e.wait[WaitJoin] = join_wait(o, k);
  tracer_.sink->record(e);
}

// A defect made on the handoff along edge e (by its supplier), or, e < 0, by skipping task k.
void Replication::trace_defect(std::uint32_t o, int e, int k, int origin) {
  TraceEvent ev = e >= 0 ? edge_event(o, e, Activity::DefectMade, false) : trace_event(o, Activity::DefectMade);
  if (e < 0) {
    ev.task = k;
    ev.unit = flow_of(o).tasks[static_cast<std::size_t>(k)].unit;
  }
  ev.origin = origin;
  tracer_.sink->record(ev);
}

// The inspection on edge e caught inspection_.caught(): an event per origin (the recorder makes
// a row per defect), by name.
void Replication::trace_caught(std::uint32_t o, int e, const Link& L) {
  TraceEvent ev = edge_event(o, e, Activity::DefectCaught, true);
  ev.on_detect = static_cast<std::int8_t>(L.on_detect);
  const std::uint8_t* caught = inspection_.caught();
  for (std::size_t g : names_.origins) {
    if (!caught[g]) continue;
    ev.origin = static_cast<std::int32_t>(g);
    ev.count = caught[g];
    tracer_.sink->record(ev);
  }
}

void Replication::trace_false_alarm(std::uint32_t o, int e, const Link& L) {
  TraceEvent ev = edge_event(o, e, Activity::FalseAlarm, true);
  ev.on_detect = static_cast<std::int8_t>(L.on_detect);
  ev.origin = L.origin;
  tracer_.sink->record(ev);
}

// The receiver sends the supplier's work back (or noticed it lost): the supplier task of edge e
// is done again, owned by `blame` (an origin, or kManyOrigins with `caught`).
void Replication::trace_rework(std::uint32_t o, int e, TraceDetail why, std::int32_t blame,
                               const std::uint8_t* caught) {
  TraceEvent ev = edge_event(o, e, Activity::Rework, true);
  ev.task = flow_of(o).edges[static_cast<std::size_t>(e)].from;
  ev.detail = why;
  ev.origin = blame;
  if (blame == kManyOrigins) ev.caught = caught;
  tracer_.sink->record(ev);
}

// The receiving task accepts the handoff along edge e: the transit of the attempt accepted; the
// receiver's first accepted supplier starts a join's wait.
void Replication::trace_handed_over(std::uint32_t o, int e) {
  TraceEvent ev = edge_event(o, e, Activity::HandedOver, false);
  ev.wait[WaitTransit] = now_ - tracer_.sent_at(o, e);
  double& first = tracer_.first(o, flow_of(o).edges[static_cast<std::size_t>(e)].to);
  if (first == Tracer::kNever) first = now_;
  tracer_.sink->record(ev);
}

void Replication::trace_order(std::uint32_t o, Activity a, TraceDetail d) {
  TraceEvent e = trace_event(o, a);
  e.detail = d;
  tracer_.sink->record(e);
}

// The order is lost at unit u: its case ends here (nothing of it is recorded after).
void Replication::trace_lost(std::uint32_t o, TraceDetail why, int u) {
  TraceEvent e = trace_event(o, Activity::Lost);
  e.detail = why;
  e.unit = u;
  tracer_.sink->record(e);
  orders_.clear(o, Orders::kTraced);
}

// A full unit turns work away: a complaint (the order was delivered), or the order, lost.
void Replication::trace_refused(std::uint32_t o, JobKind kind, int u) {
  if (kind != ComplaintJob) return trace_lost(o, TraceDetail::Rejected, u);
  TraceEvent e = trace_event(o, Activity::TurnedAway);
  e.detail = TraceDetail::Rejected;
  e.unit = u;
  e.job = static_cast<std::int8_t>(ComplaintJob);
  tracer_.sink->record(e);
}

// An outage starts (`down`) or ends at unit u: the recorded work it holds is suspended, or
// resumed with the outage's length as its wait.
void Replication::trace_outage(std::uint32_t u, bool down, double length) {
  for (std::uint32_t j : units_[u].in_service)
    if (traced(jobs_.order(j)))
      trace_job(j, down ? Activity::Suspended : Activity::Resumed, TraceDetail::Outage, down ? 0.0 : length);
}

}  // namespace eslabon::engine
