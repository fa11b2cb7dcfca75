#include <models/output/table_export.hpp>

#include <eslabon/core/temporary_file.hpp>
#include <models/output/result_tables.hpp>

#include <xlsxwriter.h>

#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <system_error>

namespace eslabon {
namespace {

namespace fs = std::filesystem;

std::string number_text(double x) {
  if (std::isnan(x)) return "";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);  // shortest round trip
  return std::string(buf, ec == std::errc() ? end : buf);
}

std::string csv_field(const std::string& s) {
  const bool quote =
      s.find_first_of(",\"\r\n") != std::string::npos || (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void write_csv_rows(std::ostream& out, const ExportTable& e) {
  const auto& cols = e.table.columns();
  for (std::size_t c = 0; c < cols.size(); ++c)
    out << (c ? "," : "") << csv_field(export_header(cols[c].name, c < e.units.size() ? e.units[c] : ""));
  out << "\n";
  for (std::size_t r = 0; r < e.table.rows(); ++r) {
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (c) out << ",";
      std::visit(
          [&](const auto& v) {
            using T = typename std::decay_t<decltype(v)>::value_type;
            if constexpr (std::is_same_v<T, double>)
              out << number_text(v[r]);
            else if constexpr (std::is_same_v<T, std::int64_t>)
              out << v[r];
            else
              out << csv_field(v[r]);
          },
          cols[c].data);
    }
    out << "\n";
  }
}

// The error of a failed system call (errno; EIO when a library lost it): a full disk says so.
[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno ? errno : EIO, std::generic_category(), what);
}

void write_csv(const fs::path& file, const ExportTable& e) {
  errno = 0;
  std::ofstream out(file, std::ios::binary);
  if (!out) fail("cannot create " + file.string());
  write_csv_rows(out, e);
  out.close();
  if (!out) fail("writing " + file.string() + " failed");
}

// A temporary name beside `path` for this process (".NAME.tmp-PID"), those of processes killed
// while writing `path` removed first (temporary_file.hpp).
fs::path temporary(const fs::path& path) {
  remove_stale_temporaries(path.string());
  return temporary_path(path.string());
}

// Excel holds 1048576 rows a sheet: the header and 1048575 rows.
constexpr std::size_t kExcelRows = 1048575;

void check_xlsx(lxw_error err, const std::string& what) {
  if (err != LXW_NO_ERROR) throw std::runtime_error(what + ": " + lxw_strerror(err));
}

}  // namespace

std::string export_header(const std::string& column, const std::string& unit) {
  return unit.empty() ? column : column + " [" + unit + "]";
}

ExportTable export_table(std::string name, Table table, const MeasureNames& measures, const std::string& unit_table,
                         const std::string& kpi) {
  ExportTable e{std::move(name), std::move(table), {}};
  const std::string& vocabulary = unit_table.empty() ? e.table.name() : unit_table;
  for (const Column& c : e.table.columns()) e.units.push_back(unit_of(vocabulary, c.name, measures, kpi));
  return e;
}

void write_csv_dir(const std::string& dir_arg, const std::vector<ExportTable>& tables) {
  std::error_code ec;
  fs::path dir = fs::path(dir_arg).lexically_normal();
  if (!dir.has_filename() && dir.has_parent_path()) dir = dir.parent_path();  // "out/" is out
  const bool exists = fs::is_directory(dir, ec);
  // A new DIR is built whole beside it and renamed; into an existing one the files are built
  // in a hidden directory inside it and moved in once all are written.
  const fs::path tmp = exists ? temporary(dir / "eslabon-csv") : temporary(dir);  // .eslabon-csv.tmp-PID inside
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code e;
      if (!p.empty()) fs::remove_all(p, e);
    }
  } cleanup{tmp};
  fs::remove_all(tmp, ec);
  if (!fs::create_directory(tmp, ec) || ec)
    throw std::runtime_error("cannot create a directory in " + (exists ? dir : dir.parent_path()).string() + ": " +
                             ec.message());
  for (const ExportTable& e : tables) write_csv(tmp / (e.name + ".csv"), e);
  if (!exists) {
    fs::rename(tmp, dir, ec);
    if (ec) throw std::runtime_error("cannot rename " + tmp.string() + " to " + dir.string() + ": " + ec.message());
    cleanup.p.clear();
    return;
  }
  for (const ExportTable& e : tables)
    if (fs::is_directory(dir / (e.name + ".csv"), ec))
      throw std::runtime_error("cannot write " + (dir / (e.name + ".csv")).string() + ": it is a directory");
  for (const ExportTable& e : tables) {
    fs::rename(tmp / (e.name + ".csv"), dir / (e.name + ".csv"), ec);
    if (ec) throw std::runtime_error("cannot move " + e.name + ".csv into " + dir.string() + ": " + ec.message());
  }
}

