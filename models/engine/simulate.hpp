#pragma once
// One replication of a Model.
//
// The event kinds and their order at equal times: events.hpp. Random-number addressing:
// draws.hpp. The parts of a replication: README.md in this folder.
//
// Measurement: orders that arrive in [warmup, horizon) are "tagged"; lead times, on-time
// rate and loss rate are over tagged orders, which are followed to their delivery (the
// simulation goes on past the horizon, arrivals included, until every tagged order is
// done, at most until horizon + (horizon - warmup); orders still open then are counted in
// orders_unfinished). Time averages (WIP, utilisation, queue length) are over [warmup,
// horizon]; counts (deliveries, completions, waits, rejections) over [warmup, horizon).

#include <eslabon/core/random.hpp>
#include <eslabon/core/table.hpp>
#include <models/engine/kpis.hpp>
#include <models/model/model.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace eslabon {

class TraceSink;  // engine/trace.hpp

// An order of a pilot run (results/warmup.hpp): when it arrived and when it left (delivered or
// lost; +inf if still open when the run stopped).
struct OrderSpan {
  double arrival, end;
  bool delivered;
};

struct SimOptions {
  bool record_orders = false;
  // With record_orders: each tagged order's span goes here instead of the order tables.
  std::vector<OrderSpan>* trace = nullptr;
  std::atomic<bool>* stop = nullptr;        // checked every 2^14 events
  std::atomic<double>* progress = nullptr;  // set every 2^14 events to the fraction of the horizon done (1 at the end)
};

// The KPIs the drift check compares between the two halves of the measurement window
// (README "Steady state"; models/results/drift.hpp).
inline constexpr std::array<Kpi, 5> kDriftKpis = {Kpi::LeadTimeMean, Kpi::OnTimeRate, Kpi::Throughput,
                                                  Kpi::CopqPerOrder, Kpi::CustomerBase};

struct ReplicationResult {
  std::uint64_t replication = 0;
  std::array<double, kKpiCount> kpi{};
  std::vector<std::array<double, kUnitStatCount>> units;      // one per model unit
  std::vector<std::array<double, kFlowStatCount>> flows;      // one per model flow
  std::vector<std::array<double, kLinkStatCount>> links;      // one per model link
  std::vector<std::array<double, kOriginStatCount>> origins;  // model origins, then "(unattributed)"
  std::vector<std::array<double, kDelayStatCount>> delays;    // one per cause (DelayCauses::names)
  std::vector<std::array<double, kSatisfactionStatCount>> satisfaction;  // per score band (memory only)
  Table orders{"orders"};                                     // filled when record_orders
  Table order_delays{"delays"};  // when record_orders: replication, flow, order, cause, time (causes with time)
  std::uint64_t events = 0;
  std::uint64_t peak_orders = 0;  // most orders alive at once (pool high-water mark)
  std::uint64_t peak_events = 0;  // most pending events at once
  // Each drift KPI over the first and the second half of the window, [warmup, mid) and [mid, horizon).
  std::array<std::array<double, 2>, kDriftKpis.size()> halves{};
};

// The replication index of the first pilot run of warmup: auto (the others count down from it,
// results/warmup.hpp): streams of their own, which no replication of a run uses (they count from 0).
inline constexpr std::uint64_t kPilotReplication = ~std::uint64_t{0};

// More orders in the system at once than run.max_wip (README "Warm-up and replications without
// guessing"): the replication stops; the message says when, and which flow and unit hold the work.
// A run stopped by one of its limits (README "Limits"): one of the three below.
struct RunLimitExceeded : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct WipExceeded : RunLimitExceeded {
  using RunLimitExceeded::RunLimitExceeded;
};
// More events in one replication than run.max_events.
struct EventsExceeded : RunLimitExceeded {
  using RunLimitExceeded::RunLimitExceeded;
};
// More wall-clock time than a run was given (the command line's --time-limit, Model.run's time_limit).
struct TimeLimitExceeded : RunLimitExceeded {
  using RunLimitExceeded::RunLimitExceeded;
};

ReplicationResult simulate(const Model& model, std::uint64_t seed, std::uint64_t replication,
                           const SimOptions& options = {});

// The same replication, publishing the history of the orders `events` admits to it (README "Event
// logs for process mining"; engine/trace.hpp): with the recording build of the engine
// (engine/replication.hpp), whose results are bit for bit those of simulate() above.
ReplicationResult simulate(const Model& model, std::uint64_t seed, std::uint64_t replication,
                           const SimOptions& options, TraceSink& events);

}  // namespace eslabon
