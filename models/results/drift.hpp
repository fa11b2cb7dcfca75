#pragma once
// The drift check (README "Steady state"): whether the main KPIs differ between the first and
// the second half of the measurement window. Warm-up, and every confidence interval, assume
// the model has settled; a KPI that still moves within the window says it has not.

#include <eslabon/core/confidence.hpp>
#include <models/engine/kpis.hpp>

#include <string>
#include <vector>

namespace eslabon {

struct RunResult;
struct Model;

// A difference is material when it exceeds this share of the KPI's mean over the window.
inline constexpr double kDriftMaterialShare = 0.05;
// The level of the difference's interval: 99%, so that over the five KPIs a stationary model is
// flagged significant by chance in at most about one run in twenty (a union bound), where a
// high-variance KPI (a cost driven by rare lost customers) is not kept quiet by materiality.
inline constexpr double kDriftLevel = 0.99;

struct DriftRow {
  Kpi kpi;
  double first = 0, second = 0;  // means over replications of the KPI in each half
  Interval difference{};         // second - first, replication by replication: kDriftLevel t-interval
  double overall = 0;            // the KPI's mean over replications (the whole window)
  double relative = 0;           // difference.mean / |overall|
  bool significant = false;      // the interval excludes 0
  bool material = false;         // |difference.mean| > kDriftMaterialShare |overall|
  bool drifting = false;         // both
};

// One row per KPI of the check that has a value in at least two replications' halves.
std::vector<DriftRow> drift_check(const RunResult& r);

// A periodic arrival rate (poisson: {rates, every}) shows every phase to each half of the window
// alike only when each half is a whole number of periods; otherwise the halves differ by the
// demand alone. One line per such flow (the note `eslabon run` prints on stderr), or "".
std::string period_note(const Model& m);

}  // namespace eslabon
