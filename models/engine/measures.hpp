#pragma once
// What a replication measures (README "What is measured"), and how it turns into a
// ReplicationResult at the end. Counters here only count; the dispatcher decides when.

#include <models/engine/kpis.hpp>
#include <models/engine/ledger.hpp>
#include <models/engine/simulate.hpp>
#include <models/engine/units.hpp>
#include <models/model/model.hpp>

#include <eslabon/core/statistics.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace eslabon {

struct FlowMeasures {
  Welford lead;
  QuantileSketch lead_q;
  std::uint64_t on_time = 0, delivered_in_window = 0, arrived = 0, lost = 0;
};

struct LinkMeasures {
  std::uint64_t handoffs = 0, defects = 0, detected = 0, escaped = 0, lost = 0, accepted = 0, sla_met = 0,
                false_alarms = 0;
  double rework_time = 0;
};

struct Measures {
  Measures(const Model& m, double warmup, double horizon)
      : flows(m.flows.size()),
        links(m.links.size()),
        origin_visible(m.origins.size() + 1, 0.0),
        per_flow_leads(m.flows.size() > 1) {
    wip.window(warmup, horizon);
    base.window(warmup, horizon);
    mid = warmup + 0.5 * (horizon - warmup);
    base_half[0].window(warmup, mid);
    base_half[1].window(mid, horizon);
    for (const Origin& g : m.origins) link_of_origin.push_back(g.link);
    // Defect types: a row FROM->TO:TYPE after the links' rows for each, in origin order.
    type_row.assign(m.origins.size(), -1);
    for (std::size_t g = 0; g < m.origins.size(); ++g)
      if (m.origins[g].type >= 0) {
        type_row[g] = static_cast<int>(links.size());
        links.emplace_back();
      }
    typed = links.size() > m.links.size();
  }

  // Link rows go by origin: a link's detected, escaped and rework_time are about the defects
  // (and lost handoffs) that began on it, wherever they were caught or cost time.
  //
  // A tagged order reaches the customer carrying `carried` undetected defects per origin.
  // A defect of a type (origin g) also counts on the type's own row.
  void count_escaped(const std::uint8_t* carried) {
    for (std::size_t g = 0; g < link_of_origin.size(); ++g)
      if (carried[g] && link_of_origin[g] >= 0) {
        links[static_cast<std::size_t>(link_of_origin[g])].escaped += carried[g];
        if (typed && type_row[g] >= 0) links[static_cast<std::size_t>(type_row[g])].escaped += carried[g];
      }
  }
  // An inspection of a tagged order caught `caught` defects per origin.
  void count_detected(const std::uint8_t* caught) {
    for (std::size_t g = 0; g < link_of_origin.size(); ++g)
      if (caught[g] && link_of_origin[g] >= 0) {
        links[static_cast<std::size_t>(link_of_origin[g])].detected += caught[g];
        if (typed && type_row[g] >= 0) links[static_cast<std::size_t>(type_row[g])].detected += caught[g];
      }
  }
  // A defective attempt of a tagged order, of the type whose origin is g (the link's row counts
  // it as well, in the dispatcher).
  void count_typed_defect(int g) { ++links[static_cast<std::size_t>(type_row[static_cast<std::size_t>(g)])].defects; }
  // Rework, fix or redo time `t` of a tagged order caused by one origin (-1: none) ...
  void add_rework_time(double t, int origin) {
    if (origin >= 0 && link_of_origin[static_cast<std::size_t>(origin)] >= 0) {
      links[static_cast<std::size_t>(link_of_origin[static_cast<std::size_t>(origin)])].rework_time += t;
      if (typed && type_row[static_cast<std::size_t>(origin)] >= 0)
        links[static_cast<std::size_t>(type_row[static_cast<std::size_t>(origin)])].rework_time += t;
    }
  }
  // ... or by the origins caught at one inspection, split in proportion to the counts
  // caught of each, as its cost is (Ledger::split).
  void add_rework_time(double t, const std::uint8_t* caught) {
    double sum = 0;
    for (std::size_t g = 0; g < link_of_origin.size(); ++g) sum += caught[g];
    if (sum <= 0) return;
    for (std::size_t g = 0; g < link_of_origin.size(); ++g)
      if (caught[g] && link_of_origin[g] >= 0) {
        links[static_cast<std::size_t>(link_of_origin[g])].rework_time += t * caught[g] / sum;
        if (typed && type_row[g] >= 0) links[static_cast<std::size_t>(type_row[g])].rework_time += t * caught[g] / sum;
      }
  }