void write_xlsx(const std::string& path, const std::vector<ExportTable>& tables) {
  for (const ExportTable& e : tables)
    if (e.table.rows() > kExcelRows)
      throw std::runtime_error("table " + e.name + " has " + std::to_string(e.table.rows()) +
                               " rows; an Excel sheet holds at most " + std::to_string(kExcelRows) +
                               " under its header (write it with --csv instead)");
  const fs::path tmp = temporary(fs::path(path));
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code e;
      if (!p.empty()) fs::remove(p, e);
    }
  } cleanup{tmp};
  // Constant memory: rows go to disk as they are written (a table of orders can be long).
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  lxw_workbook* book = workbook_new_opt(tmp.c_str(), &options);
  if (!book) throw std::runtime_error("cannot create " + tmp.string());
  lxw_format* bold = workbook_add_format(book);
  format_set_bold(bold);
  for (const ExportTable& e : tables) {
    lxw_worksheet* sheet = workbook_add_worksheet(book, e.name.c_str());
    if (!sheet) {
      workbook_close(book);
      throw std::runtime_error("cannot add a sheet named " + e.name);
    }
    const auto& cols = e.table.columns();
    worksheet_freeze_panes(sheet, 1, 0);
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const std::string head = export_header(cols[c].name, c < e.units.size() ? e.units[c] : "");
      const auto col = static_cast<lxw_col_t>(c);
      worksheet_set_column(sheet, col, col, std::min(60.0, std::max(10.0, head.size() + 2.0)), nullptr);
      worksheet_write_string(sheet, 0, col, head.c_str(), bold);
    }
    for (std::size_t r = 0; r < e.table.rows(); ++r)
      for (std::size_t c = 0; c < cols.size(); ++c) {
        const auto row = static_cast<lxw_row_t>(r + 1);
        const auto col = static_cast<lxw_col_t>(c);
        std::visit(
            [&](const auto& v) {
              using T = typename std::decay_t<decltype(v)>::value_type;
              if constexpr (std::is_same_v<T, std::string>) {
                if (!v[r].empty()) worksheet_write_string(sheet, row, col, v[r].c_str(), nullptr);
              } else {
                const double x = static_cast<double>(v[r]);
                if (std::isfinite(x)) worksheet_write_number(sheet, row, col, x, nullptr);
              }
            },
            cols[c].data);
      }
  }
  errno = 0;
  if (const lxw_error err = workbook_close(book); err != LXW_NO_ERROR && errno != 0)
    fail("writing " + path + " failed (" + lxw_strerror(err) + ")");
  else
    check_xlsx(err, "writing " + path);
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw std::runtime_error("cannot rename " + tmp.string() + " to " + path + ": " + ec.message());
  cleanup.p.clear();
}

void write_csv_stream(std::ostream& out, const std::vector<ExportTable>& tables) {
  if (tables.empty()) return;
  const ExportTable* main = &tables.front();
  for (const ExportTable& e : tables)
    if (e.name == "summary") main = &e;
  write_csv_rows(out, *main);
  out.flush();
  if (!out) throw std::runtime_error("writing the CSV to standard output failed");
}

