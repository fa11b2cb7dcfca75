#pragma once
// Event logs for process mining (README "Event logs for process mining"): what happens to each
// recorded order, as the engine publishes it. The engine hands every event of a recorded order
// to a TraceSink; a recorder subscribes (models/results/event_log.hpp keeps them and makes the
// `events` table, which the HDF5 writer and Python read like any result table). The engine
// knows nothing of files.
//
// The activities are one list, spelled here once (the table's `activity` column, the README's
// vocabulary, the XES and OCEL writers through the table). A wait an event ends is split into
// parts: queue, outage and closed as "Where the time went" defines queue:UNIT, outage:UNIT and
// closed:UNIT (the unit's down and closed clocks, units.hpp), the time a join waited for its
// last supplier, and a handoff's transit.
//
// Cost: nothing when no sink is given. The engine is compiled twice (replication.hpp): its hooks,
// `if constexpr (kRecording)`, exist only in the recording build, which simulate() runs only for a
// replication that records; a run without a log executes the engine's code as if the log did not
// exist. Recording draws no random number and schedules no event, so a recorded run's results
// are bit for bit those of a run without it.

#include <models/engine/jobs.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

namespace eslabon {

// X(Type, name, meaning): one line per activity, in the order the README lists them.
#define ESLABON_ACTIVITIES(X)                                                                                       \
  X(Arrived, "arrived", "the order arrives (its case starts)")                                                      \
  X(Queued, "queued",                                                                                               \
    "work joins its unit's line, or a free server takes it at once: a task ready, work sent back, "                 \
    "a complaint to handle")                                                                                        \
  X(Started, "started", "a server takes the work")                                                                  \
  X(Completed, "completed", "the work is done")                                                                     \
  X(Suspended, "suspended", "work in service stops: its unit fails (outage) or it is preempted back into the line") \
  X(Resumed, "resumed", "suspended work goes on")                                                                   \
  X(Skipped, "skipped", "a step is skipped (skip): the order bypasses its unit")                                    \
  X(HandedOver, "handed_over", "the receiving task accepts a supplier's handoff")                                   \
  X(DefectMade, "defect_made", "a handoff attempt is defective, or a skipped step leaves a defect")                 \
  X(DefectCaught, "defect_caught", "the receiver's inspection catches a defect the order carries")                  \
  X(FalseAlarm, "false_alarm", "the receiver sends back (or fixes) an attempt in which it caught nothing")          \
  X(Rework, "rework", "the supplier task is sent back to be done again")                                            \
  X(Delivered, "delivered", "the order reaches the external customer")                                              \
  X(Complaint, "complaint", "the customer complains")                                                               \
  X(TurnedAway, "turned_away", "a full complaint desk refuses the complaint")                                       \
  X(Churn, "churn", "the customer leaves")                                                                          \
  X(Lost, "lost", "the order is lost: a full unit turns it away, or its patience runs out")

#define ESLABON_ACTIVITY_ENTRY(Type, ...) Type,
enum class Activity : std::uint8_t { ESLABON_ACTIVITIES(ESLABON_ACTIVITY_ENTRY) Count };
#undef ESLABON_ACTIVITY_ENTRY
inline constexpr int kActivityCount = static_cast<int>(Activity::Count);

struct ActivityInfo {
  const char* name;
  const char* meaning;
};

inline const std::array<ActivityInfo, kActivityCount>& activities() {
#define ESLABON_ACTIVITY_INFO(Type, name, meaning) ActivityInfo{name, meaning},
  static const std::array<ActivityInfo, kActivityCount> list = {{ESLABON_ACTIVITIES(ESLABON_ACTIVITY_INFO)}};
#undef ESLABON_ACTIVITY_INFO
  return list;
}

// The parts of the wait an event ends (the table's wait_* columns).
enum WaitPart : std::uint8_t { WaitQueue, WaitOutage, WaitClosed, WaitJoin, WaitTransit, kWaitParts };
inline constexpr std::array<const char*, kWaitParts> kWaitPartNames = {"wait_queue", "wait_outage", "wait_closed",
                                                                       "wait_join", "wait_transit"};

// The kinds of work (the table's `job` column), by JobKind (engine/jobs.hpp).
inline constexpr std::array<const char*, 3> kJobNames = {"task", "rework", "complaint"};

// What else an event says (the table's `detail` column). On defect_caught and false_alarm the
// detail is the receiving link's on_detect instead (TraceEvent::on_detect, model/link_faults.hpp).
#define ESLABON_TRACE_DETAILS(X)                                                     \
  X(None, "")                                                                        \
  X(Defect, "defect")              /* rework: defects were caught */                 \
  X(FalseAlarmSent, "false_alarm") /* rework: a false alarm sent it back */          \
  X(LostHandoff, "lost_handoff")   /* rework: the attempt was lost, noticed now */   \
  X(Rejected, "rejected")          /* lost, turned_away: the unit was full */        \
  X(Abandoned, "abandoned")        /* lost: the order's patience ran out */          \
  X(OnTime, "on_time")             /* delivered within due */                        \
  X(Late, "late")                  /* delivered after due */                         \
  X(Resolved, "resolved")          /* completed complaint handling: resolved well */ \
  X(Unresolved, "unresolved")      /* ... not resolved well */                       \
  X(Outage, "outage")              /* suspended, resumed: the unit failed */         \
  X(Preempted, "preempted")        /* suspended, resumed: preemption or a shift's end */

#define ESLABON_DETAIL_ENTRY(Type, name) Type,
enum class TraceDetail : std::uint8_t { ESLABON_TRACE_DETAILS(ESLABON_DETAIL_ENTRY) Count };
#undef ESLABON_DETAIL_ENTRY

inline const char* trace_detail_name(TraceDetail d) {
#define ESLABON_DETAIL_NAME(Type, name) name,
  static const char* const names[] = {ESLABON_TRACE_DETAILS(ESLABON_DETAIL_NAME)};
#undef ESLABON_DETAIL_NAME
  return names[static_cast<int>(d)];
}

// One event of a recorded order. Indices are the model's (flow, task of that flow, unit,
// edge of that flow, origin); -1 where the event has none.
struct TraceEvent {
  double time = 0;
  std::array<double, kWaitParts> wait{};
  std::uint64_t number = 0;  // the order's number within its flow
  std::uint32_t flow = 0;
  Activity activity = Activity::Arrived;
  std::int8_t job = -1;  // queued .. resumed: JobKind (task, rework, complaint)
  std::int8_t on_detect = -1;
  TraceDetail detail = TraceDetail::None;
  std::int32_t task = -1, unit = -1, edge = -1;
  std::uint32_t attempt = 0;  // the job's attempt (a task's first is 0; each redo counts one)
  // defect_made, defect_caught (`count` of them): their origin. rework, false_alarm: the origin
  // that owns the redo, or kManyOrigins with `caught` the counts per origin (valid during record()).
  std::int32_t origin = -1;
  std::uint16_t count = 1;
  const std::uint8_t* caught = nullptr;
};

// The subscriber's side. admit() is asked once per tagged order at its arrival (the recorder's
// limit on orders); record() gets every event of the orders it admitted, in the order they
// happen (time, then the engine's order of simultaneous events).
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual bool admit(std::uint32_t flow, std::uint64_t number) = 0;
  virtual void record(const TraceEvent& e) = 0;
};