  // The drift check (README "Steady state"): the main KPIs over each half of the window,
  // [warmup, mid) and [mid, horizon); orders by their arrival, deliveries by their time.
  struct Half {
    double lead_sum = 0, copq = 0;
    std::uint64_t delivered_tagged = 0, on_time = 0, delivered_in_window = 0;
  };
  int half(double t) const { return t >= mid ? 1 : 0; }
  // A tagged order delivered (lead time, on time), by its arrival time.
  void half_delivered(double arrival, double lead, bool on_time_) {
    Half& h = halves[half(arrival)];
    h.lead_sum += lead;
    ++h.delivered_tagged;
    h.on_time += on_time_;
  }
  // A tagged order settled with its final cost of poor quality, by its arrival time.
  void half_copq(double arrival, double copq) { halves[half(arrival)].copq += copq; }
  void set_base(double t, double customers) {
    base.set(t, customers);
    base_half[0].set(t, customers);
    base_half[1].set(t, customers);
  }

  std::vector<FlowMeasures> flows;
  std::vector<LinkMeasures> links;
  std::vector<double> origin_visible;
  std::vector<int> link_of_origin;  // the link whose defects an origin stands for, or -1 (a skip)
  std::vector<int> type_row;        // per origin: its row FROM->TO:TYPE in `links`, or -1
  bool typed = false;               // the model has defect types (rows beyond its links)
  TimeWeighted wip;
  TimeWeighted base;  // customers in the finite bases (customer_base)
  double mid = 0;
  std::array<Half, 2> halves{};
  std::array<TimeWeighted, 2> base_half;
  bool finite_base = false;
  Welford lead, complaint_time;
  QuantileSketch lead_q;
  std::uint64_t on_time = 0, delivered_in_window = 0;
  std::uint64_t tagged_open = 0, tagged_arrived = 0, tagged_lost = 0, tagged_abandoned = 0;
  std::uint64_t delivered_tagged = 0, escaped_orders = 0, visible_orders = 0, perfect_orders = 0;
  std::uint64_t offended = 0;  // delivered tagged orders whose customer a contact offended
  std::uint64_t reworks = 0, complaints = 0, churned = 0;
  // The complaint iceberg (tagged orders): dissatisfied customers, those who did not
  // complain, churn by path, complaints a full desk turned away.
  std::uint64_t dissatisfied = 0, silent = 0, churned_resolved = 0, churned_unresolved = 0, churned_silent = 0;
  std::uint64_t turned_away = 0;
  // Customers lost after a delivery, by its reason (Customers::Reason): they split churned_silent.
  std::array<std::uint64_t, 4> churned_by{};
  double revenue_in_window = 0;
  std::uint64_t peak_events = 0;
  // Lead times are kept per flow only when there are several flows: with one, the flow's
  // statistics are the system's, added in the same order, so they are copied at the end.
  bool per_flow_leads;

