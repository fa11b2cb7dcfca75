#include <models/output/pair_tables.hpp>

#include <models/engine/kpis.hpp>

#include <array>
#include <stdexcept>
#include <variant>
#include <vector>

namespace eslabon {
namespace {

// One table per row kind of ReplicationResult: its name, the column naming the row's item, the
// statistics' names, and where the rows live.
template <std::size_t N>
struct Rows {
  const char* table;
  const char* item;
  const std::array<const char*, N>& stats;
  std::vector<std::array<double, N>> ReplicationResult::*rows;
};

template <std::size_t N>
Table rows_table(const PairResults& pairs, const Rows<N>& kind) {
  Table t(kind.table);
  t.i64("pair");
  t.i64(kind.item);
  for (const char* s : kind.stats) t.f64(s);
  // References once every column exists: adding a column moves the others.
  auto& pair = t.i64("pair");
  auto& item = t.i64(kind.item);
  std::vector<std::vector<double>*> cols;
  for (const char* s : kind.stats) cols.push_back(&t.f64(s));
  for (const auto& [p, r] : pairs) {
    const auto& rows = r.*kind.rows;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      pair.push_back(static_cast<std::int64_t>(p));
      item.push_back(static_cast<std::int64_t>(i));
      for (std::size_t s = 0; s < N; ++s) cols[s]->push_back(rows[i][s]);
    }
  }
  return t;
}

// The columns of `t`, checked against what this version writes: `names`, the first `integers` of
// them int64, the others float64 (a file that has them as other types is refused too).
void expect_columns(const Table& t, const std::string& where, const std::vector<std::string>& names,
                    std::size_t integers) {
  bool same = t.columns().size() == names.size();
  for (std::size_t c = 0; same && c < names.size(); ++c) {
    const Column& col = t.columns()[c];
    same = col.name == names[c] && (c < integers ? std::holds_alternative<std::vector<std::int64_t>>(col.data)
                                                 : std::holds_alternative<std::vector<double>>(col.data));
  }
  if (!same) throw std::runtime_error(where + ": not the columns this version of eslabon writes");
}

template <std::size_t N>
void read_rows(const Hdf5Reader& file, const std::string& group, const Rows<N>& kind, PairResults& into) {
  const std::string where = file.path() + ":" + group + "/" + kind.table;
  Table t = file.numbers(group + "/" + kind.table);
  std::vector<std::string> names = {"pair", kind.item};
  names.insert(names.end(), kind.stats.begin(), kind.stats.end());
  expect_columns(t, where, names, 2);
  const auto& pair = t.i64("pair");
  const auto& item = t.i64(kind.item);
  std::vector<const std::vector<double>*> cols;
  for (const char* s : kind.stats) cols.push_back(&t.f64(s));
  for (std::size_t row = 0; row < t.rows(); ++row) {
    auto it = into.find(static_cast<std::size_t>(pair[row]));
    auto& rows = it == into.end() ? throw std::runtime_error(where + ": a pair without its replication row")
                                  : it->second.*kind.rows;
    if (item[row] != static_cast<std::int64_t>(rows.size())) throw std::runtime_error(where + ": rows out of order");
    std::array<double, N> values{};
    for (std::size_t s = 0; s < N; ++s) values[s] = (*cols[s])[row];
    rows.push_back(values);
  }
}

const Rows<kUnitStatCount> kUnits{"units", "unit", unit_stat_names(), &ReplicationResult::units};
const Rows<kFlowStatCount> kFlows{"flows", "flow", flow_stat_names(), &ReplicationResult::flows};
const Rows<kLinkStatCount> kLinks{"links", "link", link_stat_names(), &ReplicationResult::links};
const Rows<kOriginStatCount> kOrigins{"origins", "origin", origin_stat_names(), &ReplicationResult::origins};

}  // namespace

void write_pair_tables(Hdf5Writer& w, const std::string& group, const PairResults& pairs) {
  Table t("replications");
  for (const char* c : {"pair", "replication", "events"}) t.i64(c);
  for (int k = 0; k < kKpiCount; ++k) t.f64(kpi_names()[k]);
  for (const auto& [p, r] : pairs) {
    t.i64("pair").push_back(static_cast<std::int64_t>(p));
    t.i64("replication").push_back(static_cast<std::int64_t>(r.replication));
    t.i64("events").push_back(static_cast<std::int64_t>(r.events));
    for (int k = 0; k < kKpiCount; ++k) t.f64(kpi_names()[k]).push_back(r.kpi[k]);
  }
  w.write(group + "/replications", t);
  w.write(group + "/units", rows_table(pairs, kUnits));
  w.write(group + "/flows", rows_table(pairs, kFlows));
  w.write(group + "/links", rows_table(pairs, kLinks));
  w.write(group + "/origins", rows_table(pairs, kOrigins));
}

void read_pair_tables(const Hdf5Reader& file, const std::string& group, PairResults& into) {
  const std::string where = file.path() + ":" + group + "/replications";
  Table t = file.numbers(group + "/replications");
  std::vector<std::string> names = {"pair", "replication", "events"};
  for (int k = 0; k < kKpiCount; ++k) names.push_back(kpi_names()[k]);
  expect_columns(t, where, names, 3);
  PairResults mine;
  for (std::size_t row = 0; row < t.rows(); ++row) {
    ReplicationResult r;
    r.replication = static_cast<std::uint64_t>(t.i64("replication")[row]);
    r.events = static_cast<std::uint64_t>(t.i64("events")[row]);
    for (int k = 0; k < kKpiCount; ++k) r.kpi[k] = t.f64(kpi_names()[k])[row];
    mine.emplace(static_cast<std::size_t>(t.i64("pair")[row]), std::move(r));
  }
  read_rows(file, group, kUnits, mine);
  read_rows(file, group, kFlows, mine);
  read_rows(file, group, kLinks, mine);
  read_rows(file, group, kOrigins, mine);
  into.merge(mine);
}

}  // namespace eslabon
