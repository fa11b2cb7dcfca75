#pragma once
// Shifts and calendars (README "Shifts and calendars"): `run.calendar_start`, and a unit's
// `shifts` and `shift_end`.

#include <models/config/yaml_reader.hpp>

namespace eslabon {

// run.calendar_start: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (or a space for the T).
void load_calendar_start(const YamlReader& r, const YAML::Node& n, RunSettings& run);
// units.NAME.shifts and shift_end (node n is the unit's mapping); sets u.servers to the largest level.
void load_shifts(const YamlReader& r, const YAML::Node& n, const std::string& path, const RunSettings& run, Unit& u);

}  // namespace eslabon