  void fill(ReplicationResult& r, const Model& m, const std::vector<UnitState>& units, const Ledger& ledger) const {
    const double window = m.run.horizon - m.run.warmup;
    const double horizon = m.run.horizon;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    auto ratio = [&](double a, double b) { return b > 0 ? a / b : nan; };
    auto count = [](std::uint64_t x) { return static_cast<double>(x); };
    auto at = [&](Kpi x) -> double& { return r.kpi[static_cast<int>(x)]; };
    at(Kpi::LeadTimeMean) = lead.count() ? lead.mean() : nan;
    at(Kpi::LeadTimeP50) = lead_q.quantile(0.5);
    at(Kpi::LeadTimeP95) = lead_q.quantile(0.95);
    at(Kpi::OnTimeRate) = ratio(count(on_time), count(lead.count()));
    at(Kpi::Throughput) = count(delivered_in_window) / window;
    at(Kpi::WipMean) = wip.mean(horizon);
    at(Kpi::OrdersDelivered) = count(delivered_in_window);
    at(Kpi::OrdersArrived) = count(tagged_arrived);
    at(Kpi::OrdersUnfinished) = count(tagged_open);
    at(Kpi::LossRate) = ratio(count(tagged_lost), count(tagged_arrived));
    at(Kpi::AbandonRate) = ratio(count(tagged_abandoned), count(tagged_arrived));
    const double delivered = count(delivered_tagged);
    at(Kpi::DefectEscapeRate) = ratio(count(escaped_orders), delivered);
    at(Kpi::VisibleDefectRate) = ratio(count(visible_orders), delivered);
    at(Kpi::PerfectOrderRate) = ratio(count(perfect_orders), delivered);
    at(Kpi::ReworkPerOrder) = ratio(count(reworks), delivered);
    at(Kpi::ComplaintRate) = ratio(count(complaints), delivered);
    at(Kpi::ComplaintResolutionTimeMean) = complaint_time.count() ? complaint_time.mean() : nan;
    at(Kpi::ChurnRate) = ratio(count(churned), delivered);
    at(Kpi::CustomerBase) = finite_base ? base.mean(horizon) : nan;
    at(Kpi::DissatisfiedRate) = ratio(count(dissatisfied), delivered);
    at(Kpi::SilentRate) = ratio(count(silent), delivered);
    at(Kpi::SilentToComplaintRatio) = ratio(count(silent), count(complaints));
    at(Kpi::ChurnAfterResolvedRate) = ratio(count(churned_resolved), delivered);
    at(Kpi::ChurnAfterUnresolvedRate) = ratio(count(churned_unresolved), delivered);
    at(Kpi::ChurnSilentRate) = ratio(count(churned_silent), delivered);
    at(Kpi::ComplaintsTurnedAway) = ratio(count(turned_away), delivered);
    at(Kpi::ChurnDefectRate) = ratio(count(churned_by[0]), delivered);
    at(Kpi::ChurnLateRate) = ratio(count(churned_by[1]), delivered);
    at(Kpi::ChurnOffendedRate) = ratio(count(churned_by[2]), delivered);
    at(Kpi::ChurnSatisfiedRate) = ratio(count(churned_by[3]), delivered);
    at(Kpi::CopqPerOrder) = ratio(ledger.total(), delivered);
    at(Kpi::DiscourtesyRate) = ratio(count(offended), delivered);
    at(Kpi::CopqPrevention) = ratio(ledger.of(CostCategory::Prevention), delivered);
    at(Kpi::CopqAppraisal) = ratio(ledger.of(CostCategory::Appraisal), delivered);
    at(Kpi::CopqInternalFailure) = ratio(ledger.of(CostCategory::InternalFailure), delivered);
    at(Kpi::CopqExternalFailure) = ratio(ledger.of(CostCategory::ExternalFailure), delivered);
    at(Kpi::Revenue) = revenue_in_window / window;
    for (int h = 0; h < 2; ++h) {
      const Half& x = halves[h];
      const double n = count(x.delivered_tagged);
      const double values[] = {ratio(x.lead_sum, n), ratio(count(x.on_time), n),
                               count(x.delivered_in_window) / (0.5 * window), ratio(x.copq, n),
                               finite_base ? base_half[h].mean(horizon) : nan};
      static_assert(std::size(values) == kDriftKpis.size());
      for (std::size_t i = 0; i < kDriftKpis.size(); ++i) r.halves[i][h] = values[i];
    }
    r.units.resize(units.size());
    for (std::size_t u = 0; u < units.size(); ++u) {
      const UnitState& us = units[u];
      auto& s = r.units[u];
      const double busy = us.busy_tw.mean(horizon);
      // With shifts, over the scheduled server-time (README "Shifts and calendars").
      if (us.shifted) {
        const double scheduled = us.scheduled_tw.mean(horizon);
        s[static_cast<int>(UnitStat::Utilisation)] = scheduled > 0 ? busy / scheduled : nan;
      } else {
        s[static_cast<int>(UnitStat::Utilisation)] = busy / us.servers;
      }
      s[static_cast<int>(UnitStat::MeanQueue)] = us.queue_tw.mean(horizon);
      s[static_cast<int>(UnitStat::MeanWait)] = us.wait.count() ? us.wait.mean() : nan;
      s[static_cast<int>(UnitStat::Throughput)] = count(us.completions) / window;
      s[static_cast<int>(UnitStat::MeanBusy)] = busy;
      s[static_cast<int>(UnitStat::Rejected)] = count(us.rejected);
      s[static_cast<int>(UnitStat::Availability)] = 1.0 - us.down_tw.mean(horizon);
      s[static_cast<int>(UnitStat::Abandoned)] = count(us.abandoned);
      s[static_cast<int>(UnitStat::PressureSpeed)] = us.pressured ? us.speedup_tw.mean(horizon) : nan;
      s[static_cast<int>(UnitStat::PressureErrors)] = us.pressured ? us.errors_tw.mean(horizon) : nan;
      s[static_cast<int>(UnitStat::PressureTop)] = us.pressured ? us.top_tw.mean(horizon) : nan;
    }
    r.flows.resize(flows.size());
    for (std::size_t f = 0; f < flows.size(); ++f) {
      const FlowMeasures& fs = flows[f];
      const Welford& fl_lead = per_flow_leads ? fs.lead : lead;
      const QuantileSketch& fl_q = per_flow_leads ? fs.lead_q : lead_q;
      auto put = [&](FlowStat x, double v) { r.flows[f][static_cast<int>(x)] = v; };
      const std::uint64_t done = fl_lead.count();
      put(FlowStat::LeadTimeMean, done ? fl_lead.mean() : nan);
      put(FlowStat::LeadTimeP50, fl_q.quantile(0.5));
      put(FlowStat::LeadTimeP95, fl_q.quantile(0.95));
      put(FlowStat::OnTimeRate, ratio(count(fs.on_time), count(done)));
      put(FlowStat::Throughput, count(fs.delivered_in_window) / window);
      put(FlowStat::OrdersDelivered, count(fs.delivered_in_window));
      put(FlowStat::OrdersArrived, count(fs.arrived));
      put(FlowStat::LossRate, ratio(count(fs.lost), count(fs.arrived)));
    }
    r.links.resize(links.size());  // the links, then a row per defect type of a link (fill_types)
    for (std::size_t l = 0; l < m.links.size(); ++l) {
      const LinkMeasures& ls = links[l];
      auto put = [&](LinkStat x, double v) { r.links[l][static_cast<int>(x)] = v; };
      put(LinkStat::Handoffs, count(ls.handoffs));
      put(LinkStat::Defects, count(ls.defects));
      put(LinkStat::Detected, count(ls.detected));
      put(LinkStat::Escaped, count(ls.escaped));
      put(LinkStat::Lost, count(ls.lost));
      put(LinkStat::FalseAlarms, count(ls.false_alarms));
      put(LinkStat::ReworkTime, ls.rework_time);
      // Empty for a link without an SLA: there is no level to meet.
      put(LinkStat::SlaMetRate, std::isfinite(m.links[l].sla) ? ratio(count(ls.sla_met), count(ls.accepted)) : nan);
      put(LinkStat::Copq, ledger.of(static_cast<std::size_t>(m.links[l].origin)));
    }
    if (typed) fill_types(r, ledger);
    const std::size_t n = m.origins.size();
    double visible_total = 0;
    for (std::size_t g = 0; g < n; ++g) visible_total += origin_visible[g];
    // One row per ledger row: the origins, the other causes (no defects of their own), and
    // "(unattributed)".
    r.origins.resize(ledger.slots());
    for (std::size_t g = 0; g < ledger.slots(); ++g) {
      auto& s = r.origins[g];
      const double seen = g < n ? origin_visible[g] : 0.0;
      s[static_cast<int>(OriginStat::VisibleDefects)] = seen;
      s[static_cast<int>(OriginStat::VisibleShare)] = ratio(seen, visible_total);
      s[static_cast<int>(OriginStat::Copq)] = ledger.of(g);
      s[static_cast<int>(OriginStat::CopqPerOrder)] = ratio(ledger.of(g), delivered);
      s[static_cast<int>(OriginStat::CopqShare)] = ratio(ledger.of(g), ledger.total());
    }
  }