void ExportTargets::write(const std::vector<ExportTable>& tables) const {
  if (csv_stdout) write_csv_stream(std::cout, tables);
  if (!csv_dir.empty()) write_csv_dir(csv_dir, tables);
  if (!xlsx.empty()) write_xlsx(xlsx, tables);
}

std::vector<ExportTable> run_export(const RunResult& r) {
  std::vector<ExportTable> out;
  for (const ResultTable& t : result_tables()) {
    Table table = (r.*t.build)();
    if (t.only_if_recorded && table.columns().empty()) continue;
    out.push_back(export_table(t.name, std::move(table), r.measures, t.name));
  }
  return out;
}

std::vector<ExportTable> comparison_export(const Table& comparison, const MeasureNames& measures) {
  return {export_table("comparison", comparison, measures, "comparison")};
}

std::vector<ExportTable> ranking_export(const Ranking& ranking, const std::string& kpi) {
  return {export_table("weak_points", ranking.table, ranking.measures, "ranking", kpi)};
}

SweepExport::SweepExport(const Sweep& sweep) : sweep_(sweep), points_(sweep.points.size()) {}

void SweepExport::point_complete(std::size_t point, const RunResult& result) {
  Point p;
  p.measures = result.measures;
  for (const ResultTable& t : result_tables())
    if (t.in_sweep) p.tables.push_back((result.*t.build)());
  points_[point] = std::move(p);
}

namespace {

// Appends row `r` of column `from` to `to` (same type).
void append_cell(Column& to, const Column& from, std::size_t r) {
  std::visit(
      [&](auto& dst) {
        using V = std::decay_t<decltype(dst)>;
        dst.push_back(std::get<V>(from.data)[r]);
      },
      to.data);
}

// An empty column of the same name and type.
Column like(const Column& c, const std::string& name) {
  return std::visit([&](const auto& v) { return Column{name, std::decay_t<decltype(v)>{}}; }, c.data);
}

}  // namespace

std::vector<ExportTable> SweepExport::tables() const {
  MeasureNames measures;
  for (const auto& p : points_)
    if (p) {
      measures = p->measures;
      break;
    }
  std::vector<ExportTable> out;
  Table scenarios = sweep_.points_table();
  auto& done = scenarios.i64("complete");
  for (std::size_t p = 0; p < points_.size(); ++p)
    done.push_back(p < complete_.size() ? complete_[p] : points_[p].has_value());
  // summary: each complete point's KPI rows, led by its id, factors and scenario.
  Table summary("summary");
  std::vector<ExportTable> per_point;
  std::size_t k = 0;
  for (const ResultTable& t : result_tables()) {
    if (!t.in_sweep) continue;
    Table all(t.name);
    for (std::size_t p = 0; p < points_.size(); ++p) {
      if (!points_[p]) continue;
      const Table& mine = points_[p]->tables[k];
      Table led(t.name);
      led.str("id").assign(mine.rows(), sweep_.points[p].id);
      if (t.name == "summary") {            // then the point's row of /scenarios
        const std::size_t key_columns = 3;  // point, id, scenario
        for (std::size_t c = key_columns; c < scenarios.columns().size() - 1; ++c) {
          const Column& f = scenarios.columns()[c];
          Column col = like(f, f.name);
          for (std::size_t r = 0; r < mine.rows(); ++r) append_cell(col, f, p);
          led.add_column(std::move(col));
        }
        led.str("scenario").assign(mine.rows(), sweep_.points[p].scenario);
      }
      for (const Column& c : mine.columns()) led.add_column(c);
      all.append(led);
    }
    if (t.name == "summary")
      summary = std::move(all);
    else
      per_point.push_back(export_table(t.name, std::move(all), measures, t.name));
    ++k;
  }
  out.push_back(export_table("scenarios", std::move(scenarios), measures, "scenarios"));
  out.push_back(export_table("summary", std::move(summary), measures, "summary"));
  for (auto& e : per_point) out.push_back(std::move(e));
  return out;
}

}  // namespace eslabon
