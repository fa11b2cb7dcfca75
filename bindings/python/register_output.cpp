// Units of measure and the CSV and Excel writers: what es.read_hdf5's tables, plots, to_csv and
// to_excel share with the CLI.
#include "register.hpp"

#include <eslabon/core/temporary_file.hpp>
#include <models/output/output_path.hpp>
#include <models/output/table_export.hpp>
#include <models/results/measure_units.hpp>
#include <models/results/run_result.hpp>

#include <cmath>

namespace eslabon::python {
namespace {

// A DataFrame's columns, as [(name, numpy array)], as a Table: float columns as numbers,
// integer and boolean ones as integers, anything else as text (None and NaN as "").
Table table_from_columns(const std::string& name, const py::list& columns) {
  Table t(name);
  for (const py::handle item : columns) {
    const auto pair = item.cast<py::tuple>();
    const std::string column = pair[0].cast<std::string>();
    const py::array a = py::array::ensure(pair[1]);
    const char kind = a.dtype().kind();
    if (kind == 'f') {
      const auto v = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(a);
      t.f64(column).assign(v.data(), v.data() + v.size());
    } else if (kind == 'i' || kind == 'u' || kind == 'b') {
      const auto v = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(a);
      t.i64(column).assign(v.data(), v.data() + v.size());
    } else {
      auto& v = t.str(column);
      for (const py::handle x : a.attr("tolist")()) {
        const bool missing = x.is_none() || (py::isinstance<py::float_>(x) && std::isnan(x.cast<double>()));
        v.push_back(missing ? std::string() : py::str(x).cast<std::string>());
      }
    }
  }
  t.check();
  return t;
}

}  // namespace

void register_output(py::module_& m) {
  // results/measure_units.hpp: a figure's unit as a template ("orders per {time}"), or rendered.
  m.def(
      "unit_template",
      [](const std::string& table, const std::string& name, const std::string& kpi) {
        return unit_template(table, name, kpi);
      },
      py::arg("table"), py::arg("name"), py::arg("kpi") = "",
      "The unit of figure `name` in result table `table` as a template (\"orders per {time}\").");
  m.def(
      "unit_of",
      [](const std::string& table, const std::string& name, const std::string& time_unit, const std::string& currency,
         const std::string& kpi) {
        return unit_of(table, name, MeasureNames{time_unit, currency}, kpi);
      },
      py::arg("table"), py::arg("name"), py::arg("time_unit"), py::arg("currency"), py::arg("kpi") = "",
      "The unit of figure `name` in result table `table`, in the model's time unit and currency.");
  // The currency's name when the config gives none (costs.currency).
  m.def(
      "default_currency", [] { return std::string(kDefaultCurrency); },
      "The currency's name when the config gives no costs.currency.");

  // A summary table made from its per-replication table, as RunResult makes it (run_result.hpp):
  // es.read_hdf5 gives a sweep point the summaries its file leaves out.
  m.def(
      "summarise",
      [](const std::string& summary, const py::list& per_replication, const std::vector<std::string>& items,
         const std::string& time_unit, const std::string& currency) {
        return table_to_dict(
            summarise(summary, table_from_columns(summary, per_replication), items, MeasureNames{time_unit, currency}));
      },
      py::arg("summary"), py::arg("per_replication"), py::arg("items"), py::arg("time_unit"), py::arg("currency"),
      "A *_summary table from its per-replication table [(column, array)] for `items`, as the engine makes it.");

  // The --csv DIR check (models/output/output_path.hpp). Raises ConfigError; returns the path.
  m.def("check_output_dir", &check_output_dir, py::arg("dir"), py::arg("label"),
        "The check on an output directory (to_csv, --csv): raises ConfigError naming `label`; returns the path.");

  // The temporary files of every writer (core temporary_file.hpp), for the package's own writers.
  m.def("temporary_path", &temporary_path, py::arg("path"),
        "The temporary name beside `path` a writer of `path` writes first (.NAME.tmp-PID), then renames.");
  m.def("remove_stale_temporaries", &remove_stale_temporaries, py::arg("path"),
        "Remove the temporary files of `path` left by processes no longer running; returns how many.");

  // The writers of --csv and --xlsx: tables as [(name, [(column, array)], [unit per column])];
  // csv_dir and xlsx each "" when not wanted. Paths are checked before anything is written (the
  // argument is `path` in to_csv and to_excel; the workbook must not replace one of `kept`).
  m.def(
      "write_tables",
      [](const py::list& tables, const std::string& csv_dir, const std::string& xlsx,
         const std::vector<KeptFile>& kept) {
        ExportTargets targets;
        if (!csv_dir.empty()) targets.csv_dir = check_output_dir(csv_dir, "path=" + csv_dir);
        if (!xlsx.empty()) targets.xlsx = check_output_path(xlsx, kept, "path=" + xlsx);
        std::vector<ExportTable> all;
        for (const py::handle item : tables) {
          const auto t = item.cast<py::tuple>();
          const std::string name = t[0].cast<std::string>();
          all.push_back({name, table_from_columns(name, t[1].cast<py::list>()), t[2].cast<std::vector<std::string>>()});
        }
        py::gil_scoped_release release;
        targets.write(all);
      },
      py::arg("tables"), py::arg("csv_dir") = "", py::arg("xlsx") = "", py::arg("kept") = std::vector<KeptFile>{},
      "Write [(name, [(column, array)], [unit per column])] as CSV files in `csv_dir` and/or sheets of the "
      "workbook `xlsx` (\"\": not wanted), as --csv and --xlsx do.");
}

}  // namespace eslabon::python
