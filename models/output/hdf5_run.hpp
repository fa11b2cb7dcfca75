#pragma once
// The HDF5 run file (`eslabon run -o`, Result.to_hdf5): root attributes and every table of
// result_tables(). The pieces are shared with the sweep file, whose points hold the same tables.

#include <eslabon/core/hdf5_writer.hpp>
#include <models/model/model.hpp>
#include <models/results/run_result.hpp>

#include <string>

namespace eslabon {

// Writes the HDF5 result file (temporary name, then rename).
void write_hdf5(const std::string& path, const Model& model, const RunResult& result);

// Writes `table` as dataset `path` with its units of measure as attributes: `time_unit`,
// `currency` and `units` (one per column, in column order: results/measure_units.hpp; "" for
// none, and for the value columns of a table with a `measured_in` column).
void write_table(Hdf5Writer& w, const std::string& path, const Table& table, const MeasureNames& measures,
                 bool compact_if_small = false);

// Writes result's tables under `group` ("" for the root): every table of result_tables(), or
// with `sweep_point` only those marked in_sweep, small ones stored compact.
void write_result_tables(Hdf5Writer& w, const std::string& group, const RunResult& result, bool sweep_point);

// The `created` attribute: now, UTC, ISO 8601.
std::string utc_now();

}  // namespace eslabon
