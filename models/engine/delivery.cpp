// The order leaves: delivered to the external customer (who looks at it, and may complain
// or leave), or lost to a full unit; and the end of complaint handling. Once per order, so
// out of the hot path. See replication.hpp.

#include <models/engine/replication.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace eslabon::engine {

// Lost to a full unit, or abandoned: its work waiting in units' lines leaves them at once (the
// entries are dropped when they come up, Replication::next_waiting).
void Replication::lose(std::uint32_t o) {
  for (std::uint32_t j = orders_.waiting(o); j != Jobs::kNone; j = jobs_.next_waiting(j)) {
    jobs_.withdraw(j);
    units_[jobs_.unit(j)].withdraw(now_);
    if (units_[jobs_.unit(j)].pressured) pressure_changed(static_cast<int>(jobs_.unit(j)));
    --orders_.inflight(o);
  }
  orders_.waiting(o) = Jobs::kNone;
  measures_.wip.add(now_, -1.0);
  if (tagged(o)) {
    ++measures_.tagged_lost;
    ++measures_.flows[orders_.flow(o)].lost;
  }
  orders_.set(o, Orders::kLost);
  log(o, OrderOutcome{false, false, false, false});
  settle_if_idle(o);
}

void Replication::sinks_done(std::uint32_t o, int k) {
  const Flow& fl = flow_of(o);
  delays_.delivered(o, fl, k, orders_.arrival(o), now_, tagged(o));
  if (opt_.record_orders && tagged(o) && !opt_.trace)
    OrderLog::append_delays(result_.order_delays, result_.replication, fl.name, orders_.number(o),
                            delays_.causes().names, delays_.order_times());
  deliver(o);
}

void Replication::deliver(std::uint32_t o) {
  const bool tg = tagged(o);
  const double lead = now_ - orders_.arrival(o);
  const std::uint32_t f = orders_.flow(o);
  const Flow& fl = m_.flows[f];
  FlowMeasures& fm = measures_.flows[f];
  measures_.wip.add(now_, -1.0);
  orders_.set(o, Orders::kDelivered);
  orders_.delivered(o) = now_;
  // On time when the lead time is within the promise; the tolerance absorbs the rounding
  // of arrival + service sums (0.1 + 0.2 with due 0.3 is on time whenever it arrives).
  const bool on_time = lead <= fl.due + 1e-12 * std::max(1.0, now_);
  if constexpr (kRecording)
    if (traced(o))
      trace_order(o, Activity::Delivered,
                  std::isfinite(fl.due) ? (on_time ? TraceDetail::OnTime : TraceDetail::Late) : TraceDetail::None);
  if (tg) {
    measures_.lead.add(lead);
    measures_.lead_q.add(lead);
    measures_.half_delivered(orders_.arrival(o), lead, on_time);
    if (measures_.per_flow_leads) {  // with one flow they equal the system's (filled at the end)
      fm.lead.add(lead);
      fm.lead_q.add(lead);
    }
    if (on_time) {
      ++measures_.on_time;
      ++fm.on_time;
    }
  }
  if (in_window()) {
    ++measures_.delivered_in_window;
    ++measures_.halves[measures_.half(now_)].delivered_in_window;
    ++fm.delivered_in_window;
    measures_.revenue_in_window += fl.value;
  }
  // What the customer sees: each carried defect is noticed with probability `visible`.
  int visible = 0;
  const int carried = customers_.look(orders_.defects_of(o), visible, streams(o));
  const std::vector<std::uint8_t>& seen = customers_.seen();
  orders_.carried(o) = static_cast<std::uint16_t>(std::min(carried, 65535));
  orders_.visible(o) = static_cast<std::uint16_t>(std::min(visible, 65535));
  const bool late = !on_time;
  if (tg) {
    ++measures_.delivered_tagged;
    if (carried) {
      ++measures_.escaped_orders;
      measures_.count_escaped(orders_.defects_of(o));
    }
    if (visible) ++measures_.visible_orders;
    if (on_time && !visible) ++measures_.perfect_orders;
    measures_.reworks += orders_.reworks(o);
    for (std::size_t g = 0; g < seen.size(); ++g) measures_.origin_visible[g] += seen[g];
  }
  // Who pays (README "Who pays"): a late penalty goes to the causes of the order's lateness;
  // dissatisfaction (a complaint, a lost customer) to the origins of the defects the customer
  // saw, else to the causes of the lateness that dissatisfied them.
  // ... and a customer offended by a contact (nothing seen, on time), to the units that offended.
  const bool offended = orders_.has(o, Orders::kOffended);
  const double* blame = nullptr;
  if (tg) {
    const double* lateness = late ? ledger_.by_causes(delays_.order_lateness()) : nullptr;
    if (late) charge_slots(o, m_.costs.late_penalty, lateness, CostCategory::ExternalFailure);
    if (visible && customers_.typed()) charge_noticed_types(o, seen.data());
    blame = visible ? ledger_.by_origins(seen.data()) : late ? lateness : ledger_.held(o);
    if (offended) ++measures_.offended;
  }
  if (memory_.any() && memory_.on(f)) return deliver_remembered(o, visible, late, offended, blame);
  bool churn = false;
  if (customers_.dissatisfied(visible, late, offended)) {
    // Without a complaints section its defaults hold: dissatisfied customers neither complain
    // nor leave (and nothing is drawn). With defect types, the most severe type the customer
    // noticed says how they react (level 0: the complaints section's values).
    const int level = customers_.level();
    const Customers::Reaction reaction =
        m_.complaints.enabled ? customers_.react(streams(o), level) : Customers::Reaction::Stays;
    if (level > 0 && reaction == Customers::Reaction::Complains) {
      if (o >= complaint_level_.size()) complaint_level_.resize(static_cast<std::size_t>(o) + 1, 0);
      complaint_level_[o] = static_cast<std::uint8_t>(level);  // for churn when handling ends
    }
    if (tg) {
      ++measures_.dissatisfied;
      if (reaction != Customers::Reaction::Complains) ++measures_.silent;
    }
    switch (reaction) {
      case Customers::Reaction::Complains:
        if (tg) ++measures_.complaints;
        charge_slots(o, m_.costs.complaint, blame, CostCategory::ExternalFailure);
        if (tg && blame != ledger_.held(o)) ledger_.hold(o, blame);  // for churn when the complaint is done
        orders_.set(o, Orders::kComplaining);
        submit_complaint(o);
        return;
      case Customers::Reaction::Leaves:
        if (tg) {
          ++measures_.churned_silent;
          ++measures_.churned_by[static_cast<std::size_t>(customers_.reason(visible, late))];
        }
        churn = true;
        lose_customer(o, blame);
        break;
      case Customers::Reaction::Stays:
        break;
    }
  }
  log(o, OrderOutcome{false, false, churn, true});
  settle_if_idle(o);
}

