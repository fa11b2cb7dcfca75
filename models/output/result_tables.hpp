#pragma once
// The one list of result tables. The HDF5 run file, a sweep file's points, the JSON document,
// the Python binding (RunResult.table) and es.read_hdf5 (through the binding) all walk it, so
// a table added here appears everywhere at once, under the same name.

#include <eslabon/core/table.hpp>
#include <models/results/run_result.hpp>

#include <string>
#include <vector>

namespace eslabon {

struct ResultTable {
  std::string name;                   // the table's name, and its dataset's ("/units")
  Table (RunResult::*build)() const;  // how a RunResult gives it
  std::string summary;                // the table that summarises it over replications ("unit_summary"); "" if none
  std::string json;                   // the JSON key of its summary ("units"), or of the table itself when it
                                      // has no summary ("drift"); "" where the JSON leaves it out
  bool in_sweep = false;              // also written for every point of a sweep file
  bool only_if_recorded = false;      // left out of files when it has no columns (orders, unless recorded)
};

// In file order: each per-replication table, then its summary.
const std::vector<ResultTable>& result_tables();

// The entry called `name`, or nullptr.
const ResultTable* find_result_table(const std::string& name);

}  // namespace eslabon
