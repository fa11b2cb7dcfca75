#pragma once
// CSV and Excel output (`--csv DIR`, `--xlsx FILE` of run, compare, rank and sweep; Python's
// to_csv and to_excel): one CSV file or one sheet per table, each column's unit of measure in its
// header ("lead_time_mean [hour]", "copq [EUR]"; results/measure_units.hpp), tables with one row
// per figure keeping theirs in their `measured_in` column.
//
// CSV: UTF-8 without a byte-order mark, comma-separated, "\n" line ends, a header row; numbers
// at full precision (the shortest text that reads back to the same double), empty for NaN;
// text quoted (RFC 4180) when it holds a comma, a quote, a line end or edge spaces. Excel
// (libxlsxwriter, chosen over Python's openpyxl so that the CLI needs no Python and one writer
// serves the CLI and Python): numbers as numbers (16 significant digits: libxlsxwriter's "%.16G"),
// NaN, infinities and empty text as empty cells, the header row bold and frozen; a table longer
// than a sheet (1048575 rows under the header) is an error.
//
// Neither leaves anything half-written: the workbook is written under a temporary name and
// renamed; the CSV files are written into a temporary directory and moved into DIR only once
// all are complete (DIR itself is created by rename when it did not exist).

#include <eslabon/core/table.hpp>
#include <models/config/sweep_file.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/rank.hpp>
#include <models/studies/sweep.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace eslabon {

struct ExportTable {
  std::string name;  // the CSV file's stem, the sheet's name
  Table table;
  std::vector<std::string> units;  // per column, rendered; "" for none
};

// "lead_time_mean [hour]", or the column's name alone when it has no unit.
std::string export_header(const std::string& column, const std::string& unit);

// The table with the units of its columns (unit_of(unit_table, column, ..., kpi)).
ExportTable export_table(std::string name, Table table, const MeasureNames& measures,
                         const std::string& unit_table = "", const std::string& kpi = "");

// Writes DIR/NAME.csv for each table (README "CSV and Excel"). Throws std::runtime_error.
void write_csv_dir(const std::string& dir, const std::vector<ExportTable>& tables);

// Writes the main table of a study as CSV to `out` (`--csv -`): "summary" when there is one (run,
// sweep), else the first (compare's comparison, rank's weak points). Throws std::runtime_error.
void write_csv_stream(std::ostream& out, const std::vector<ExportTable>& tables);

// Writes an Excel workbook with one sheet per table. Throws std::runtime_error.
void write_xlsx(const std::string& path, const std::vector<ExportTable>& tables);

// Where the CLI and Python send a study's tables: each of --csv DIR and --xlsx FILE when given.
struct ExportTargets {
  std::string csv_dir, xlsx;
  bool csv_stdout = false;  // --csv -: the main table to standard output (write_csv_stream)
  bool any() const { return csv_stdout || !csv_dir.empty() || !xlsx.empty(); }
  void write(const std::vector<ExportTable>& tables) const;
};

// A run's tables: those its HDF5 file holds, in its order (output/result_tables.hpp).
std::vector<ExportTable> run_export(const RunResult& r);
// compare: the one table "comparison" (compare_runs).
std::vector<ExportTable> comparison_export(const Table& comparison, const MeasureNames& measures);
// rank: the weak points ("weak_points", the columns of --json's weak_points), ranked on `kpi`.
std::vector<ExportTable> ranking_export(const Ranking& ranking, const std::string& kpi);

// A sweep's tables, kept as its points complete: "scenarios" (as the sweep file's /scenarios),
// "summary" (one row per complete point and KPI: id, the factors, scenario, kpi, measured_in,
// mean, ci_low, ci_high, std, n) and the point tables of the sweep file (replications, units,
// links, origins), the complete points' rows one after another in point order, each led by the
// point's `id`.
class SweepExport : public SweepRecorder {
 public:
  explicit SweepExport(const Sweep& sweep);
  void point_complete(std::size_t point, const RunResult& result) override;
  void finished(const std::vector<bool>& complete) override { complete_ = complete; }
  std::vector<ExportTable> tables() const;

 private:
  struct Point {
    std::vector<Table> tables;  // the in_sweep tables of result_tables(), in its order
    MeasureNames measures;
  };
  const Sweep& sweep_;
  std::vector<std::optional<Point>> points_;
  std::vector<bool> complete_;
};

}  // namespace eslabon