// The engine's bookkeeping for recorded orders (only when a sink is given): per job, the unit's
// down and closed clocks when it last joined a line (for the wait's parts when it starts); per
// order and task, when its first supplier's handoff was accepted (a join's wait); per order and
// edge, when its last attempt was sent (the transit). Indexed like the pools (order and job
// records), grown on demand.
struct Tracer {
  static constexpr double kNever = -std::numeric_limits<double>::infinity();
  struct Clocks {
    double down = 0, closed = 0;
  };
  TraceSink* sink = nullptr;
  std::size_t max_tasks = 0, max_edges = 0;
  std::vector<Clocks> clocks;    // per job
  std::vector<double> first_in;  // per order x task
  std::vector<double> sent;      // per order x edge

  void take_order(std::uint32_t o) {
    const std::size_t need = (static_cast<std::size_t>(o) + 1);
    if (first_in.size() < need * max_tasks) first_in.resize(need * max_tasks);
    if (sent.size() < need * max_edges) sent.resize(need * max_edges);
    std::fill_n(first_in.begin() + static_cast<std::ptrdiff_t>(o * max_tasks), max_tasks, kNever);
    std::fill_n(sent.begin() + static_cast<std::ptrdiff_t>(o * max_edges), max_edges, 0.0);
  }
  double& first(std::uint32_t o, int k) { return first_in[o * max_tasks + static_cast<std::size_t>(k)]; }
  double& sent_at(std::uint32_t o, int e) { return sent[o * max_edges + static_cast<std::size_t>(e)]; }
  Clocks& job(std::uint32_t j) {
    if (clocks.size() <= j) clocks.resize(static_cast<std::size_t>(j) + 1);
    return clocks[j];
  }
};
struct NoTracer {};  // the plain build's (engine/replication.hpp)

}  // namespace eslabon