  // The rows FROM->TO:TYPE: a type's own defects, detected, escaped, rework_time and copq (its
  // origin's), with its link's handoffs; a link's row holds the totals over its types, and its
  // copq adds theirs to its own origin's (README "What is measured").
  void fill_types(ReplicationResult& r, const Ledger& ledger) const {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t g = 0; g < type_row.size(); ++g) {
      if (type_row[g] < 0) continue;
      const std::size_t row = static_cast<std::size_t>(type_row[g]), l = static_cast<std::size_t>(link_of_origin[g]);
      const LinkMeasures& ls = links[row];
      auto put = [&](LinkStat x, double v) { r.links[row][static_cast<int>(x)] = v; };
      put(LinkStat::Handoffs, static_cast<double>(links[l].handoffs));
      put(LinkStat::Defects, static_cast<double>(ls.defects));
      put(LinkStat::Detected, static_cast<double>(ls.detected));
      put(LinkStat::Escaped, static_cast<double>(ls.escaped));
      put(LinkStat::Lost, 0);
      put(LinkStat::FalseAlarms, 0);
      put(LinkStat::ReworkTime, ls.rework_time);
      put(LinkStat::SlaMetRate, nan);
      put(LinkStat::Copq, ledger.of(g));
      r.links[l][static_cast<int>(LinkStat::Copq)] += ledger.of(g);
    }
  }
};

}  // namespace eslabon
