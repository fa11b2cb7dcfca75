// Units of measure (results/measure_units.hpp) and the files every reader opens: every figure of
// every vocabulary has a unit, the summary-shaped tables carry theirs, costs.currency names the
// money, sweep factors are numbers, the CSV writer's text reads back to the same doubles, and
// --csv/--xlsx paths are checked before any work (output/output_path.hpp, output/table_export.hpp).

#include <models/config/loader.hpp>
#include <models/config/sweep_file.hpp>
#include <models/output/output_path.hpp>
#include <models/output/result_tables.hpp>
#include <models/output/table_export.hpp>
#include <models/results/measure_units.hpp>
#include <models/results/run_result.hpp>
#include "files.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace eslabon;

namespace {

using eslabon_test::read_text;
using Scratch = eslabon_test::ScratchDir;

template <std::size_t N>
void expect_every_name_has_a_unit(const char* table, const std::array<const char*, N>& names) {
  for (const char* n : names) EXPECT_FALSE(unit_template(table, n).empty()) << table << ": " << n << " has no unit";
}

}  // namespace

TEST(MeasureUnits, EveryFigureOfEveryVocabularyHasAUnit) {
  expect_every_name_has_a_unit("summary", kpi_names());
  expect_every_name_has_a_unit("replications", kpi_names());
  expect_every_name_has_a_unit("units", unit_stat_names());
  expect_every_name_has_a_unit("flows", flow_stat_names());
  expect_every_name_has_a_unit("links", link_stat_names());
  expect_every_name_has_a_unit("origins", origin_stat_names());
  expect_every_name_has_a_unit("delay_causes", delay_stat_names());
  expect_every_name_has_a_unit("satisfaction", satisfaction_stat_names());
  // Names, replication numbers, counts of replications and flags have none.
  for (const char* c : {"replication", "unit", "kpi", "stat", "n", "measured_in", "mean"})
    EXPECT_EQ(unit_template("units", c), "") << c;
}

TEST(MeasureUnits, TemplatesRenderWithTheModelsNames) {
  const MeasureNames eur{"minute", "EUR"};
  EXPECT_EQ(unit_of("summary", "lead_time_mean", eur), "minute");
  EXPECT_EQ(unit_of("summary", "throughput", eur), "orders per minute");
  EXPECT_EQ(unit_of("summary", "revenue", eur), "EUR per minute");
  EXPECT_EQ(unit_of("links", "copq", eur), "EUR");
  EXPECT_EQ(unit_of("contracts", "penalty", eur), "EUR per late handoff");
  EXPECT_EQ(unit_of("orders", "delivered", eur), "minute");
  EXPECT_EQ(unit_of("orders", "on_time", eur), "");  // 0/1
  // A ranking's effects are in the unit of the KPI ranked on; its money per time unit.
  EXPECT_EQ(unit_of("ranking", "effect_ci_low", eur, "lead_time_p95"), "minute");
  EXPECT_EQ(unit_of("ranking", "net_mean", eur, "lead_time_p95"), "EUR per minute");
  EXPECT_EQ(unit_of("ranking", "return_mean", eur, "copq_per_order"), "");
  EXPECT_EQ(MeasureNames{}.currency, "currency");
}

TEST(MeasureUnits, SummaryShapedTablesSayWhatEachRowIsMeasuredIn) {
  const Model m = load_model_text(
      "time_unit: minute\nrun: {horizon: 400, warmup: 40, replications: 3, seed: 1}\n"
      "units: {a: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.5}, tasks: {t: {unit: a, service: {exponential: {mean: 1}}}}}}\n"
      "costs: {currency: USD}\n",
      "<test>");
  EXPECT_EQ(m.costs.currency, "USD");
  const RunResult r = run_model(m);
  EXPECT_EQ(r.measures.time, "minute");
  EXPECT_EQ(r.measures.currency, "USD");
  for (const ResultTable& t : result_tables()) {
    const Table table = (r.*t.build)();
    if (!has_measured_in(t.name)) {
      EXPECT_EQ(table.find("measured_in"), nullptr) << t.name;
      continue;
    }
    ASSERT_NE(table.find("measured_in"), nullptr) << t.name;
    const auto& item = std::get<std::vector<std::string>>(table.columns()[table.find("stat") ? 1 : 0].data);
    const auto& unit = std::get<std::vector<std::string>>(table.find("measured_in")->data);
    for (std::size_t i = 0; i < table.rows(); ++i) EXPECT_EQ(unit[i], unit_of(t.name, item[i], r.measures));
  }
  const Table s = r.summary_table();
  EXPECT_EQ(std::get<std::vector<std::string>>(s.find("measured_in")->data)[0], "minute");  // lead_time_mean
}

TEST(MeasureUnits, CurrencyMustBeANonEmptyText) {
  const std::string base =
      "run: {horizon: 100}\nunits: {a: {}}\n"
      "flows: {f: {arrivals: {poisson: 0.5}, tasks: {t: {unit: a, service: 1}}}}\n";
  EXPECT_EQ(load_model_text(base, "<test>").costs.currency, "currency");
  EXPECT_THROW(load_model_text(base + "costs: {currency: ''}\n", "<test>"), ConfigError);
  EXPECT_THROW(load_model_text(base + "costs: {currency: [EUR]}\n", "<test>"), ConfigError);
}

