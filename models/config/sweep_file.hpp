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

}  // namespace eslabon