// Each noticed defect of a type with a `cost` (a warranty claim, a return) costs that much, on
// the type's own origin FROM->TO:TYPE, as external failure.
void Replication::charge_noticed_types(std::uint32_t o, const std::uint8_t* seen) {
  for (std::size_t g = 0; g < m_.origins.size(); ++g)
    if (seen[g] && customers_.cost(g) > 0)
      charge_one(o, customers_.cost(g) * seen[g], static_cast<int>(g), CostCategory::ExternalFailure);
}

void Replication::lose_customer(std::uint32_t o, const double* blame) {
  if constexpr (kRecording)
    if (traced(o)) trace_order(o, Activity::Churn);
  if (tagged(o)) ++measures_.churned;
  customers_.lose(orders_.flow(o));
  measures_.set_base(now_, static_cast<double>(customers_.base()));
  charge_slots(o, m_.costs.lost_customer, blame, CostCategory::ExternalFailure);
}

// Handling ended (`handled`), or the desk was full and turned the complaint away (not
// resolved, and no resolution time: the mean is over complaints handled). The customer may
// still leave.
void Replication::complaint_done(std::uint32_t o, bool handled, bool resolved) {
  if (memory_.any() && memory_.on(orders_.flow(o))) return complaint_done_remembered(o, handled, resolved);
  int level = 0;  // the severity that governed the complaint (deliver)
  if (o < complaint_level_.size()) {
    level = complaint_level_[o];
    complaint_level_[o] = 0;
  }
  const bool churn = customers_.leaves_after(resolved, streams(o), level);
  if (handled && tagged(o)) measures_.complaint_time.add(now_ - orders_.delivered(o));
  if (tagged(o)) {
    if (!handled) ++measures_.turned_away;
    if (churn) ++(resolved ? measures_.churned_resolved : measures_.churned_unresolved);
  }
  if (churn) lose_customer(o, ledger_.held(o));
  ledger_.release(o);
  orders_.clear(o, Orders::kComplaining);
  log(o, OrderOutcome{true, resolved, churn});
  settle_if_idle(o);
}

// Per cause: time and lateness per delivered tagged order, and their shares.
void Replication::fill_delays() {
  const std::vector<double>& time = delays_.time_sums();
  const std::vector<double>& late = delays_.lateness_sums();
  const double n = static_cast<double>(delays_.delivered_count());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double lead = 0;
  for (double t : time) lead += t;
  result_.delays.resize(time.size());
  for (std::size_t c = 0; c < time.size(); ++c) {
    auto& d = result_.delays[c];
    d[static_cast<int>(DelayStat::Time)] = n > 0 ? time[c] / n : nan;
    d[static_cast<int>(DelayStat::Lateness)] = n > 0 ? late[c] / n : nan;
    d[static_cast<int>(DelayStat::LeadShare)] = lead > 0 ? time[c] / lead : nan;
    d[static_cast<int>(DelayStat::LatenessShare)] =
        delays_.lateness_total() > 0 ? late[c] / delays_.lateness_total() : nan;
  }
}

// A customer contact (the first or the last task of the order, at a unit with courtesy < 1):
// with 1 - courtesy it offends the customer, who is then dissatisfied at delivery (README
// "People"); the unit's courtesy:UNIT row holds what that costs, shared by the contacts that
// offended.
void Replication::contact(std::uint32_t o, int k) {
  const int u = flow_of(o).tasks[static_cast<std::size_t>(k)].unit;
  RandomStream rs = streams(o, draws_.task(orders_.flow(o), k))(purpose::courtesy);
  if (rs.uniform() < m_.units[static_cast<std::size_t>(u)].courtesy) return;
  orders_.set(o, Orders::kOffended);
  if (tagged(o)) ledger_.hold_add(o, courtesy_row_[static_cast<std::size_t>(u)], 1.0);
}

// Complaint handling at a desk with courtesy < 1 offends with 1 - courtesy: the complaint is then
// not resolved well, whatever the handling achieved.
bool Replication::courteous_handling(std::uint32_t o) {
  const double c = m_.units[static_cast<std::size_t>(m_.complaints.unit)].courtesy;
  if (c >= 1) return true;
  return streams(o)(purpose::courtesy).uniform() < c;
}

}  // namespace eslabon::engine
