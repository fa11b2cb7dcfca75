#include <models/output/result_tables.hpp>

namespace eslabon {

const std::vector<ResultTable>& result_tables() {
  // Sweep points keep the per-replication tables a study needs and the KPI summary; a point's
  // other summaries follow from its tables, and leaving them out keeps a sweep of many small
  // points small.
  static const std::vector<ResultTable> tables = {
      {"replications", &RunResult::replications_table, "summary", "kpis", true, false},
      {"summary", &RunResult::summary_table, "", "", true, false},
      {"units", &RunResult::units_table, "unit_summary", "units", true, false},
      {"unit_summary", &RunResult::unit_summary_table, "", "", false, false},
      {"flows", &RunResult::flows_table, "flow_summary", "flows", false, false},
      {"flow_summary", &RunResult::flow_summary_table, "", "", false, false},
      {"links", &RunResult::links_table, "link_summary", "links", true, false},
      {"link_summary", &RunResult::link_summary_table, "", "", false, false},
      {"origins", &RunResult::origins_table, "origin_summary", "origins", true, false},
      {"origin_summary", &RunResult::origin_summary_table, "", "", false, false},
      {"delay_causes", &RunResult::delay_causes_table, "delay_summary", "delays", false, false},
      {"delay_summary", &RunResult::delay_summary_table, "", "", false, false},
      {"orders", &RunResult::orders_table, "", "", false, true},
      {"delays", &RunResult::delays_table, "", "", false, true},
      {"events", &RunResult::events_table, "", "", false, true},
      {"drift", &RunResult::drift_table, "", "drift", false, false},
      {"contracts", &RunResult::contracts_table, "", "contracts", false, false},
      {"satisfaction", &RunResult::satisfaction_table, "satisfaction_summary", "satisfaction", false, false},
      {"satisfaction_summary", &RunResult::satisfaction_summary_table, "", "", false, false},
  };
  return tables;
}

const ResultTable* find_result_table(const std::string& name) {
  for (const auto& t : result_tables())
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace eslabon
