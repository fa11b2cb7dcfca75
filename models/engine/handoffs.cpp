// Handoffs (replication.hpp): a task's work handed over along an edge of its flow, in transit
// when the link delays or loses it, inspected by the receiver, and sent back, fixed or accepted.
// Split from replication.cpp, the rest of the dispatcher's hot path; what these call there is
// out of line: accept (there, so that task_ready is inlined into it) and submit_job, for a rework.

#include <models/engine/replication.hpp>

namespace eslabon {
namespace engine {

// One attempt at handing task `from` over to `to` along edge e.
void Replication::handoff(std::uint32_t o, int e) {
  const Edge& ed = flow_of(o).edges[e];
  delays_.sent(o, e, now_);
  if constexpr (kRecording)
    if (traced(o)) trace_sent(o, e);
  if (ed.link < 0) {
    accept(o, e);
    return;
  }
  const std::uint32_t attempt = orders_.attempt(o, ed.from);
  const Link& L = m_.links[ed.link];
  const HandoffFaults f = handoff_faults(L, now_, streams(o, draws_.edge(orders_.flow(o), e, attempt)),
                                         units_[static_cast<std::size_t>(flow_of(o).tasks[ed.from].unit)].errors);
  const bool defective = f.defective && !f.lost;  // a lost attempt reaches nobody: its defect goes with it
  if (defective) {
    add_defect(o, f.defect_origin < 0 ? L.origin : f.defect_origin);
    if constexpr (kRecording)
      if (traced(o)) trace_defect(o, e, ed.from, f.defect_origin < 0 ? L.origin : f.defect_origin);
  }
  if (tagged(o)) {
    ++measures_.links[ed.link].handoffs;
    if (defective) {
      ++measures_.links[ed.link].defects;
      if (f.defect_origin >= 0) measures_.count_typed_defect(f.defect_origin);
    }
    if (f.lost) ++measures_.links[ed.link].lost;
  }
  if (f.delayed || f.lost) {
    // In transit: a delayed attempt reaches the receiver after its delay; the receiver
    // notices a lost one after the link's timeout.
    const std::uint32_t h =
        jobs_.take(JobSpec{o, ed.from, HandoffRecord, attempt, static_cast<std::uint32_t>(e)}, now_);
    jobs_.flag(h) = (f.lost ? kHandoffLost : 0) | (f.false_alarm ? kFalseAlarm : 0);  // its defect is on the order
    ++orders_.inflight(o);
    events_.push(now_ + (f.lost ? L.timeout : f.delay), event_class::handoff, Handoff, h);
    return;
  }
  receive(o, e, attempt, f.false_alarm);
}

void Replication::handoff_arrives(std::uint32_t h) {
  const std::uint32_t o = jobs_.order(h);
  const int e = static_cast<int>(jobs_.edge(h));
  const std::uint32_t attempt = jobs_.attempt(h);
  const std::uint8_t carried = jobs_.flag(h);
  jobs_.give(h);
  --orders_.inflight(o);
  if (orders_.lost(o)) {
    settle_if_idle(o);
    return;
  }
  if (carried & kHandoffLost) {
    // The receiver has noticed the loss: the supplier task is done again in full, as a
    // rework charged to this link, and hands over again (a new attempt, which can be lost).
    const Edge& ed = flow_of(o).edges[e];
    delays_.arrived(o, e, ed.link, m_.links[ed.link].origin, true, now_);
    ++orders_.reworks(o);
    if constexpr (kRecording)
      if (traced(o)) trace_rework(o, e, TraceDetail::LostHandoff, m_.links[ed.link].origin, nullptr);
    JobSpec redo{o,
                 ed.from,
                 ReworkJob,
                 ++orders_.attempt(o, ed.from),
                 static_cast<std::uint32_t>(e),
                 static_cast<std::uint32_t>(ed.link),
                 m_.links[ed.link].origin};
    redo.full_redo = true;
    submit_job(redo);
    return;
  }
  receive(o, e, attempt, carried & kFalseAlarm);
}

// The receiver inspects what it got; what it catches goes back to this link's supplier.
void Replication::receive(std::uint32_t o, int e, std::uint32_t attempt, bool alarm) {
  const Edge& ed = flow_of(o).edges[e];
  const Link& L = m_.links[ed.link];
  LinkMeasures& lm = measures_.links[ed.link];
  const auto at = streams(o, draws_.edge(orders_.flow(o), e, attempt));
  delays_.arrived(o, e, ed.link, L.origin, false, now_);
  charge_one(o, L.inspection_cost, L.origin, CostCategory::Appraisal);
  const int caught = inspection_.inspect(L, orders_.defects_of(o), orders_.detected_of(o), at);
  if constexpr (kRecording)
    if (caught > 0 && traced(o)) trace_caught(o, e, L);
  if (caught == 0 && alarm && false_alarm(o, e, at)) return;  // sent back
  if (caught > 0) {
    if (tagged(o)) measures_.count_detected(inspection_.caught());
    if (L.on_detect == OnDetect::Fix) {
      // The receiver fixes what it caught: extra work on the receiving task.
      const double extra = Inspection::fix_work(L, caught, at);
      orders_.extra(o, ed.to) += extra;
      delays_.fix(o, ed.to, extra, inspection_.caught(), m_.origins.size());
      charge(o, extra * m_.units[flow_of(o).tasks[ed.to].unit].cost_per_time, inspection_.caught(),
             CostCategory::InternalFailure);
      if (tagged(o)) measures_.add_rework_time(extra, inspection_.caught());
    } else {
      // Rework or scrap: the supplier task goes back to the end of its unit's queue and
      // hands over again when redone (a new attempt, which can be defective again). The
      // job keeps whom to charge: the origins caught here, not those caught before.
      if (L.on_detect == OnDetect::Scrap)
        charge(o, m_.costs.scrap, inspection_.caught(), CostCategory::InternalFailure);
      ++orders_.reworks(o);
      if constexpr (kRecording)
        if (traced(o)) trace_rework(o, e, TraceDetail::Defect, inspection_.single_origin(), inspection_.caught());
      delays_.sent_back(o, e, now_, inspection_.caught(), m_.origins.size(), inspection_.single_origin());
      const std::uint16_t a = ++orders_.attempt(o, ed.from);
      submit_job(JobSpec{o, ed.from, ReworkJob, a, static_cast<std::uint32_t>(e), static_cast<std::uint32_t>(ed.link),
                     inspection_.single_origin(), inspection_.caught()});
      return;
    }
  }
  if (tagged(o)) {
    ++lm.accepted;
    if (now_ - orders_.first_enqueue(o, ed.from) <= L.sla)
      ++lm.sla_met;
    else
      charge_one(o, L.sla_penalty, L.origin, CostCategory::InternalFailure);  // a contract's breach: the supplier pays
  }
  accept(o, e);
}

// A false alarm: the receiver caught nothing but acts as its link's on_detect says all the
// same, the link's own origin owning the work (README "Weak links"). Returns whether the
// attempt went back to the supplier (rework, scrap); a fix is added work, and the attempt is
// then accepted as usual.
template <class StreamAt>
bool Replication::false_alarm(std::uint32_t o, int e, StreamAt&& at) {
  const Edge& ed = flow_of(o).edges[e];
  const Link& L = m_.links[ed.link];
  if (tagged(o)) ++measures_.links[ed.link].false_alarms;
  if constexpr (kRecording)
    if (traced(o)) trace_false_alarm(o, e, L);
  if (L.on_detect == OnDetect::Fix) {
    const double extra = Inspection::fix_work(L, 1, at);
    orders_.extra(o, ed.to) += extra;
    delays_.fix_one(o, ed.to, extra, L.origin);
    charge_one(o, extra * m_.units[flow_of(o).tasks[ed.to].unit].cost_per_time, L.origin,
               CostCategory::InternalFailure);
    if (tagged(o)) measures_.add_rework_time(extra, L.origin);
    return false;
  }
  if (L.on_detect == OnDetect::Scrap) charge_one(o, m_.costs.scrap, L.origin, CostCategory::InternalFailure);
  ++orders_.reworks(o);
  if constexpr (kRecording)
    if (traced(o)) trace_rework(o, e, TraceDetail::FalseAlarmSent, L.origin, nullptr);
  delays_.sent_back(o, e, now_, nullptr, 0, L.origin);
  const std::uint16_t a = ++orders_.attempt(o, ed.from);
  submit_job(JobSpec{o, ed.from, ReworkJob, a, static_cast<std::uint32_t>(e), static_cast<std::uint32_t>(ed.link),
                 L.origin});
  return true;
}

}  // namespace engine

}  // namespace eslabon
