#pragma once
// The config's keys, section by section, spelled once: the loader accepts exactly these (in
// this order in its "expected one of ..." messages, with a did-you-mean among them), and
// tests/models/test_config_keys.cpp checks that configs/eslabon.schema.json lists the same
// keys at the places `schema_sections()` names. (Link keys live with the link faults.)

#include <string>
#include <vector>

namespace eslabon::config_keys {

inline const std::vector<std::string> root = {"name",  "time_unit",    "run",        "units", "flows",
                                              "links", "defect_types", "complaints", "costs", "scenarios"};
inline const std::vector<std::string> run = {"horizon", "warmup", "replications", "seed", "calendar_start", "max_wip"};
// run.replications as a mapping: the stopping rule (README "Warm-up and replications without guessing").
inline const std::vector<std::string> until = {"until", "kpi", "min", "max"};
inline const std::vector<std::string> unit = {"servers", "discipline", "capacity",  "cost_per_hour", "outages",
                                              "staff",   "shifts",     "shift_end", "pressure"};
inline const std::vector<std::string> staff = {"training", "motivation", "courtesy"};
inline const std::vector<std::string> outages = {"mtbf", "mttr"};
inline const std::vector<std::string> pressure = {"measure", "window", "levels", "speedup", "errors"};
inline const std::vector<std::string> flow = {"arrivals", "due", "priority", "value", "tasks", "patience"};
inline const std::vector<std::string> arrivals = {"poisson", "interarrival", "customers", "rate_per_customer",
                                                  "acquisition"};
// arrivals.poisson as a mapping (a rate that changes over time): {rates, every} or {schedule}.
inline const std::vector<std::string> poisson_profile = {"rates", "every", "schedule"};
inline const std::vector<std::string> task = {"unit", "service", "after", "next", "skip", "skip_defect"};
inline const std::vector<std::string> complaints = {
    "unit",           "service", "visible",           "late_dissatisfies",
    "complain",       "resolve", "churn_if_resolved", "churn_if_unresolved",
    "churn_if_silent", "memory"};
// complaints.memory (customers who remember) and its outcomes.
inline const std::vector<std::string> memory = {"weight", "start", "churn", "outcomes"};
inline const std::vector<std::string> memory_outcomes = {"defect", "late", "offended", "resolved", "unresolved"};
// defect_types.TYPE (README "Weak links"): what a defect of that type does; each key optional.
inline const std::vector<std::string> defect_type = {
    "visible", "detect", "complain", "churn_if_resolved", "churn_if_unresolved", "churn_if_silent", "cost"};
inline const std::vector<std::string> costs = {"late_penalty", "scrap",     "complaint", "lost_customer",
                                               "prevention",   "abandoned", "currency"};
// A scenario's reserved keys beside its changes (config paths, which never start with these).
inline const std::vector<std::string> scenario = {"cost"};
inline const std::vector<std::string> sweep = {"model", "replications", "seed", "grid", "scenarios"};

// Where each section's keys are in the JSON Schema: a JSON pointer to an object schema with
// `properties`, or to a `oneOf`/`anyOf` whose alternatives' properties together are the keys.
struct SchemaSection {
  const char* pointer;
  const std::vector<std::string>* keys;
};
inline std::vector<SchemaSection> schema_sections() {
  return {{"", &root},
          {"/properties/run", &run},
          {"/properties/run/properties/replications/oneOf", &until},
          {"/$defs/unit/anyOf/1", &unit},
          {"/$defs/unit/anyOf/1/properties/outages", &outages},
          {"/$defs/unit/anyOf/1/properties/staff", &staff},
          {"/$defs/unit/anyOf/1/properties/pressure", &pressure},
          {"/$defs/flow", &flow},
          {"/$defs/flow/properties/arrivals/oneOf", &arrivals},
          {"/$defs/flow/properties/arrivals/oneOf/0/properties/poisson/oneOf", &poisson_profile},
          {"/$defs/task", &task},
          {"/properties/defect_types/additionalProperties", &defect_type},
          {"/properties/complaints", &complaints},
          {"/properties/complaints/properties/memory", &memory},
          {"/properties/complaints/properties/memory/properties/outcomes", &memory_outcomes},
          {"/properties/costs", &costs},
          {"/properties/scenarios/additionalProperties", &scenario}};
}

}  // namespace eslabon::config_keys
