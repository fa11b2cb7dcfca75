#pragma once
// One replication of a Model.
//
// Event kinds and their priority classes (events at the same time run in this order, and
// in insertion order within a class; see core/event_list.hpp):
//
// | class | kind        | why it comes first                                                   |
// |-------|-------------|-----------------------------------------------------------------------|
// | 0     | Repair      | a unit back from an outage resumes its work before anything else at t |
// | 1     | ServiceEnd  | release before seize: a server freed at t serves the waiting line     |
// |       |             | (and routes the finished task on) before anything arriving at t       |
// |       |             | looks for a free server, so arrivals at t never jump the queue.       |
// | 1     | Handoff     | a delayed handoff reaches its receiver: an internal completion, too   |
// | 2     | Failure     | a unit fails after the work finishing at t has finished               |
// | 3     | Arrival     | external orders enter after the internal state at t is settled.       |
//
// Measurement: orders that arrive in [warmup, horizon) are "tagged"; lead times, on-time
// rate and loss rate are over tagged orders, which are followed to their delivery (the
// simulation goes on past the horizon, arrivals included, until every tagged order is
// done, at most until horizon + (horizon - warmup); orders still open then are counted in
// orders_unfinished). Time averages (WIP, utilisation, queue length) are over [warmup,
// horizon]; counts (deliveries, completions, waits, rejections) over [warmup, horizon).

#include <eslabon/core/random.hpp>
#include <eslabon/core/table.hpp>
#include <models/model/model.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace eslabon {

// System KPIs, in the order of the /replications columns.
enum class Kpi : int {
  LeadTimeMean,
  LeadTimeP50,
  LeadTimeP95,
  OnTimeRate,
  Throughput,
  WipMean,
  OrdersDelivered,
  OrdersArrived,
  LossRate,
  OrdersUnfinished,  // tagged orders still in the system when the run was cut off (an unstable model)
  DefectEscapeRate,  // delivered orders carrying >= 1 undetected defect
  VisibleDefectRate, // delivered orders with >= 1 defect the customer noticed
  PerfectOrderRate,  // delivered on time with nothing visible
  ReworkPerOrder,    // rework and scrap redos per delivered order
  ComplaintRate,     // complaints per delivered order
  ComplaintResolutionTimeMean,  // delivery to the end of complaint handling
  ChurnRate,         // customers lost per delivered order
  CopqPerOrder,      // cost of poor quality per delivered order
  Revenue,           // value of the orders delivered in the window, per time unit
  Count
};
inline constexpr int kKpiCount = static_cast<int>(Kpi::Count);
const std::array<const char*, kKpiCount>& kpi_names();

enum class UnitStat : int { Utilisation, MeanQueue, MeanWait, Throughput, MeanBusy, Rejected, Availability, Count };
inline constexpr int kUnitStatCount = static_cast<int>(UnitStat::Count);
const std::array<const char*, kUnitStatCount>& unit_stat_names();

// Per-flow statistics (same definitions as the system KPIs, restricted to one flow).
enum class FlowStat : int { LeadTimeMean, LeadTimeP50, LeadTimeP95, OnTimeRate, Throughput, OrdersDelivered, OrdersArrived, LossRate, Count };
inline constexpr int kFlowStatCount = static_cast<int>(FlowStat::Count);
const std::array<const char*, kFlowStatCount>& flow_stat_names();

// Per link (handoffs it covers, of tagged orders).
enum class LinkStat : int { Handoffs, Defects, Detected, Escaped, ReworkTime, SlaMetRate, Copq, Count };
inline constexpr int kLinkStatCount = static_cast<int>(LinkStat::Count);
const std::array<const char*, kLinkStatCount>& link_stat_names();

// Per origin of defects (each link, each skippable task, and "(unattributed)" last for costs
// no defect explains, such as late deliveries of orders that met no defect).
enum class OriginStat : int { VisibleDefects, VisibleShare, Copq, CopqShare, Count };
inline constexpr int kOriginStatCount = static_cast<int>(OriginStat::Count);
const std::array<const char*, kOriginStatCount>& origin_stat_names();

struct SimOptions {
  bool record_orders = false;
  std::atomic<bool>* stop = nullptr;       // checked every 2^14 events
  std::atomic<double>* progress = nullptr; // set every 2^14 events to the fraction of the horizon done (1 at the end)
};

struct ReplicationResult {
  std::uint64_t replication = 0;
  std::array<double, kKpiCount> kpi{};
  std::vector<std::array<double, kUnitStatCount>> units;  // one per model unit
  std::vector<std::array<double, kFlowStatCount>> flows;  // one per model flow
  std::vector<std::array<double, kLinkStatCount>> links;  // one per model link
  std::vector<std::array<double, kOriginStatCount>> origins;  // model origins, then "(unattributed)"
  Table orders{"orders"};                                  // filled when record_orders
  std::uint64_t events = 0;
  std::uint64_t peak_orders = 0;   // most orders alive at once (pool high-water mark)
  std::uint64_t peak_events = 0;   // most pending events at once
};

ReplicationResult simulate(const Model& model, std::uint64_t seed, std::uint64_t replication,
                           const SimOptions& options = {});

// Random-number purposes (the tag in the top 16 bits of the purpose word).
// Every draw is addressed by what it is for, so that adding a fault reshuffles nothing else.
// "order" below is the order's arrival number within its flow; index is the flow unless said.
namespace purpose {
inline constexpr std::uint16_t arrival = 1;    // one stream per flow, read in order
inline constexpr std::uint16_t service = 2;    // a = order; b = task << 32 | attempt
inline constexpr std::uint16_t defect = 3;     // a = order; b = edge << 32 | attempt
inline constexpr std::uint16_t detect = 4;     // a = order; b = edge << 32 | attempt (one draw per carried defect)
inline constexpr std::uint16_t delay = 5;      // a = order; b = edge << 32 | attempt
inline constexpr std::uint16_t skip = 6;       // a = order; b = task (skip, then skip_defect)
inline constexpr std::uint16_t fix = 7;        // a = order; b = edge << 32 | attempt
inline constexpr std::uint16_t visible = 8;    // a = order (one draw per carried defect)
inline constexpr std::uint16_t complaint = 9;  // a = order (complain, resolve, churn)
inline constexpr std::uint16_t complaint_service = 10;  // a = order
inline constexpr std::uint16_t outage = 11;    // index = unit; one stream per unit (time to failure, repair)
inline constexpr std::uint16_t thinning = 12;  // one stream per flow with a finite customer base
}  // namespace purpose

}  // namespace eslabon
