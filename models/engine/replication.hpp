#pragma once
// One replication: the dispatcher (private to the engine). It owns the clock and the
// event list, takes each event to its handler, and wires the parts together: the parts
// (units, links, customers, orders and jobs, the ledger, measures, draws) hold state and
// make decisions and return outcomes here; they never call each other. The parts are
// header-only and the hot path (arrivals, tasks, handoffs, service) is in one translation
// unit, replication.cpp, so it inlines: no virtual call per event. Delivery, complaints
// and churn (once per order) are in delivery.cpp; reneging and preemption (only models that
// use them) in impatience.cpp; shifts in shifts.cpp; pressure in pressure.cpp.
//
// The engine is compiled twice (models/CMakeLists.txt): as it is, and with ESLABON_RECORDING=1,
// when kRecording holds and the event log's hooks (`if constexpr (kRecording)`; trace.hpp,
// trace.cpp) are compiled in. Each build's Replication lives in an inline namespace of its own
// (plain, recording), and simulate() runs a replication with the recording build only when it
// records an event log: a run without one executes the engine's code as if the log did not exist.

#include <models/engine/customers.hpp>
#include <models/engine/delays.hpp>
#include <models/engine/draws.hpp>
#include <models/engine/events.hpp>
#include <models/engine/jobs.hpp>
#include <models/engine/ledger.hpp>
#include <models/engine/links.hpp>
#include <models/engine/measures.hpp>
#include <models/engine/memory.hpp>
#include <models/engine/name_order.hpp>
#include <models/engine/order_log.hpp>
#include <models/engine/orders.hpp>
#include <models/engine/simulate.hpp>
#include <models/engine/trace.hpp>
#include <models/engine/units.hpp>

#include <eslabon/core/event_list.hpp>

#include <cstdint>
#include <type_traits>
#include <vector>

#ifndef ESLABON_RECORDING
#define ESLABON_RECORDING 0
#endif
#if ESLABON_RECORDING
#define ESLABON_ENGINE_BUILD recording
#else
#define ESLABON_ENGINE_BUILD plain
#endif

