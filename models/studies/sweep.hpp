#pragma once
// Running a sweep (see config/sweep_file.hpp for the file): every (point, replication) pair
// with the same seed at every point (common random numbers).
//
// run_sweep keeps no file itself: it publishes what happens to a SweepRecorder (a pair is
// done, a point is complete, the sweep is finished) and holds only the pairs of points not yet
// complete, so memory does not grow with the number of points. What is kept, and where, is
// the recorder's business: output/sweep_recorder.hpp keeps the journal and the HDF5 file;
// PointKpis and SweepResults below keep figures in memory.

#include <eslabon/core/confidence.hpp>
#include <models/config/sweep_file.hpp>
#include <models/model/model.hpp>
#include <models/results/run_result.hpp>

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace eslabon {

using PairDone = std::function<void(std::size_t pair, const ReplicationResult& result)>;

// Where a sweep's results go. run_sweep calls these from one thread at a time (any thread).
class SweepRecorder {
 public:
  virtual ~SweepRecorder() = default;
  // Before any pair runs: hand back the pairs an earlier, interrupted run of this sweep
  // recorded, by calling give(pair, result) for each (in any order). They are not run again
  // and not passed to pair_done. Default: none.
  virtual void replay(const PairDone& give) { (void)give; }
  // A pair was computed.
  virtual void pair_done(std::size_t pair, const ReplicationResult& result) { (void)pair, (void)result; }
  // Every replication of `point` is done (replayed or computed); `result` holds them in
  // replication order. Called once per point, in completion order.
  virtual void point_complete(std::size_t point, const RunResult& result) { (void)point, (void)result; }
  // The sweep stopped: every point complete, or interrupted or failed (then `complete` says
  // which points are, and run_sweep rethrows once this returns).
  virtual void finished(const std::vector<bool>& complete) { (void)complete; }
};

// Publishes to several recorders in turn (nullptrs are skipped).
class SweepRecorders : public SweepRecorder {
 public:
  SweepRecorders(std::initializer_list<SweepRecorder*> all);
  void replay(const PairDone& give) override;
  void pair_done(std::size_t pair, const ReplicationResult& result) override;
  void point_complete(std::size_t point, const RunResult& result) override;
  void finished(const std::vector<bool>& complete) override;

 private:
  std::vector<SweepRecorder*> all_;
};

// Keeps a few KPIs' intervals of every complete point (what the CLI prints), not the replications.
class PointKpis : public SweepRecorder {
 public:
  PointKpis(std::size_t points, std::vector<Kpi> kpis);
  void point_complete(std::size_t point, const RunResult& result) override;
  const Interval& at(std::size_t point, std::size_t k) const { return intervals_[point * kpis_.size() + k]; }

 private:
  std::vector<Kpi> kpis_;
  std::vector<Interval> intervals_;
};

// Keeps every point's RunResult (for tests and small sweeps; memory grows with the sweep).
class SweepResults : public SweepRecorder {
 public:
  explicit SweepResults(const Sweep& sweep);
  void point_complete(std::size_t point, const RunResult& result) override;
  std::vector<RunResult> results;  // by point; a point not complete has no replications
};

struct SweepRun {
  std::size_t resumed = 0;     // pairs the recorder replayed
  std::vector<bool> complete;  // by point
  unsigned threads = 0;        // threads the pairs ran on here (0: an executor ran them)
};

// One slice of a sweep's pairs, for running a sweep as several jobs (eslabon sweep --shard I/N,
// README "Running on a cluster"); eslabon merge joins them (output/sweep_merge.hpp). Shard
// `index` of `count` holds the pairs [first, end): contiguous, in pair order (point by point),
// and as even as can be (sizes differ by at most one). Contiguous rather than dealt round robin
// so that most of a shard's points are whole in it: they are complete, summarised and written
// as they finish, as in a sweep of its own, and memory holds only the replications of the at
// most two points it shares with its neighbours.
struct Shard {
  unsigned index = 0, count = 1;
  std::size_t first = 0, end = 0;
  std::string label() const { return std::to_string(index) + "/" + std::to_string(count); }
  bool holds(std::size_t pair) const { return pair >= first && pair < end; }
  // Every pair of `point` (of a sweep with `replications`) is in this shard.
  bool whole(std::size_t point, std::size_t replications) const {
    return point * replications >= first && (point + 1) * replications <= end;
  }
};

// Shard `index` of `count`. A ConfigError whose message starts with `label` when count is 0,
// index >= count, or count exceeds the sweep's pairs (a shard would have none).
Shard make_shard(const Sweep& sweep, long long index, long long count, const std::string& label);
// "I/N" (shard I of N, from 0), or "auto": the SLURM job array's task (index from
// SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_STEP, count
// SLURM_ARRAY_TASK_COUNT; a ConfigError outside a job array, or for an array that is not an
// evenly spaced range such as --array=0-7 or 1-15:2). Errors start with `label`.
Shard parse_shard(const Sweep& sweep, const std::string& spec, const std::string& label);

// A point's RunResult from its replications (in any order): what a sweep file keeps of it.
RunResult point_result(const Sweep& sweep, std::size_t point, std::vector<ReplicationResult> replications);

// Who computes the pairs. Given the pair indices still to do, it must call `done(pair,
// result)` once per pair, from one thread at a time (it may be any thread). The default runs
// them on threads here; the CLI passes one that shares them among MPI ranks.
using PairExecutor =
    std::function<void(const Sweep& sweep, const std::vector<std::size_t>& todo, const PairDone& done)>;

// run.warmup: auto in a sweep (README "Warm-up and replications without guessing"): when the
// sweep's model or any point's change says auto, one pilot of the sweep's model (no point's
// changes, the sweep's seed) decides the warm-up every such point uses (sweep.auto_warmup), so
// that the points keep one measurement window. Returns how it was chosen, or nothing. Every
// process that runs pairs calls it (it is deterministic) before run_sweep.
std::optional<WarmupChoice> decide_sweep_warmup(Sweep& sweep, std::atomic<bool>* stop = nullptr);

// One pair: point pair / replications, replication pair % replications.
ReplicationResult simulate_pair(const Sweep& sweep, std::size_t pair, const SimOptions& options = {});

// Runs every pair the recorder has not replayed (on threads, dynamic: slow points do not idle
// the rest); results are identical whatever the thread count or executor. Interrupted (and
// any other error) reaches the recorder's finished() before it propagates.
// With `shard`, only its pairs run (a replayed pair outside it is ignored), and only the
// points whole in it can complete.
SweepRun run_sweep(const Sweep& sweep, const RunOptions& options, SweepRecorder& recorder,
                   const PairExecutor& executor = {}, const Shard* shard = nullptr);

}  // namespace eslabon
