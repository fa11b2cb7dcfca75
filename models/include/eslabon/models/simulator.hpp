#pragma once
// One replication of a Model.
//
// Event kinds and their priority classes (events at the same time run in this order, and
// in insertion order within a class; see core/event_list.hpp):
//
// | class | kind        | why it comes first                                                   |
// |-------|-------------|-----------------------------------------------------------------------|
// | 0     | ServiceEnd  | release before seize: a server freed at t serves the waiting line     |
// |       |             | (and routes the finished task on) before anything arriving at t       |
// |       |             | looks for a free server, so arrivals at t never jump the queue.       |
// | 1     | Arrival     | external orders enter after the internal state at t is settled.       |
//
// Measurement: orders that arrive in [warmup, horizon) are "tagged"; lead times, on-time
// rate and loss rate are over tagged orders, which are followed to their delivery (the
// simulation goes on past the horizon, arrivals included, until every tagged order is
// done, at most until horizon + (horizon - warmup); orders still open then are counted in
// orders_unfinished). Time averages (WIP, utilisation, queue length) are over [warmup,
// horizon]; counts (deliveries, completions, waits, rejections) over [warmup, horizon).

#include <eslabon/core/random.hpp>
#include <eslabon/core/table.hpp>
#include <eslabon/models/model.hpp>

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
  Count
};
inline constexpr int kKpiCount = static_cast<int>(Kpi::Count);
const std::array<const char*, kKpiCount>& kpi_names();

enum class UnitStat : int { Utilisation, MeanQueue, MeanWait, Throughput, MeanBusy, Rejected, Count };
inline constexpr int kUnitStatCount = static_cast<int>(UnitStat::Count);
const std::array<const char*, kUnitStatCount>& unit_stat_names();

// Per-flow statistics (same definitions as the system KPIs, restricted to one flow).
enum class FlowStat : int { LeadTimeMean, LeadTimeP50, LeadTimeP95, OnTimeRate, Throughput, OrdersDelivered, OrdersArrived, LossRate, Count };
inline constexpr int kFlowStatCount = static_cast<int>(FlowStat::Count);
const std::array<const char*, kFlowStatCount>& flow_stat_names();

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
  Table orders{"orders"};                                  // filled when record_orders
  std::uint64_t events = 0;
  std::uint64_t peak_orders = 0;   // most orders alive at once (pool high-water mark)
  std::uint64_t peak_events = 0;   // most pending events at once
};

ReplicationResult simulate(const Model& model, std::uint64_t seed, std::uint64_t replication,
                           const SimOptions& options = {});

// Random-number purposes (the tag in the top 16 bits of the purpose word).
namespace purpose {
inline constexpr std::uint16_t arrival = 1;  // index = flow; one stream per flow, read in order
inline constexpr std::uint16_t service = 2;  // index = flow; a = arrival number; b = task << 32 | attempt
}  // namespace purpose

}  // namespace eslabon
