// The entry of one replication (simulate(), which picks the plain or the recording build of the
// engine: replication.hpp), and what guards it: run.max_wip (a replication whose work in
// the system passes the limit stops with a message saying where the work piles up) and the
// order spans of a pilot run (SimOptions::trace, for warmup: auto). Neither is on the hot path:
// the limit is checked where the order pool grows (Orders::grow), and spans are recorded only
// with record_orders.

#include <models/engine/replication.hpp>

#include <eslabon/core/number_format.hpp>

#include <limits>
#include <string>

namespace eslabon {
namespace engine {

void Replication::trace(std::uint32_t o) {
  const bool delivered = orders_.has(o, Orders::kDelivered);
  opt_.trace->push_back({orders_.arrival(o), delivered ? orders_.delivered(o) : now_, delivered});
}

// Orders still open when the run stopped (an unstable model's): in the system until the end.
void Replication::trace_open() {
  orders_.for_each_alive([&](std::uint32_t o) {
    if (tagged(o) && !orders_.has(o, Orders::kDelivered) && !orders_.lost(o))
      opt_.trace->push_back({orders_.arrival(o), std::numeric_limits<double>::infinity(), false});
  });
}

// Which run a limit stopped, for its message: a pilot of warmup: auto counts down from
// kPilotReplication (simulate.hpp), any other run is a replication.
std::string Replication::which_run() const {
  return result_.replication > kPilotReplication - 1000 ? "a pilot run of warmup: auto"
                                                         : "replication " + std::to_string(result_.replication);
}

void Replication::wip_exceeded() const {
  // Every order record is alive (the pool grows only when all are): count them by flow.
  std::vector<std::uint64_t> open(m_.flows.size(), 0);
  for (std::uint32_t o = 0; o < orders_.records(); ++o) ++open[orders_.flow(o)];
  std::size_t f = 0, u = 0;
  for (std::size_t i = 1; i < open.size(); ++i)
    if (open[i] > open[f]) f = i;
  auto load = [&](std::size_t i) { return units_[i].waiting() + static_cast<std::size_t>(units_[i].busy); };
  for (std::size_t i = 1; i < units_.size(); ++i)
    if (load(i) > load(u)) u = i;
  const std::string which = which_run();
  const double jobs = static_cast<double>(load(u));
  throw WipExceeded("run.max_wip: more than " + std::to_string(m_.run.max_wip) + " " +
                    noun(static_cast<double>(m_.run.max_wip), "order") + " in the system at time " +
                    quantity(now_, m_.time_unit) + " (" + which + "): flow " + m_.flows[f].name + " has " +
                    std::to_string(open[f]) + " open, unit " + m_.units[u].name + " holds " + std::to_string(load(u)) +
                    " " + noun(jobs, "job") + " (" + std::to_string(units_[u].waiting()) +
                    " waiting); the model is probably unstable (see 'eslabon check'), or raise run.max_wip");
}

void Replication::events_exceeded() const {
  const std::string which = which_run();
  throw EventsExceeded("run.max_events: more than " + std::to_string(m_.run.max_events) + " " +
                       noun(static_cast<double>(m_.run.max_events), "event") + " in " + which + ", at time " +
                       quantity(now_, m_.time_unit) + " of a horizon of " + quantity(horizon_, m_.time_unit) +
                       "; shorten run.horizon, or raise run.max_events");
}

inline namespace ESLABON_ENGINE_BUILD {  // this build's (replication.hpp)
ReplicationResult replicate(const Model& model, std::uint64_t seed, std::uint64_t replication,
                            const SimOptions& options, TraceSink* events) {
  Replication r(model, seed, replication, options, events);
  try {
    return r.run();
  } catch (const Orders::Full&) {
    r.wip_exceeded();
  }
}
}  // namespace ESLABON_ENGINE_BUILD

}  // namespace engine

#if !ESLABON_RECORDING
// Once, in the plain build: a replication that records an event log runs the recording build
// (replication.hpp).
namespace engine::recording {
ReplicationResult replicate(const Model&, std::uint64_t, std::uint64_t, const SimOptions&, TraceSink*);
}

ReplicationResult simulate(const Model& model, std::uint64_t seed, std::uint64_t replication,
                           const SimOptions& options) {
  return engine::replicate(model, seed, replication, options, nullptr);
}

ReplicationResult simulate(const Model& model, std::uint64_t seed, std::uint64_t replication, const SimOptions& options,
                           TraceSink& events) {
  return engine::recording::replicate(model, seed, replication, options, &events);
}
#endif

}  // namespace eslabon
