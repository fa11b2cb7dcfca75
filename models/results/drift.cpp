#include <models/results/drift.hpp>

#include <eslabon/core/number_format.hpp>
#include <models/model/model.hpp>
#include <models/results/run_result.hpp>

#include <cmath>

namespace eslabon {

std::vector<DriftRow> drift_check(const RunResult& r) {
  std::vector<DriftRow> rows;
  for (std::size_t i = 0; i < kDriftKpis.size(); ++i) {
    // Paired by replication: only replications with a value in both halves count.
    std::vector<double> first, second, diff;
    for (const auto& rep : r.replications) {
      const double a = rep.halves[i][0], b = rep.halves[i][1];
      if (!std::isfinite(a) || !std::isfinite(b)) continue;
      first.push_back(a);
      second.push_back(b);
      diff.push_back(b - a);
    }
    if (diff.size() < 2) continue;
    DriftRow row;
    row.kpi = kDriftKpis[i];
    row.first = confidence_interval(first).mean;
    row.second = confidence_interval(second).mean;
    row.difference = confidence_interval(diff, kDriftLevel);
    row.overall = r.kpi(row.kpi).mean;
    row.relative = row.difference.mean / std::abs(row.overall);
    // A run whose halves are identical in every replication (a deterministic model) has no
    // interval to speak of: a difference of exactly 0 is not significant.
    row.significant = row.difference.mean != 0 && !(row.difference.low <= 0 && row.difference.high >= 0);
    row.material = std::abs(row.difference.mean) > kDriftMaterialShare * std::abs(row.overall);
    row.drifting = row.significant && row.material;
    rows.push_back(row);
  }
  return rows;
}

std::string period_note(const Model& m) {
  const auto g = format_number;
  const std::string& unit = m.time_unit;
  std::string note;
  const double half = (m.run.horizon - m.run.warmup) / 2;
  for (const Flow& f : m.flows) {
    const double period = f.profile.period;
    if (!(period > 0)) continue;
    const double k = std::round(half / period);
    if (k >= 1 && std::abs(half - k * period) <= 1e-9 * half) continue;
    note += std::string(note.empty() ? "" : "\n") + "note: the arrival rate of flow " + f.name + " repeats every " +
            quantity(period, unit) + ", but each half of the measurement window [" + g(m.run.warmup) + ", " +
            g(m.run.horizon) + ") is " + quantity(half, unit) +
            ", not a whole number of periods: the drift check compares halves that see the rate differently "
            "(README \"Steady state\")";
  }
  return note;
}

Table RunResult::drift_table() const {
  Table t("drift");
  t.str("kpi");  // the columns exist even when there are no rows
  t.str("measured_in");
  for (const char* c : {"first_half", "second_half", "difference", "ci_low", "ci_high"}) t.f64(c);
  t.i64("n");
  for (const char* c : {"overall", "relative_difference"}) t.f64(c);
  for (const char* c : {"significant", "material", "drifting"}) t.i64(c);
  for (const DriftRow& d : drift_check(*this)) {
    t.str("kpi").push_back(kpi_names()[static_cast<int>(d.kpi)]);
    t.str("measured_in").push_back(unit_of("drift", kpi_names()[static_cast<int>(d.kpi)], measures));
    t.f64("first_half").push_back(d.first);
    t.f64("second_half").push_back(d.second);
    t.f64("difference").push_back(d.difference.mean);
    t.f64("ci_low").push_back(d.difference.low);
    t.f64("ci_high").push_back(d.difference.high);
    t.i64("n").push_back(d.difference.n);
    t.f64("overall").push_back(d.overall);
    t.f64("relative_difference").push_back(d.relative);
    t.i64("significant").push_back(d.significant);
    t.i64("material").push_back(d.material);
    t.i64("drifting").push_back(d.drifting);
  }
  return t;
}

}  // namespace eslabon
