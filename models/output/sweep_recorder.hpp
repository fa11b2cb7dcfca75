#pragma once
// Keeps a sweep's results on disk as they come (what `eslabon sweep -o OUT.h5` hands run_sweep):
//
//   OUT.h5.journal  every finished pair, one line each (journal.hpp): --resume starts from it.
//   .OUT.h5.tmp-PID the HDF5 file being built (Hdf5Writer's temporary): each complete point's
//                   datasets are appended to it as the point completes, so the cost per point
//                   does not grow with the sweep.
//   OUT.h5          appears (or is replaced) by rename when the sweep stops: complete, or
//                   interrupted (Ctrl-C, SIGTERM), then with the points complete so far and
//                   the attribute complete = 0. A finished sweep removes its journal.
//
// A sweep killed outright (SIGKILL) leaves the journal, a temporary file that may be broken (the
// next writer of OUT.h5 removes it) and OUT.h5 as it was: never a broken or half-written OUT.h5.
// With --resume the journal's pairs are replayed into a new temporary file, so the final file
// equals an uninterrupted run's whatever happened before.
//
// The file: root attributes eslabon_version, sweep (the sweep file's text), fingerprint,
// seed, replications, complete, time_unit, currency, created; /scenarios (Sweep::points_table
// plus a `complete` column); and, per complete point, /points/ID/ with the tables of
// result_tables() marked in_sweep (replications, summary, units, links, origins). Every dataset
// carries its units of measure (output/hdf5_run.hpp, write_table).
//
// A shard (eslabon sweep --shard I/N; studies/sweep.hpp Shard) writes the same file for its
// own pairs: its whole points under /points, and in addition the root attributes shard_index,
// shard_count, pair_first, pair_end (its pairs [first, end)), shard_complete (1 when every one
// of them is done), model and model_file (the model's text and path, so that merging needs no
// other file), and /pairs (pair_tables.hpp) with the pairs of the points it shares with its
// neighbours. Its journal names the shard too, so that one shard never resumes from another's.

#include <eslabon/core/hdf5_writer.hpp>
#include <models/output/journal.hpp>
#include <models/output/pair_tables.hpp>
#include <models/studies/sweep.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace eslabon {

class SweepFileRecorder : public SweepRecorder {
 public:
  // With `resume`, the pairs of PATH.journal are replayed (a ConfigError if it is another
  // sweep's; none if there is no journal); otherwise a new journal replaces any old one.
  SweepFileRecorder(const Sweep& sweep, std::string path, bool resume, const Shard* shard = nullptr);
  ~SweepFileRecorder() override;

  void replay(const PairDone& give) override;
  void pair_done(std::size_t pair, const ReplicationResult& result) override;
  void point_complete(std::size_t point, const RunResult& result) override;
  void finished(const std::vector<bool>& complete) override;

 private:
  void keep_if_shared(std::size_t pair, const ReplicationResult& result);
  const Sweep& sweep_;
  std::string path_;
  std::string fingerprint_;
  bool replay_ = false;
  std::unique_ptr<SweepJournal> journal_;
  std::unique_ptr<Hdf5Writer> file_;
  std::optional<Shard> shard_;
  PairResults shared_;  // a shard's pairs of the points it does not hold whole
};

// The root of a sweep file: its attributes (created and eslabon_version as given) and /scenarios,
// with `complete` by point. The recorder and eslabon merge write it alike.
void write_sweep_root(Hdf5Writer& w, const Sweep& sweep, const std::string& fingerprint,
                      const std::vector<bool>& complete, const std::string& eslabon_version,
                      const std::string& created);

}  // namespace eslabon
