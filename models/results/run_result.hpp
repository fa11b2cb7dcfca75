#pragma once
// Running a model over replications and shaping the results as tables.
//
// The same tables feed the CLI's text and JSON output, the HDF5 file and Python, so what a
// user reads is the same whichever door they came through (output/result_tables.hpp lists
// them; output/ writes them).

#include <eslabon/core/confidence.hpp>
#include <eslabon/core/runner.hpp>
#include <eslabon/core/table.hpp>
#include <models/engine/simulate.hpp>
#include <models/model/model.hpp>
#include <models/results/measure_units.hpp>
#include <models/results/event_log.hpp>
#include <models/results/until.hpp>
#include <models/results/warmup.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace eslabon {

// Where a run stands, readable from any thread while it goes on (for progress bars):
// one slot per replication holding the fraction of its horizon simulated so far.
class ProgressBoard {
 public:
  void reset(std::size_t replications);
  double fraction() const;  // 0..1 over the whole run
  std::atomic<double>* slot(std::size_t i) { return i < n_ ? &slots_[i] : nullptr; }

 private:
  std::unique_ptr<std::atomic<double>[]> slots_;
  std::size_t n_ = 0;
};

struct RunOptions {
  int replications = 0;    // 0: the model's run.replications
  std::int64_t seed = -1;  // -1: the model's run.seed
  unsigned threads = 0;    // 0: default_threads() (runner.hpp: the affinity mask, SLURM_CPUS_PER_TASK)
  bool record_orders = false;
  EventLogOptions events;  // the event log (README "Event logs for process mining"): off by default
  RunControl control;
  ProgressBoard* progress = nullptr;  // sized and filled by run_model when given
  // For a model with warmup: auto, the warm-up decided already: compare, rank and sweep decide it
  // once on the base model and every scenario uses it (the same measurement window keeps the
  // pairs comparable). Unset: run_model runs the pilot itself.
  std::optional<WarmupChoice> warmup;
  // Apply the model's stopping rule (run.replications: {until: ...}). Studies turn it off and run
  // run.replications, the rule's min; a positive `replications` turns it off too.
  bool stopping_rule = true;
};

// With warmup: auto, the base model's warm-up in `o.warmup` (unless there already), so that every
// run made with `o` shares it. A model without warmup: auto leaves `o` as it is.
void share_warmup(const Model& base, RunOptions& o);

// A link's service contract (Link::sla, sla_share, sla_penalty): infinite `within` for none.
struct LinkContract {
  double within, share, penalty;
};

struct RunResult {
  std::string name;
  std::uint64_t seed = 0;
  // Model time 0 as a date, when the model gives run.calendar_start or has shifts; else empty.
  std::string calendar_start;
  MeasureNames measures;  // the model's time unit and currency: what its figures are measured in
  std::vector<std::string> unit_names;
  std::vector<std::string> flow_names;
  std::vector<std::string> link_names;    // "FROM->TO", then "FROM->TO:TYPE" per defect type of a link
  std::vector<std::string> origin_names;  // model origins, then "(unattributed)"
  std::vector<std::string> cause_names;   // causes of delay (engine/delays.hpp)
  std::vector<std::string> band_names;    // satisfaction score bands (customers who remember; else none)
  std::vector<LinkContract> link_contracts;  // per link (not its types' rows)
  double warmup = 0;                         // the warm-up the replications used
  std::optional<WarmupChoice> warmup_auto;   // with warmup: auto, how it was chosen
  std::optional<StoppingOutcome> stopping;   // with replications: {until: ...}, what the rule did
  unsigned threads = 0;                      // threads the replications ran on (runner.hpp threads_for); 0: not run
  std::vector<ReplicationResult> replications;
  // The event logs recorded (README "Event logs for process mining"), in replication order: each
  // one's table (results/event_log.hpp), the orders it recorded, the tagged orders beyond its
  // limit, and whether its cap of events cut it.
  struct EventLogRecord {
    std::uint64_t replication = 0;
    Table table{"events"};
    std::uint64_t orders = 0, refused = 0;
    bool cut = false;
  };
  std::vector<EventLogRecord> event_logs;

  Table replications_table() const;    // replication, then every KPI
  Table summary_table() const;         // kpi, measured_in, mean, ci_low, ci_high, std, n
  Table units_table() const;           // replication, unit, then every unit statistic
  Table unit_summary_table() const;    // unit, stat, measured_in, mean, ci_low, ci_high, std, n
  Table flows_table() const;           // replication, flow, then every flow statistic
  Table flow_summary_table() const;    // flow, stat, mean, ci_low, ci_high, std, n
  Table links_table() const;           // replication, link, then every link statistic
  Table link_summary_table() const;    // link, stat, mean, ci_low, ci_high, std, n
  Table origins_table() const;         // replication, origin, then every origin statistic
  Table origin_summary_table() const;  // origin, stat, mean, ci_low, ci_high, std, n
  Table delay_causes_table() const;    // replication, cause, then every delay statistic
  Table delays_table() const;          // per tagged delivered order and cause (empty unless recorded)
  Table delay_summary_table() const;   // cause, stat, mean, ci_low, ci_high, std, n
  Table orders_table() const;          // one row per tagged order (empty unless recorded)
  Table events_table() const;          // the event log, one row per event (empty unless recorded)
  // What the event log holds, in words ("" when none was recorded): the orders of each recorded
  // replication, and whether a limit left orders or events out.
  std::string event_log_note() const;
  Table drift_table() const;           // the drift check, one row per KPI (drift.hpp; defined in drift.cpp)
  Table contracts_table() const;       // per link with an SLA: met rate against its target (contracts.cpp)
  Table satisfaction_table() const;    // replication, band, then every satisfaction statistic (memory only)
  Table satisfaction_summary_table() const;  // band, stat, mean, ci_low, ci_high, std, n
  Interval kpi(Kpi k) const;
  Interval unit_stat(std::size_t unit, UnitStat s) const;
  Interval flow_stat(std::size_t flow, FlowStat s) const;
  Interval link_stat(std::size_t link, LinkStat s) const;
  Interval origin_stat(std::size_t origin, OriginStat s) const;
  Interval delay_stat(std::size_t cause, DelayStat s) const;
  Interval satisfaction_stat(std::size_t band, SatisfactionStat s) const;
  std::uint64_t events() const;
};

RunResult run_model(const Model& model, const RunOptions& options = {});

// The summary of a per-replication table (replication, ITEM, then one float column per
// statistic), as every *_summary table is made: one row per (item of `items`, statistic): ITEM,
// stat, measured_in, mean, ci_low, ci_high, std, n (95% Student t over the item's rows in
// replication order; a proportion's interval clipped to [0, 1]). `summary` names it
// ("unit_summary") and its vocabulary. es.read_hdf5 makes a sweep point's summaries with it.
Table summarise(const std::string& summary, const Table& per_replication, const std::vector<std::string>& items,
                const MeasureNames& measures);

// An empty RunResult that knows the model's names (units, flows, links, origins) and the seed.
RunResult describe_run(const Model& model, std::uint64_t seed);

}  // namespace eslabon
