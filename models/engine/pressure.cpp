// Pressure (README "Pressure"): a unit's speed and error multipliers follow a measure of its
// load, piecewise constant by level. Only units with `pressure` come here (UnitState::pressured),
// so models without it never enter this file. See replication.hpp.
//
// Speed: every job in service at the unit progresses at the staff speed times the level's
// speedup, so at a change of level the remaining time of each job in service (or frozen by an
// outage) is multiplied by old / new speedup; a job whose service ends at this very instant is
// left to end. A preempted job keeps its remaining work at speedup 1 (impatience.cpp), which
// start() divides by the speedup in force when it resumes. Errors: UnitState::errors is the staff
// factor times the level's, read by the skip and defect draws when they are made.

#include <models/engine/replication.hpp>

#include <cmath>

namespace eslabon::engine {

namespace {

// Busy servers over scheduled servers, 0 during an outage (nothing is worked); with no server
// scheduled (a closed shift), 1 while a server still finishes a job (shift_end: finish), else 0.
double busy_share(const UnitState& us) {
  const double working = us.down ? 0.0 : static_cast<double>(us.busy);
  if (us.servers > 0) return working / us.servers;
  return working > 0 ? 1.0 : 0.0;
}

}  // namespace

void Replication::pressure_changed(int u) {
  UnitState& us = units_[static_cast<std::size_t>(u)];
  const Unit::Pressure& p = m_.units[static_cast<std::size_t>(u)].pressure;
  if (p.measure == Unit::Pressure::Measure::Utilisation) {
    // The moving average follows its signal, constant since ewma_at, up to now; then the signal
    // changes and the next crossing is scheduled again.
    const double x = busy_share(us);
    if (x == us.signal) return;
    us.ewma = us.signal + (us.ewma - us.signal) * std::exp(-(now_ - us.ewma_at) / p.window);
    us.ewma_at = now_;
    us.signal = x;
    schedule_crossing(u);
    return;
  }
  const double x = static_cast<double>(us.waiting()) +
                   (p.measure == Unit::Pressure::Measure::Wip ? static_cast<double>(us.busy) : 0.0);
  const int top = static_cast<int>(p.levels.size()) - 1;
  int level = us.level;
  while (level < top && x >= p.levels[static_cast<std::size_t>(level) + 1]) ++level;
  while (level > 0 && x < p.levels[static_cast<std::size_t>(level)]) --level;
  if (level != us.level) set_level(u, level);
}

// The moving average U moves from ewma towards the signal x as x + (ewma - x) exp(-(t - ewma_at) /
// window): it reaches the next level up (when x is above it) or falls below the level in force
// (when x is below it) after window ln((ewma - x) / (threshold - x)). Any earlier pending crossing
// is void (its count is older).
void Replication::schedule_crossing(int u) {
  UnitState& us = units_[static_cast<std::size_t>(u)];
  const Unit::Pressure& p = m_.units[static_cast<std::size_t>(u)].pressure;
  ++us.crossing;
  const std::size_t level = static_cast<std::size_t>(us.level);
  const double x = us.signal;
  double threshold;
  if (x > us.ewma && level + 1 < p.levels.size() && x > p.levels[level + 1]) {
    threshold = p.levels[level + 1];
    us.rising = true;
  } else if (x < us.ewma && level > 0 && x < p.levels[level]) {
    threshold = p.levels[level];
    us.rising = false;
  } else {
    return;
  }
  double dt = p.window * std::log((us.ewma - x) / (threshold - x));
  if (!(dt > 0)) dt = 0;  // already there (rounding)
  events_.push(now_ + dt, event_class::pressure, pressure_kind(us.crossing & 0xFFFFFF), static_cast<std::uint32_t>(u));
}

void Replication::pressure_crossing(std::uint32_t u, std::uint32_t count) {
  UnitState& us = units_[u];
  if (count != (us.crossing & 0xFFFFFF)) return;  // the signal changed since it was scheduled
  const Unit::Pressure& p = m_.units[u].pressure;
  const int level = us.rising ? us.level + 1 : us.level - 1;
  // The average is at the threshold now (exactly, so that rounding cannot undo the crossing).
  us.ewma = p.levels[static_cast<std::size_t>(us.rising ? level : us.level)];
  us.ewma_at = now_;
  set_level(static_cast<int>(u), level);
  schedule_crossing(static_cast<int>(u));
}

void Replication::set_level(int u, int level) {
  UnitState& us = units_[static_cast<std::size_t>(u)];
  const Unit& un = m_.units[static_cast<std::size_t>(u)];
  const Unit::Pressure& p = un.pressure;
  const std::size_t i = static_cast<std::size_t>(level);
  const double before = us.speedup;
  us.level = level;
  us.speedup = p.speedup[i];
  us.errors = un.error_factor() * p.errors[i];
  us.speedup_tw.set(now_, us.speedup);
  us.errors_tw.set(now_, p.errors[i]);
  us.top_tw.set(now_, i + 1 == p.levels.size() ? 1.0 : 0.0);
  if (us.speedup == before) return;
  const double ratio = before / us.speedup;
  for (std::uint32_t j : us.in_service) {
    if (us.down) {  // frozen: `end` holds the remaining time
      jobs_.end(j) *= ratio;
      continue;
    }
    const double left = jobs_.end(j) - now_;
    if (left <= 0) continue;  // its service ends now
    jobs_.end(j) = now_ + left * ratio;
    jobs_.cancel_end(j);
    events_.push(jobs_.end(j), event_class::service_end, service_end_kind(jobs_.stamp(j)), j);
  }
}

}  // namespace eslabon::engine
