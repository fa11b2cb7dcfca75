#pragma once
// Units of measure of every result figure, spelled once: the HDF5 datasets' `units` attributes,
// the `measured_in` column of the tables with one row per figure (summary, *_summary, drift,
// comparison), CSV and Excel headers ("lead_time_mean [hour]"), --json, the DataFrames' attrs
// and the plots' axis labels all read them from here. (In this code a "unit" is a department;
// a unit of measure is what a number is counted in.)
//
// A unit is written as a template: "{time}" stands for the model's time unit, "{currency}" for
// its currency (config `costs.currency`), so "orders per {time}" reads "orders per hour".
// "" means no unit: names, replication numbers, counts of replications (`n`), 0/1 flags, ratios.

#include <models/model/model.hpp>

#include <string>
#include <string_view>

namespace eslabon {

struct MeasureNames {
  std::string time = "hour";
  std::string currency = kDefaultCurrency;
};

// The unit of the figure `name` in result table `table`: a column of a table with one column
// per figure (replications, units, flows, links, origins, delay_causes, satisfaction, orders,
// delays, contracts, ranking), or the figure a row of a summary-shaped table is about (summary,
// unit_summary, ..., drift, comparison: `name` is the row's kpi or stat). For "ranking", `kpi`
// is the KPI ranked on (its unit is the unit of base_mean, effect_mean, ...). "" for none.
std::string unit_template(std::string_view table, std::string_view name, std::string_view kpi = "");

// The template with the model's names filled in: "orders per {time}" -> "orders per hour".
std::string render_unit(std::string_view unit_template, const MeasureNames& names);

// unit_template, rendered.
inline std::string unit_of(std::string_view table, std::string_view name, const MeasureNames& names,
                           std::string_view kpi = "") {
  return render_unit(unit_template(table, name, kpi), names);
}

// Whether `table` has one row per figure (its rows' units are in a `measured_in` column).
bool has_measured_in(std::string_view table);

}  // namespace eslabon
