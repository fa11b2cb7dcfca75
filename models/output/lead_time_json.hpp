#pragma once
// The estimates `eslabon check` prints without simulating, as JSON (README "Lead times without
// simulating"): "units" {UNIT: {arrival_rate, servers, availability, service_mean, utilisation,
// arrival_scv, service_scv, wait, method}}, "flows" {FLOW: {lead_time, sd, late_share, method, due, notes,
// tasks {TASK: {wait, service, time}}, handoffs {FROM->TO: {transit, redo, time}},
// critical_path {time, share_of_orders, steps [{name, kind, unit, time, share}]}}}, and
// "blast_radius" [{name, kind, faults, flows {FLOW: {tasks, units, share_of_orders,
// customers, order_rate}}}]. A figure that is not finite (a unit that cannot keep up) is null.
// Python's Model.lead_time_estimates and Model.blast_radius read it.

#include <models/model/model.hpp>
#include <models/studies/lead_time.hpp>

#include <nlohmann/json.hpp>

namespace eslabon {

// `estimates`: lead_times(m, ...) as check_model settles them; without, check_model(m)'s.
nlohmann::json lead_time_json(const Model& m, const LeadTimes& estimates);
nlohmann::json lead_time_json(const Model& m);

}  // namespace eslabon
