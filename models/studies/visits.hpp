#pragma once
// What each task and handoff of a flow asks of its unit, per order, without simulating: the
// moments of the work of a first visit and of a redo, how often each happens and the time a
// handoff spends in transit. The lead-time estimate (lead_time.hpp) builds on it; the rules are
// offered_load's (analytic.hpp), kept per task and per handoff, with the variances beside the
// means. README "Lead times without simulating" says what is left out.

#include <models/model/model.hpp>
#include <models/studies/routes.hpp>

#include <vector>

namespace eslabon {

// Mean and variance of an amount of work; `exponential` when it is one exponential draw.
struct Moments {
  double mean = 0, variance = 0;
  bool exponential = false;
  double second() const { return variance + mean * mean; }
};

struct TaskVisits {
  double skip = 0;  // probability the step is skipped (staff's error factor applied, capped at 1)
  Moments first;    // work of its visit: own service / speed, plus the fixes of what it receives
  Moments own;      // its own service / speed (a full redo after a lost handoff)
};

// A handoff along an edge with a link, per handoff made (1 attempt, nothing else, without a link).
struct HandoffVisits {
  double attempts = 1;    // expected attempts (1 / (1 - r), r = lost + (1 - lost) sent_back)
  double transit = 0;     // expected time in transit per attempt: the delay, or the timeout of a lost one
  double transit_second = 0;  // its second moment
  double full_redos = 0;  // expected redos of the supplier in full (lost attempts)
  double reworks = 0;     // expected reworks of the supplier (caught defects and false alarms, rework or scrap)
  Moments rework;         // the work of one rework (rework_service, else the task's own; / speed)
  bool faulty = false;    // r >= 1: the handoff never gets through
};

struct FlowVisits {
  double rate = 0;          // orders per time unit (a profile's long-run average; a base at its full size, or as given)
  double arrival_scv = 1;   // squared coefficient of variation of the interarrival times
  bool poisson = false;     // a Poisson stream of constant rate (no profile, no finite base)
  RouteShares shares;       // route_shares(flow)
  std::vector<TaskVisits> tasks;
  std::vector<HandoffVisits> edges;  // per edge of Flow::edges
};

// `rates`: per flow, its orders per time unit (analyse()'s, a finite base at its stationary mean);
// empty: as the offered load counts them with the base full.
std::vector<FlowVisits> flow_visits(const Model& m, const std::vector<double>& rates = {});

// The share of handoff attempts along a link whose receiver catches a defect (the staff's error
// factor of the supplying unit applied, capped at 1; defect types each with the detect that applies).
double caught_per_attempt(const Model& m, const Link& L, double errors);

}  // namespace eslabon
