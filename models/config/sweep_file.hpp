#pragma once
// Sweep files: a model, a full-factorial grid of changes and named scenarios,
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
// Every point's model is built then to check it, and dropped: a point keeps only its changes,
// so memory does not grow with the number of points by more than that; point_model() builds
// it again when its pairs run.

#include <eslabon/core/table.hpp>
#include <models/model/model.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace eslabon {

struct SweepPoint {
  std::string id;                 // "p0000", "p0001", ...
  std::string scenario;           // the scenario's name, "" for a grid point
  std::vector<Override> changes;  // grid values, or the scenario's changes
};

struct Sweep {
  std::string source;      // the sweep file
  std::string text;        // its text
  std::string model_path;  // the model file, resolved
  std::string model_text;  // its text, as read once at load
  int replications = 10;
  std::uint64_t seed = 42;
  std::vector<std::string> factors;  // grid paths, in order
  std::vector<SweepPoint> points;
  // The warm-up of the points whose model says run.warmup: auto: decided once for the whole
  // sweep, on its model without any point's changes (studies/sweep.hpp, decide_sweep_warmup),
  // so that every point has the same measurement window; -1 until then.
  double auto_warmup = -1;
  // sweep_fingerprint() as computed at load, and what it was computed for.
  struct Fingerprint {
    std::string value;
    std::size_t text_hash = 0, points = 0;
    std::uint64_t seed = 0;
    int replications = 0;
  } loaded_fingerprint;

  // One row per point: point, id, scenario, then one column per factor: int64 when every
  // point sets it to an integer, float64 when every value given is a number (NaN where a
  // scenario does not set it), else its YAML values as text ("" where not set).
  Table points_table() const;
};

Sweep load_sweep_file(const std::string& path);
// A sweep file's text; `source` names it in messages, `dir` resolves a relative model path
// (`eslabon sweep -` reads standard input: source "<stdin>", the current directory).
Sweep load_sweep_text(const std::string& text, const std::string& source, const std::string& dir);
// The same from texts read before: the sweep file's (named `source` in messages) and its
// model's, as Sweep::model_path and model_text held them (eslabon merge rebuilds a sweep so).
Sweep rebuild_sweep(const std::string& source, const std::string& text, const std::string& model_path,
                    const std::string& model_text);

// The model of a point: the sweep's model with the point's changes, built from the model's text
// parsed once per thread. Each thread keeps the last point it built (the pairs of one point
// often come one after another); the reference is valid until the thread's next call. Its
// config_text is left empty (writing it costs more than building the rest; the fingerprint has
// every point's). A point with run.warmup: auto gets the sweep's auto_warmup once it is decided.
const Model& point_model(const Sweep& sweep, std::size_t point);

// Identifies a sweep (its text, seed, replications and every point's model text): FNV-1a, hex.
// Loading computes it, as it builds every point's model anyway; for a sweep whose text, seed
// or replications changed since, it is computed again, building every point.
std::string sweep_fingerprint(const Sweep& sweep);

}  // namespace eslabon
