#include <models/output/hdf5_run.hpp>

#include <eslabon/core/version.hpp>
#include <models/output/json.hpp>
#include <models/output/result_tables.hpp>

#include <chrono>
#include <ctime>

namespace eslabon {

std::string utc_now() {
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_table(Hdf5Writer& w, const std::string& path, const Table& table, const MeasureNames& measures,
                 bool compact_if_small) {
  w.write(path, table, compact_if_small);
  w.attribute(path, "time_unit", measures.time);
  w.attribute(path, "currency", measures.currency);
  std::vector<std::string> units;
  for (const Column& c : table.columns()) units.push_back(unit_of(table.name(), c.name, measures));
  w.attribute(path, "units", units);
}

void write_result_tables(Hdf5Writer& w, const std::string& group, const RunResult& result, bool sweep_point) {
  for (const ResultTable& t : result_tables()) {
    if (sweep_point && !t.in_sweep) continue;
    Table table = (result.*t.build)();
    if (t.only_if_recorded && table.columns().empty()) continue;
    write_table(w, group + "/" + t.name, table, result.measures, sweep_point);
  }
}

void write_hdf5(const std::string& path, const Model& model, const RunResult& result) {
  Hdf5Writer w(path);
  w.attribute("eslabon_version", std::string(version));
  w.attribute("config", model.config_text);
  w.attribute("seed", static_cast<std::int64_t>(result.seed));
  w.attribute("name", result.name);
  w.attribute("time_unit", model.time_unit);
  w.attribute("currency", model.costs.currency);
  if (!result.calendar_start.empty()) w.attribute("calendar_start", result.calendar_start);
  // README "Warm-up and replications without guessing": JSON text, as in --json.
  if (result.warmup_auto) w.attribute("warmup_auto", warmup_json(result));
  if (result.stopping) w.attribute("stopping", stopping_json(result));
  if (const std::string log = result.event_log_note(); !log.empty()) w.attribute("event_log", log);
  w.attribute("created", utc_now());
  write_result_tables(w, "", result, false);
  w.commit();
}

}  // namespace eslabon
