#pragma once
// The event log of a replication (README "Event logs for process mining"): the recorder that
// subscribes to what the engine publishes (engine/trace.hpp) and makes the `events` table,
// one row per event of each recorded order, which the HDF5 file (/events), Python (r.events)
// and the XES and OCEL writers read.
//
// Bounded: it admits the first `orders` tagged orders of its replication (by arrival) and keeps
// at most `max_events` events (beyond, it drops them and says so: cut()). The ground truth no
// real log has is filled in here: each defect gets a number when it is made, is followed to the
// inspection that catches it (the oldest of its origin first: the engine counts defects per
// origin) or to the customer, and its defect_made row says whether it was caught (1), reached
// the customer (0) or neither (-1: its order was lost or still open at the end).

#include <eslabon/core/table.hpp>
#include <models/engine/trace.hpp>
#include <models/model/model.hpp>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace eslabon {

// What to record (RunOptions::events): off unless `on`.
struct EventLogOptions {
  bool on = false;
  std::uint64_t orders = 10000;        // per recorded replication: its first tagged orders, by arrival
  std::uint64_t replications = 1;      // the replications recorded: 0 .. replications - 1
  std::uint64_t max_events = 1000000;  // per recorded replication; beyond, events are dropped (cut)
};

class EventLog final : public TraceSink {
 public:
  EventLog(const Model& m, std::uint64_t replication, std::uint64_t orders, std::uint64_t max_events);

  bool admit(std::uint32_t flow, std::uint64_t number) override;
  void record(const TraceEvent& e) override;

  // The table's columns, in order (README "Event logs for process mining").
  static void create_columns(Table& t);
  Table table() const;
  std::uint64_t orders() const { return admitted_; }  // orders recorded
  std::uint64_t refused() const { return refused_; }  // tagged orders beyond the limit
  bool cut() const { return cut_; }                   // events dropped at max_events

 private:
  struct Row {
    TraceEvent e;
    std::int64_t defect = -1;
    std::int32_t origins = -1;  // several origins: index into many_ (their names, ';'-separated)
  };
  static std::uint64_t key(std::uint32_t flow, std::uint64_t number) { return number * 1024u + flow; }
  void push(const TraceEvent& e, std::int64_t defect = -1, std::int32_t origins = -1);
  // The order's defects not caught yet, per origin, oldest first; erased when the order leaves.
  std::vector<std::vector<std::int64_t>>& open(const TraceEvent& e);
  void close(const TraceEvent& e, std::int8_t outcome);

  const Model& m_;
  std::uint64_t replication_, limit_, max_events_;
  std::uint64_t admitted_ = 0, refused_ = 0;
  bool cut_ = false;
  std::vector<Row> rows_;
  std::vector<std::string> many_;
  std::vector<std::int8_t> outcome_;  // per defect: 1 caught, 0 reached the customer, -1 neither
  std::unordered_map<std::uint64_t, std::vector<std::vector<std::int64_t>>> open_;
};

// Model time `t` as a date: run.calendar_start plus t time units, "YYYY-MM-DDTHH:MM:SS.mmm"
// (no time zone; every day 24 hours).
std::string model_date(const Model& m, double t);

}  // namespace eslabon
