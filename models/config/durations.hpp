#pragma once
// Durations written with a unit ("30min", "8h", "2d") and the time units they convert between.

#include <string>
#include <vector>

namespace eslabon {

// Parse a duration ("30min", "8h", "2d", "1.5", "inf") into `time_unit`s. Throws
// std::invalid_argument with the reason.
double parse_duration(const std::string& text, const std::string& time_unit);
// Length of one `unit` (second, minute, hour, day, week and their abbreviations) in hours;
// 0 when the unit is unknown.
double unit_in_hours(const std::string& unit);
// Every name a time unit may have, each unit's names together, from second to week (the
// config's `time_unit` and a duration's suffix take any of them).
const std::vector<std::string>& time_unit_names();
// The canonical name (second, minute, hour, day or week) of a known unit, so that messages
// and outputs say "hour" whether the config said h or hours.
std::string canonical_unit(const std::string& unit);

}  // namespace eslabon
