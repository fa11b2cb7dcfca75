#pragma once
// The JSON document of `eslabon check --json` (and Python's Model.check): one object with the
// model's name and time unit, then a section per part of the check (README "Before you simulate:
// check"): "units", "flows", "links", "complaints", "unstable", "warnings", "notes", and "estimates" (lead_time_json.hpp: the
// waits, lead times, critical paths and blast radii). A figure that
// is not finite is null (JSON has no NaN or infinity).

#include <models/model/model.hpp>
#include <models/studies/check.hpp>

#include <string>

namespace eslabon {

std::string check_json(const Model& m, const CheckReport& report, int indent = 2);

}  // namespace eslabon
