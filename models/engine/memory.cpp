// Customers who remember (README "Customers who remember"): the dispatcher's side. With
// `complaints.memory`, a flow with a finite base has individual customers (engine/memory.hpp);
// each order comes from one of them, every contact (the delivery, complaint handling) moves
// their score, and after a contact they leave with the churn probability of their score,
// instead of churn_if_*. Once per order, so out of the hot path. See replication.hpp.
// Also the finite base's acquisitions (new customers), which join a base with memory here.

#include <models/engine/replication.hpp>

#include <algorithm>
#include <cmath>

namespace eslabon::engine {

// A new customer for a finite base: a Poisson stream of its own, whatever the base's size.
void Replication::schedule_acquisition(std::uint32_t f) {
  const double gap = -std::log(draws_.acquisition(f).uniform()) / m_.flows[f].acquisition;
  events_.push(now_ + gap, event_class::acquire, Acquire, f);
}

void Replication::acquire(std::uint32_t f) {
  schedule_acquisition(f);
  if (customers_.gain(m_.flows[f], f) && memory_.on(f)) memory_.join(f, now_);
  measures_.set_base(now_, static_cast<double>(customers_.base()));
}

// One of the base's customers, uniformly, from the order's own draw (purpose customer).
void Replication::remember_order(std::uint32_t o, std::uint32_t f) {
  memory_.pick(o, f, streams(o)(purpose::customer).uniform());
}

// Whether customer c leaves after a contact: the churn probability of their score, drawn from
// their order's stream (purpose memory; one contact per order ends in this draw).
bool Replication::leaves(std::uint32_t o, std::uint32_t c) {
  const double p = memory_.leave_probability(c);
  if (p <= 0) return false;
  return streams(o)(purpose::memory).uniform() < p;
}

void Replication::customer_leaves(std::uint32_t o, std::uint32_t c, const double* weights) {
  const std::uint32_t f = orders_.flow(o);
  if constexpr (kRecording)
    if (traced(o)) trace_order(o, Activity::Churn);
  if (tagged(o)) ++measures_.churned;
  // The weights may be the memory's buffer: charge before the record is freed.
  charge_slots(o, m_.costs.lost_customer, weights, CostCategory::ExternalFailure);
  memory_.leave(c, f, now_, tagged(o));
  customers_.lose(f);
  measures_.set_base(now_, static_cast<double>(customers_.base()));
}

// The delivery is a contact: x = 1 when it satisfied the customer, else the smallest outcome
// of its reasons. A customer who complains decides after the handling (the next contact); one
// who does not decides now. A customer who has left already (an order still in flight then)
// is no longer in the base: the delivery moves no score and they cannot leave again.
void Replication::deliver_remembered(std::uint32_t o, int visible, bool late, bool offended, const double* blame) {
  const bool tg = tagged(o);
  const Memory& mem = m_.complaints.memory;
  const std::uint32_t c = memory_.customer(o);
  const bool unhappy = customers_.dissatisfied(visible, late, offended);
  const bool complains = unhappy && customers_.complains(streams(o), customers_.level());
  if (tg && unhappy) {
    ++measures_.dissatisfied;
    if (!complains) ++measures_.silent;
  }
  if (c != CustomerMemory::kNone) {
    memory_.count_order(c);
    double x = 1;
    if (unhappy) {
      if (visible > 0) x = std::min(x, mem.defect);
      if (late && m_.complaints.late_dissatisfies) x = std::min(x, mem.late);
      if (offended) x = std::min(x, mem.offended);
      if (tg) memory_.record_bad(c, blame);  // the most recent bad contact (tagged orders hold costs)
    }
    memory_.contact(c, x, now_);
  }
  if (complains) {
    if (tg) ++measures_.complaints;
    charge_slots(o, m_.costs.complaint, blame, CostCategory::ExternalFailure);
    if (tg && blame != ledger_.held(o)) ledger_.hold(o, blame);  // for the handling's contact
    orders_.set(o, Orders::kComplaining);
    submit_complaint(o);
    return;
  }
  bool churn = false;
  if (c != CustomerMemory::kNone && leaves(o, c)) {
    churn = true;
    const Customers::Reason why = unhappy ? customers_.reason(visible, late) : Customers::Reason::Satisfied;
    if (tg) {
      ++measures_.churned_silent;
      ++measures_.churned_by[static_cast<std::size_t>(why)];
    }
    // A good contact has no causes of its own: the customer's most recent bad one pays.
    customer_leaves(o, c, unhappy ? blame : memory_.last_bad(c));
  }
  log(o, OrderOutcome{false, false, churn, true});
  settle_if_idle(o);
}

// Complaint handling is the second contact of a complaining customer's order: `resolved` or
// `unresolved` (turned away by a full desk included); then they stay or leave.
void Replication::complaint_done_remembered(std::uint32_t o, bool handled, bool resolved) {
  const bool tg = tagged(o);
  const Memory& mem = m_.complaints.memory;
  if (handled && tg) measures_.complaint_time.add(now_ - orders_.delivered(o));
  if (tg && !handled) ++measures_.turned_away;
  const std::uint32_t c = memory_.customer(o);
  bool churn = false;
  if (c != CustomerMemory::kNone) {
    if (!resolved && tg) memory_.record_bad(c, ledger_.held(o));
    memory_.contact(c, resolved ? mem.resolved : mem.unresolved, now_);
    if (leaves(o, c)) {
      churn = true;
      if (tg) ++(resolved ? measures_.churned_resolved : measures_.churned_unresolved);
      customer_leaves(o, c, resolved ? memory_.last_bad(c) : ledger_.held(o));
    }
  }
  ledger_.release(o);
  orders_.clear(o, Orders::kComplaining);
  log(o, OrderOutcome{true, resolved, churn});
  settle_if_idle(o);
}

}  // namespace eslabon::engine