namespace eslabon::engine {
inline namespace ESLABON_ENGINE_BUILD {

// This build records the event log of the orders its sink admits (SimOptions::events).
inline constexpr bool kRecording = ESLABON_RECORDING;

class Replication {
 public:
  // `events`: the event log's sink (the recording build only records; engine/trace.hpp).
  Replication(const Model& m, std::uint64_t seed, std::uint64_t rep, const SimOptions& opt, TraceSink* events)
      : m_(m),
        opt_(opt),
        horizon_(m.run.horizon),
        warmup_(m.run.warmup),
        cap_(horizon_ + (horizon_ - warmup_)),
        names_(m),
        draws_(m, seed, rep),
        orders_(m.max_tasks(), m.origins.size(), m.run.max_wip),
        jobs_(m.origins.size()),
        ledger_(m.origins.size(), DelayCauses(m), courtesy_units(m).size(), m.costs.prevention > 0),
        measures_(m, warmup_, horizon_),
        customers_(m, names_.origins),
        memory_(m, warmup_, horizon_, ledger_.slots()),
        inspection_(m, names_.origins),
        delays_(m, m.max_tasks(), max_edges(m)),
        next_number_(m.flows.size(), 0) {
    courtesy_row_.assign(m.units.size(), 0);
    const std::vector<std::size_t> cu = courtesy_units(m);
    for (std::size_t i = 0; i < cu.size(); ++i) courtesy_row_[cu[i]] = ledger_.courtesy_slot(i);
    units_.reserve(m.units.size());
    for (const Unit& u : m.units) units_.emplace_back(u, warmup_, horizon_);
    result_.replication = rep;
    if constexpr (kRecording) trace_begin(events, max_edges(m));
    if (opt_.record_orders) {
      OrderLog::create_columns(result_.orders);
      OrderLog::create_delay_columns(result_.order_delays);
    }
  }

  ReplicationResult run();
  // run.max_wip is passed (run() threw Orders::Full): the error, with where the work piles up (limits.cpp).
  [[noreturn]] void wip_exceeded() const;
  // run.max_events is passed (README "Limits"): the error, with when (limits.cpp).
  [[noreturn]] void events_exceeded() const;
  std::string which_run() const;  // "replication 3", or a pilot run's name (limits.cpp)

 private:
  static std::size_t max_edges(const Model& m) {
    std::size_t n = 0;
    for (const Flow& f : m.flows) n = std::max(n, f.edges.size());
    return n;
  }
  double down_clock(const Flow& fl, int k) const {
    return units_[static_cast<std::size_t>(fl.tasks[static_cast<std::size_t>(k)].unit)].down_clock(now_);
  }
  // The measurement window is half-open, [warmup, horizon): an event exactly at the
  // horizon belongs to the next window, as an order arriving then is not tagged.
  bool in_window() const { return now_ >= warmup_ && now_ < horizon_; }
  bool tagged(std::uint32_t o) const { return orders_.tagged(o); }
  const Flow& flow_of(std::uint32_t o) const { return m_.flows[orders_.flow(o)]; }
  // The order's draws for a purpose (the lambda's argument), about `item` (draws.hpp).
  auto streams(std::uint32_t o, std::uint64_t item = 0) const {
    return [ this, o, item ](std::uint8_t tag) __attribute__((always_inline)) {
      return draws_.order(tag, orders_.flow(o), orders_.number(o), item);
    };
  }

  // --- costs ----------------------------------------------------------------------------
  // Cost of poor quality of a tagged order, split over the origins in `weights`.
  void charge(std::uint32_t o, double amount, const std::uint8_t* weights, CostCategory k) {
    if (amount <= 0 || !tagged(o)) return;
    orders_.copq(o) += amount;
    ledger_.split(amount, weights, k);
  }
  // ... or over the ledger's rows in `weights` (Ledger::by_origins, by_causes, held).
  void charge_slots(std::uint32_t o, double amount, const double* weights, CostCategory k) {
    if (amount <= 0 || !tagged(o)) return;
    orders_.copq(o) += amount;
    ledger_.split_slots(amount, weights, k);
  }
  void charge_one(std::uint32_t o, double amount, int origin, CostCategory k) {
    if (amount <= 0 || !tagged(o)) return;
    orders_.copq(o) += amount;
    ledger_.book(amount, origin, k);
  }

  void fill_delays();

  // --- arrivals -------------------------------------------------------------------------
  void schedule_arrival(std::uint32_t f, double from);
  void schedule_profiled_arrival(std::uint32_t f, double from);  // a rate that changes over time

  void arrival(std::uint32_t f);

  // A finite base gains customers (flow.acquisition per time unit).
  void schedule_acquisition(std::uint32_t f);
  void acquire(std::uint32_t f);

  // --- tasks and handoffs ---------------------------------------------------------------
  // All of task k's suppliers have handed over: skip it, or queue it at its unit.
  void task_ready(std::uint32_t o, int k);

  void add_defect(std::uint32_t o, int origin) {
    std::uint8_t& c = orders_.defects_of(o)[origin];
    if (c < 255) ++c;
  }

  // Task k's work is done for the first time: hand it over to every successor (or, when it
  // routes, to one of them).
  void task_complete(std::uint32_t o, int k);
  void task_ready_out_of_line(std::uint32_t o, int k);  // for routing.cpp

  // routing.cpp (README "Routing with probabilities"): task k routes the order to one successor
  // and routes the others away; a task none of whose suppliers reached it is routed away too.
  void route(std::uint32_t o, int k);
  void not_taken(std::uint32_t o, int e);
  void route_away(std::uint32_t o, int k);

  // handoffs.cpp. One attempt at handing task `from` over to `to` along edge e.
  void handoff(std::uint32_t o, int e);

  void handoff_arrives(std::uint32_t h);

  // The receiver inspects what it got; what it catches goes back to this link's supplier.
  void receive(std::uint32_t o, int e, std::uint32_t attempt, bool alarm);
  template <class StreamAt>
  bool false_alarm(std::uint32_t o, int e, StreamAt&& at);

  // The handoff along edge e is accepted: the receiving task may start once all its
  // suppliers have handed over.
  void accept(std::uint32_t o, int e);

  // --- work at units --------------------------------------------------------------------
  // Queues work at its unit, or starts it on a free server. A unit that is full turns it
  // away: a complaint nobody takes is not resolved; a task's order is lost.
  void submit(const JobSpec& s);
  void submit_job(const JobSpec& s);  // out of line, for handoffs.cpp
  void submit_complaint(std::uint32_t o);

  double draw_service(std::uint32_t j);
  double draw_work(std::uint32_t j);

  void start(int u, std::uint32_t j);
  // A unit that tracks its jobs in service holds job j, whose work takes `s` at the staff's
  // speed; returns how long it takes: under pressure, at the level's speedup (pressure.cpp).
  double hold(UnitState& us, std::uint32_t j, double s) {
    us.hold(j, jobs_.slot(j), us.ranks ? flow_of(jobs_.order(j)).priority : 0);
    if (us.pressured) [[unlikely]]
      return s / us.speedup;
    return s;
  }
  void start_job(int u, std::uint32_t j);  // out of line, for impatience.cpp and outages.cpp

  void service_end(std::uint32_t j);

  // The next job to serve from a unit's waiting line, or none (withdrawn entries dropped).
  std::uint32_t next_waiting(UnitState& us);
  std::uint32_t next_waiting_job(UnitState& us);  // out of line, for impatience.cpp and outages.cpp

  // --- outages --------------------------------------------------------------------------
  void schedule_failure(std::uint32_t u);

  // Every server stops; the work in progress keeps its server and resumes after repair.
  void failure(std::uint32_t u);

  void repair(std::uint32_t u);

  // --- impatience (impatience.cpp) ------------------------------------------------------
  // Job j of a flow with `patience` has joined its unit's line: the order draws how long it
  // will wait there, and abandons (abandon()) if it still waits then.
  void schedule_abandon(std::uint32_t j);
  void abandon(std::uint32_t j);

  // Preemptive units: job j, which found no free server, takes one from lower-priority work
  // if there is any (true), or waits (false).
  bool preempt_for(int u, std::uint32_t j);
  // The job in service at `slot` goes back to the head of its priority class in the line.
  void preempt(int u, int slot);
  // After a repair: waiting jobs of higher priority than work in service take its servers.
  void preempt_after_repair(int u);

  // --- shifts (shifts.cpp) -------------------------------------------------------------
  // The unit's next change of scheduled servers, and applying it (README "Shifts and calendars").
  void schedule_shift(std::uint32_t u);
  void shift(std::uint32_t u);
  // shift_end: preempt: while more servers are busy than scheduled, the job in service started
  // last (lowest priority first) goes back to the head of the line with its remaining work.
  void shed(int u);

  // --- pressure (pressure.cpp) ----------------------------------------------------------
  // The load of unit u may have changed (its queue, its busy or scheduled servers, an outage):
  // its pressure level follows (README "Pressure"); for utilisation, its moving average's next
  // crossing of a level is scheduled (a PressureChange event, applied by pressure_crossing).
  void pressure_changed(int u);
  void pressure_crossing(std::uint32_t u, std::uint32_t count);
  void schedule_crossing(int u);
  // The level in force becomes `level`: the multipliers change and the work in service is re-timed.
  void set_level(int u, int level);

  // --- the order leaves -----------------------------------------------------------------
  // Lost to a full unit, or abandoned (reneging): its work waiting in units' lines leaves them
  // at once (it frees its places and stops counting in the queues); work in service or in
  // transit is dropped when it ends.
  void lose(std::uint32_t o);

  // delivery.cpp: the order reaches the customer, who may complain or leave. sinks_done: the
  // last of its sinks, task k, is done or routed away (for routing.cpp; task_complete does the
  // same inline).
  void sinks_done(std::uint32_t o, int k);
  void deliver(std::uint32_t o);
  void complaint_done(std::uint32_t o, bool handled, bool resolved);
  void lose_customer(std::uint32_t o, const double* blame);
  void charge_noticed_types(std::uint32_t o, const std::uint8_t* seen);  // defect types' `cost`
  // memory.cpp: customers who remember (README "Customers who remember"), for the flows whose
  // finite base has memory. Which customer places order o; the delivery's contact and the
  // customer's reaction; the contact of complaint handling; whether a contact makes customer c
  // leave (their order o's draw), and the loss, charged by `weights`.
  void remember_order(std::uint32_t o, std::uint32_t f);
  void deliver_remembered(std::uint32_t o, int visible, bool late, bool offended, const double* blame);
  void complaint_done_remembered(std::uint32_t o, bool handled, bool resolved);
  bool leaves(std::uint32_t o, std::uint32_t c);
  void customer_leaves(std::uint32_t o, std::uint32_t c, const double* weights);
  // A customer contact at a unit with courtesy < 1 (delivery.cpp): it may offend.
  void contact(std::uint32_t o, int k);
  bool courteous_handling(std::uint32_t o);

  void settle_if_idle(std::uint32_t o) {
    if (orders_.inflight(o) != 0 || orders_.has(o, Orders::kComplaining)) return;
    if (orders_.has(o, Orders::kOffended)) ledger_.release(o);
    if (tagged(o)) {
      --measures_.tagged_open;
      measures_.half_copq(orders_.arrival(o), orders_.copq(o));
    }
    orders_.give(o);
  }

  void log(std::uint32_t o, const OrderOutcome& out) {
    if (opt_.record_orders && tagged(o)) {
      if (opt_.trace) [[unlikely]]
        return trace(o);
      OrderLog::append(result_.orders, result_.replication, m_, names_.origins, orders_, o, out);
    }
  }
  // A pilot run (SimOptions::trace, limits.cpp): the order's span; at the end, those still open.
  void trace(std::uint32_t o);
  void trace_open();

  // --- the event log (trace.cpp, in the recording build; README "Event logs for process mining")
  // Only for the orders the sink admitted (kTraced); each builds its event and hands it over.
  bool traced(std::uint32_t o) const { return orders_.has(o, Orders::kTraced); }
  void trace_begin(TraceSink* sink, std::size_t max_edges);
  void trace_sent(std::uint32_t o, int e);  // an attempt along edge e leaves its supplier
  TraceEvent trace_event(std::uint32_t o, Activity a) const;
  TraceEvent job_event(std::uint32_t j, Activity a) const;
  TraceEvent edge_event(std::uint32_t o, int e, Activity a, bool receiver) const;
  double join_wait(std::uint32_t o, int k);
  void stamp_clocks(std::uint32_t j);
  void trace_arrival(std::uint32_t o);  // a tagged order: recorded if the sink admits it
  void trace_queued(std::uint32_t j);
  void trace_started(std::uint32_t j, Activity a, TraceDetail d);
  void trace_job(std::uint32_t j, Activity a, TraceDetail d, double outage = 0.0);
  void trace_complaint_handled(std::uint32_t o, int u, bool resolved);
  void trace_skipped(std::uint32_t o, int k);
  void trace_defect(std::uint32_t o, int e, int k, int origin);
  void trace_caught(std::uint32_t o, int e, const Link& L);
  void trace_false_alarm(std::uint32_t o, int e, const Link& L);
  void trace_rework(std::uint32_t o, int e, TraceDetail why, std::int32_t blame, const std::uint8_t* caught);
  void trace_handed_over(std::uint32_t o, int e);
  void trace_order(std::uint32_t o, Activity a, TraceDetail d = TraceDetail::None);
  void trace_lost(std::uint32_t o, TraceDetail why, int u);
  void trace_refused(std::uint32_t o, JobKind kind, int u);
  void trace_outage(std::uint32_t u, bool down, double length);

  const Model& m_;
  SimOptions opt_;
  double now_ = 0, horizon_, warmup_, cap_;
  EventList events_;
  NameOrder names_;
  Draws draws_;
  Orders orders_;
  Jobs jobs_;
  std::vector<UnitState> units_;
  Ledger ledger_;
  Measures measures_;
  Customers customers_;
  CustomerMemory memory_;
  Inspection inspection_;
  DelayBook delays_;
  std::vector<std::uint64_t> next_number_;     // candidates per flow so far
  std::vector<std::size_t> courtesy_row_;      // per unit: its courtesy:UNIT ledger row (courtesy < 1)
  std::vector<std::uint8_t> complaint_level_;  // per order complaining: the defect type that governs (0: none)
  ReplicationResult result_;
  // The event log's bookkeeping: in the recording build only (an empty member in the other).
  [[no_unique_address]] std::conditional_t<kRecording, Tracer, NoTracer> tracer_;
};

// One replication with this build (limits.cpp); simulate() picks the build.
ReplicationResult replicate(const Model& model, std::uint64_t seed, std::uint64_t replication,
                            const SimOptions& options, TraceSink* events);

}  // namespace ESLABON_ENGINE_BUILD
}  // namespace eslabon::engine
