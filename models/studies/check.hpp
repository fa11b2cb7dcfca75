#pragma once
// What `eslabon check` reports besides the config's own validation (README "Before you simulate:
// check"): the analysis of analytic.hpp, the units it finds overloaded (with the servers each would
// need) and the warnings, one line each. The CLI prints it (bindings/cli/check.cpp) and
// output/check_json.hpp writes it as JSON; Python's Model.check is that JSON.

#include <models/model/model.hpp>
#include <models/studies/analytic.hpp>
#include <models/studies/lead_time.hpp>

#include <string>
#include <vector>

namespace eslabon {

// The utilisation a unit is comfortable at (the second server count a warning gives).
inline constexpr double kComfortableUtilisation = 0.85;

// A unit without a finite capacity whose utilisation is >= 1: its queue grows without bound.
struct Overload {
  std::size_t unit = 0;
  double utilisation = 0;
  int stable = -1;       // the fewest servers that give utilisation < 1 (-1: none, endless work)
  int comfortable = -1;  // ... and utilisation <= kComfortableUtilisation
};

struct CheckReport {
  Analysis analysis;
  LeadTimes lead_times;               // the estimates (lead_time.hpp) at the analysis' rates and loads
  std::vector<Overload> overloaded;   // in model order
  std::vector<std::string> warnings;  // overloaded units, then units that can tip under pressure
  bool unstable() const { return !overloaded.empty(); }
};

// With options.late empty, the late share of each flow is settled with its lead time: the late
// shares set the customers' churn and complaints (so the base and the complaint desk's load), which
// set the lead times and their late shares, iterated (damped) until they agree to 1e-9 or for 200
// rounds. Given late shares are taken as they are.
CheckReport check_model(const Model& m, const AnalyticOptions& options = {});

}  // namespace eslabon
