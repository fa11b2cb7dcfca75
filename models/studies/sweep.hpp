#pragma once
// Running a sweep (see config/sweep_file.hpp for the file): every (point, replication) pair
// with the same seed at every point (common random numbers).

#include <models/config/sweep_file.hpp>
#include <models/model/model.hpp>
#include <models/results/run_result.hpp>

#include <functional>
#include <string>
#include <vector>

namespace eslabon {

// Runs every (point, replication) pair on threads (dynamic: slow points do not idle the
// rest); results by point, identical whatever the thread count.
//
// With an `output` file, results are kept as they complete: every finished pair is appended
// (and flushed to disk) to OUTPUT.journal, and the HDF5 file is rewritten (temporary name,
// then rename) each time a point completes. A sweep killed at any moment (SIGINT, SIGTERM,
// SIGKILL) loses at most the pairs in flight, and the HDF5 file is always whole. With
// `resume`, pairs already in the journal are not run again; the final file is the same as an
// uninterrupted run's. A journal written for another sweep is a ConfigError.
struct SweepRun {
  std::vector<RunResult> results;  // by point
  std::size_t resumed = 0;         // pairs taken from the journal
};

// Who computes the pairs. Given the pair indices still to do, it must call `done(pair,
// result)` once per pair, from one thread at a time (it may be any thread). The default runs
// them on threads here; the CLI passes one that shares them among MPI ranks.
using PairDone = std::function<void(std::size_t pair, const ReplicationResult& result)>;
using PairExecutor = std::function<void(const Sweep& sweep, const std::vector<std::size_t>& todo, const PairDone& done)>;

// One pair: point pair / replications, replication pair % replications.
ReplicationResult simulate_pair(const Sweep& sweep, std::size_t pair, const SimOptions& options = {});

SweepRun run_sweep(const Sweep& sweep, const RunOptions& options, const std::string& output = "", bool resume = false,
                   const PairExecutor& executor = {});

// A finished pair as one line of text (the journal's format, also what MPI ranks send).
std::string pair_to_line(std::size_t pair, const ReplicationResult& result);
bool pair_from_line(const std::string& line, std::size_t& pair, ReplicationResult& result);

// The sweep's HDF5 file: root attributes (eslabon_version, sweep = the sweep file's text,
// fingerprint, seed, replications, complete, created), /scenarios (points_table plus a
// `complete` column) and, per complete point, /points/ID/{replications, summary, units, links,
// origins}.
void write_sweep_hdf5(const std::string& path, const Sweep& sweep, const std::vector<RunResult>& results,
                      const std::vector<bool>& complete);

// Identifies a sweep (its text, seed, replications and every point's model): FNV-1a, hex.
std::string sweep_fingerprint(const Sweep& sweep);

}  // namespace eslabon