TEST(SweepFactors, AreNumbersWhenTheirValuesAre) {
  Scratch s;
  std::string model = read_text(fs::path(ESLABON_SOURCE_DIR) / "configs/chain.yaml");
  std::ofstream(s.dir / "model.yaml") << model;
  std::ofstream(s.dir / "sweep.yaml") << "model: model.yaml\nreplications: 2\nseed: 5\ngrid:\n"
                                         "  units.production.servers: [4, 5]\n  run.horizon: [3000, 20w]\n"
                                         "  flows.standard.arrivals.poisson: [0.5, 0.75]\n"
                                         "scenarios:\n  busy: {flows.standard.arrivals.poisson: 0.9}\n";
  const Table t = load_sweep_file((s.dir / "sweep.yaml").string()).points_table();
  // Every point sets servers but the scenario: numbers with NaN; a duration keeps its text.
  const auto& servers = std::get<std::vector<double>>(t.find("units.production.servers")->data);
  EXPECT_EQ(servers[0], 4);
  EXPECT_TRUE(std::isnan(servers.back()));
  const auto& horizon = std::get<std::vector<std::string>>(t.find("run.horizon")->data);
  EXPECT_EQ(horizon[2], "20w");  // the last factor varies fastest
  const auto& rate = std::get<std::vector<double>>(t.find("flows.standard.arrivals.poisson")->data);
  EXPECT_EQ(rate[1], 0.75);
  EXPECT_EQ(rate.back(), 0.9);
}

TEST(SweepFactors, AreIntegersWhenEveryPointSetsOne) {
  Scratch s;
  std::ofstream(s.dir / "model.yaml") << read_text(fs::path(ESLABON_SOURCE_DIR) / "configs/chain.yaml");
  std::ofstream(s.dir / "sweep.yaml") << "model: model.yaml\nreplications: 2\ngrid:\n"
                                         "  units.production.servers: [4, 5]\n";
  const Table t = load_sweep_file((s.dir / "sweep.yaml").string()).points_table();
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(t.find("units.production.servers")->data),
            (std::vector<std::int64_t>{4, 5}));
}

TEST(TableExport, CsvQuotesTextAndKeepsEveryBitOfANumber) {
  Scratch s;
  Table t("t");
  t.str("name") = {"plain", "a,b", "say \"hi\"", " edge"};
  t.f64("x") = {0.1, 1.0 / 3.0, std::nan(""), 1e-300};
  t.i64("n") = {1, -2, 3, 4};
  write_csv_dir((s.dir / "out").string(), {ExportTable{"t", t, {"", "hour", ""}}});
  EXPECT_EQ(read_text(s.dir / "out" / "t.csv"),
            "name,x [hour],n\nplain,0.1,1\n\"a,b\",0.3333333333333333,-2\n\"say \"\"hi\"\"\",,3\n\" edge\",1e-300,4\n");
  EXPECT_EQ(std::stod("0.3333333333333333"), 1.0 / 3.0);
  // Into an existing directory: the files are replaced, others left alone, no temporary left.
  std::ofstream(s.dir / "out" / "mine.txt") << "kept";
  write_csv_dir((s.dir / "out").string(), {ExportTable{"t", t, {}}});
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(s.dir / "out")) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"mine.txt", "t.csv"}));
  EXPECT_EQ(read_text(s.dir / "out" / "t.csv").substr(0, 11), "name,x,n\npl");
}

TEST(TableExport, AFailedCsvWriteLeavesTheDirectoryAsItWas) {
  Scratch s;
  fs::create_directories(s.dir / "out" / "b.csv");  // a directory where a file must go
  Table t("t");
  t.f64("x") = {1};
  EXPECT_THROW(write_csv_dir((s.dir / "out").string(), {ExportTable{"a", t, {}}, ExportTable{"b", t, {}}}),
               std::runtime_error);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(s.dir / "out")) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"b.csv"});  // a.csv not moved in, no temporary left
}

TEST(TableExport, OutputDirectoriesAreCheckedBeforeAnyWork) {
  Scratch s;
  std::ofstream(s.dir / "file") << "x";
  EXPECT_NO_THROW(check_output_dir(s.dir.string(), "--csv"));
  EXPECT_NO_THROW(check_output_dir((s.dir / "new").string(), "--csv"));
  EXPECT_NO_THROW(check_output_dir((s.dir / "new/").string(), "--csv"));
  EXPECT_THROW(check_output_dir((s.dir / "file").string(), "--csv"), ConfigError);
  EXPECT_THROW(check_output_dir((s.dir / "no/such/dir").string(), "--csv"), ConfigError);
  try {
    check_output_dir((s.dir / "file").string(), "--csv x");
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "--csv x: expected a directory (or a new name), found a file");
  }
}
