#pragma once
// Sweeps from config files: a model, a full-factorial grid of changes and named scenarios,
// run as (point, replication) pairs with the same seed at every point (common random numbers).
//
//     model: ../weak_link.yaml            # relative to the sweep file
//     replications: 30
//     seed: 7
//     grid:                               # full factorial, in the order written
//       units.production.servers: [3, 4, 5]
//       links.purchase->produce.defect: [0.0, 0.02, 0.05, 0.1]
//     scenarios:                          # plus named points, optional
//       outsourced_qc: {links.purchase->produce.detect: 0.95}
//
// Everything is checked when the file is loaded, before any work: unknown keys, an empty
// grid, a path or value that does not give a valid model (named by its grid or scenario key).

#include <eslabon/core/table.hpp>
#include <eslabon/models/model.hpp>
#include <eslabon/models/results.hpp>

#include <functional>
#include <string>
#include <vector>

namespace eslabon {

struct SweepPoint {
  std::string id;                 // "p0000", "p0001", ...
  std::string scenario;           // the scenario's name, "" for a grid point
  std::vector<Override> changes;  // grid values, or the scenario's changes
  Model model;                    // the base model with the changes
};

struct Sweep {
  std::string source;             // the sweep file
  std::string text;               // its text
  std::string model_path;         // the model file, resolved
  int replications = 10;
  std::uint64_t seed = 42;
  std::vector<std::string> factors;  // grid paths, in order
  std::vector<SweepPoint> points;

  // One row per point: point, id, scenario, then one column per factor (its YAML value, ""
  // where a scenario does not set it).
  Table points_table() const;
};

Sweep load_sweep_file(const std::string& path);

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
