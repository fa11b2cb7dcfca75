#pragma once
// The result vocabulary, spelled once: system KPIs, and the statistics of each unit, flow,
// link and origin. Each list below generates its enum and its names (the column names of
// the result tables, the keys of --json, the KPI names `rank --kpi` and Python accept), so
// the two cannot drift apart. The order is the order of the table columns.

#include <array>

namespace eslabon {

// System KPIs (README "What is measured" defines each).
#define ESLABON_KPIS(X)                                                                             \
  X(LeadTimeMean, "lead_time_mean")                                                                 \
  X(LeadTimeP50, "lead_time_p50")                                                                   \
  X(LeadTimeP95, "lead_time_p95")                                                                   \
  X(OnTimeRate, "on_time_rate")                                                                     \
  X(Throughput, "throughput")                                                                       \
  X(WipMean, "wip_mean")                                                                            \
  X(OrdersDelivered, "orders_delivered")                                                            \
  X(OrdersArrived, "orders_arrived")                                                                \
  X(LossRate, "loss_rate")                                                                          \
  X(OrdersUnfinished, "orders_unfinished")    /* tagged orders open when the run was cut */         \
  X(DefectEscapeRate, "defect_escape_rate")   /* delivered with >= 1 undetected defect */           \
  X(VisibleDefectRate, "visible_defect_rate") /* delivered with >= 1 noticed defect */              \
  X(PerfectOrderRate, "perfect_order_rate")   /* on time with nothing visible */                    \
  X(ReworkPerOrder, "rework_per_order")       /* redos (rework, scrap, lost) per delivered order */ \
  X(ComplaintRate, "complaint_rate")          /* complaints per delivered order */                  \
  X(ComplaintResolutionTimeMean, "complaint_resolution_time_mean")                                  \
  X(ChurnRate, "churn_rate")        /* customers lost per delivered order */                        \
  X(CopqPerOrder, "copq_per_order") /* cost of poor quality per delivered order */                  \
  X(Revenue, "revenue")             /* value delivered in the window per time unit */               \
  X(CustomerBase, "customer_base")  /* time-average customers in the finite bases */                \
  /* The complaint iceberg, each per delivered order but the ratio (README "What is measured") */   \
  X(DissatisfiedRate, "dissatisfied_rate")               /* dissatisfied customers */               \
  X(SilentRate, "silent_rate")                           /* dissatisfied who did not complain */    \
  X(SilentToComplaintRatio, "silent_to_complaint_ratio") /* silent per complaint */                 \
  X(ChurnAfterResolvedRate, "churn_after_resolved_rate") /* churn by path: sums to churn_rate */    \
  X(ChurnAfterUnresolvedRate, "churn_after_unresolved_rate")                                        \
  X(ChurnSilentRate, "churn_silent_rate")                                                           \
  X(ComplaintsTurnedAway, "complaints_turned_away") /* refused by a full desk */                     \
  X(AbandonRate, "abandon_rate")                    /* orders that reneged, per tagged arrival */     \
  X(DiscourtesyRate, "discourtesy_rate")            /* customers a contact offended, per delivered */ \
  /* copq_per_order by category of the cost of quality (engine/ledger.hpp); they sum to it */      \
  X(CopqPrevention, "copq_prevention")                                                              \
  X(CopqAppraisal, "copq_appraisal")                                                                \
  X(CopqInternalFailure, "copq_internal_failure")                                                   \
  X(CopqExternalFailure, "copq_external_failure")                                                  \
  /* Churn by the last straw (README "Customers who remember"): they split churn_silent_rate */     \
  X(ChurnDefectRate, "churn_defect_rate")       /* left after a delivery with a defect they saw */  \
  X(ChurnLateRate, "churn_late_rate")           /* ... a late one (nothing seen) */                 \
  X(ChurnOffendedRate, "churn_offended_rate")   /* ... one whose contact offended them */           \
  X(ChurnSatisfiedRate, "churn_satisfied_rate") /* ... one that satisfied them (memory) */          \
  X(SatisfactionMean, "satisfaction_mean")      /* mean score over customers and time (memory) */   \
  X(OrdersBeforeLeavingMean, "orders_before_leaving_mean") /* orders delivered to a lost customer */

#define ESLABON_UNIT_STATS(X)     \
  X(Utilisation, "utilisation")   \
  X(MeanQueue, "mean_queue")      \
  X(MeanWait, "mean_wait")        \
  X(Throughput, "throughput")     \
  X(MeanBusy, "mean_busy")        \
  X(Rejected, "rejected")         \
  X(Availability, "availability") \
  X(Abandoned, "abandoned") /* jobs whose patience ran out in its line, in the window */ \
  /* pressure (README "Pressure"), time averages over the window; empty without it */   \
  X(PressureSpeed, "pressure_speed")   /* the level's speedup */                         \
  X(PressureErrors, "pressure_errors") /* the level's error multiplier */                \
  X(PressureTop, "pressure_top")       /* share of the time at the highest level */

// Per flow: the system KPIs' definitions restricted to one flow's orders.
#define ESLABON_FLOW_STATS(X)            \
  X(LeadTimeMean, "lead_time_mean")      \
  X(LeadTimeP50, "lead_time_p50")        \
  X(LeadTimeP95, "lead_time_p95")        \
  X(OnTimeRate, "on_time_rate")          \
  X(Throughput, "throughput")            \
  X(OrdersDelivered, "orders_delivered") \
  X(OrdersArrived, "orders_arrived")     \
  X(LossRate, "loss_rate")

// Per link (the handoffs it covers, of tagged orders).
#define ESLABON_LINK_STATS(X)                                   \
  X(Handoffs, "handoffs")                                       \
  X(Defects, "defects")                                         \
  X(Detected, "detected")                                       \
  X(Escaped, "escaped")                                         \
  X(Lost, "lost") /* handoff attempts lost (fault kind lost) */ \
  X(FalseAlarms, "false_alarms") /* good attempts sent back */  \
  X(ReworkTime, "rework_time")                                  \
  X(SlaMetRate, "sla_met_rate")                                 \
  X(Copq, "copq")

// Per row of the cost ledger (engine/ledger.hpp): each origin of defects (each link, each
// skippable task), each other cause of delay, then "(unattributed)".
#define ESLABON_ORIGIN_STATS(X)        \
  X(VisibleDefects, "visible_defects") \
  X(VisibleShare, "visible_share")     \
  X(Copq, "copq")                      \
  X(CopqPerOrder, "copq_per_order")    \
  X(CopqShare, "copq_share")

// Per band of satisfaction scores (customers who remember, engine/memory.hpp): customers in
// the band (time average over the window) and their share of the customers with memory.
#define ESLABON_SATISFACTION_STATS(X) \
  X(Customers, "customers")           \
  X(Share, "share")

// Per cause of delay (engine/delays.hpp): per delivered order, its time and its share of
// lateness; and their shares of the lead time and of the lateness.
#define ESLABON_DELAY_STATS(X) \
  X(Time, "time")              \
  X(Lateness, "lateness")      \
  X(LeadShare, "lead_share")   \
  X(LatenessShare, "lateness_share")

#define ESLABON_ENUM_ENTRY(id, name) id,
#define ESLABON_NAME_ENTRY(id, name) name,
#define ESLABON_VOCABULARY(Type, LIST, count, names_fn)                             \
  enum class Type : int { LIST(ESLABON_ENUM_ENTRY) Count };                         \
  inline constexpr int count = static_cast<int>(Type::Count);                       \
  inline const std::array<const char*, count>& names_fn() {                         \
    static const std::array<const char*, count> names = {LIST(ESLABON_NAME_ENTRY)}; \
    return names;                                                                   \
  }

ESLABON_VOCABULARY(Kpi, ESLABON_KPIS, kKpiCount, kpi_names)
ESLABON_VOCABULARY(UnitStat, ESLABON_UNIT_STATS, kUnitStatCount, unit_stat_names)
ESLABON_VOCABULARY(FlowStat, ESLABON_FLOW_STATS, kFlowStatCount, flow_stat_names)
ESLABON_VOCABULARY(LinkStat, ESLABON_LINK_STATS, kLinkStatCount, link_stat_names)
ESLABON_VOCABULARY(OriginStat, ESLABON_ORIGIN_STATS, kOriginStatCount, origin_stat_names)
ESLABON_VOCABULARY(DelayStat, ESLABON_DELAY_STATS, kDelayStatCount, delay_stat_names)
ESLABON_VOCABULARY(SatisfactionStat, ESLABON_SATISFACTION_STATS, kSatisfactionStatCount, satisfaction_stat_names)

#undef ESLABON_VOCABULARY
#undef ESLABON_NAME_ENTRY
#undef ESLABON_ENUM_ENTRY

// The figures that are proportions (shares or per-order rates that cannot exceed 1): their
// confidence intervals are clipped to [0, 1] (models/results/run_result.cpp).
inline constexpr bool is_proportion(Kpi k) {
  switch (k) {
    case Kpi::OnTimeRate:
    case Kpi::LossRate:
    case Kpi::DefectEscapeRate:
    case Kpi::VisibleDefectRate:
    case Kpi::PerfectOrderRate:
    case Kpi::ComplaintRate:  // at most one complaint per delivered order
    case Kpi::ChurnRate:      // at most one customer lost per delivered order
    case Kpi::DissatisfiedRate:
    case Kpi::SilentRate:
    case Kpi::ChurnAfterResolvedRate:
    case Kpi::ChurnAfterUnresolvedRate:
    case Kpi::ChurnSilentRate:
    case Kpi::ComplaintsTurnedAway:
    case Kpi::AbandonRate:
    case Kpi::DiscourtesyRate:
    case Kpi::ChurnDefectRate:
    case Kpi::ChurnLateRate:
    case Kpi::ChurnOffendedRate:
    case Kpi::ChurnSatisfiedRate:
    case Kpi::SatisfactionMean:  // a mean score, in [0, 1]
      return true;
    default:
      return false;
  }
}
inline constexpr bool is_proportion(UnitStat s) {
  return s == UnitStat::Utilisation || s == UnitStat::Availability || s == UnitStat::PressureTop;
}
inline constexpr bool is_proportion(FlowStat s) { return s == FlowStat::OnTimeRate || s == FlowStat::LossRate; }
inline constexpr bool is_proportion(LinkStat s) { return s == LinkStat::SlaMetRate; }
inline constexpr bool is_proportion(SatisfactionStat s) { return s == SatisfactionStat::Share; }
inline constexpr bool is_proportion(DelayStat s) { return s == DelayStat::LeadShare || s == DelayStat::LatenessShare; }
inline constexpr bool is_proportion(OriginStat s) {
  return s == OriginStat::VisibleShare || s == OriginStat::CopqShare;
}

}  // namespace eslabon
