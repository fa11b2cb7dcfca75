#pragma once
// Lead times per flow without simulating (README "Lead times without simulating"). Each task
// takes its unit's mean wait in line (queues.hpp) plus its work, stretched by outages, times the
// share of orders that do not skip it; each handoff with a link takes its expected attempts'
// transit (delay, or timeout when lost) and its expected redos of the supplier, each a wait at the
// supplier's unit plus the redo's work. Along a realised route the times add; a join takes the
// longest of its branches (the longest path of means, a lower bound on the mean of the maximum);
// routes are weighted by their probabilities. The critical path is the path of the task graph
// with the largest sum.
//
// The spread: each task's and handoff's time has a variance (a wait is zero or, with its
// probability, exponential; the work's own variance; a geometric number of attempts and redos),
// the variances add along the path a route's longest path of means takes, and the routes mix. The
// share of late deliveries is a gamma law's with that mean and variance, P(lead time > due).

#include <models/model/model.hpp>
#include <models/studies/analytic.hpp>
#include <models/studies/queues.hpp>

#include <string>
#include <vector>

namespace eslabon {

// What a task adds to an order's lead time, given the order's route reaches it.
struct TaskTime {
  double wait = 0;     // (1 - skip) x its unit's wait
  double service = 0;  // (1 - skip) x its work (with fixes) / availability
  double variance = 0; // of the time it adds
  double total() const { return wait + service; }
};

// What a handoff adds, given the order's route takes it (0 without a link).
struct HandoffTime {
  double transit = 0;  // attempts x transit per attempt
  double redo = 0;     // redos x (the supplier unit's wait + the redo's work / availability)
  double variance = 0; // of the time it adds
  double total() const { return transit + redo; }
};

struct PathStep {
  std::string name;  // a task, or FROM->TO for a handoff
  bool handoff = false;
  std::string unit;  // a task's unit ("" for a handoff)
  double time = 0;
  double share = 0;  // time / the path's total
};

struct FlowLeadTime {
  std::string flow;
  double estimate = 0;  // expected lead time (inf: a unit on its routes cannot keep up)
  double due = 0;
  double sd = 0;        // standard deviation of the lead time (inf with the estimate)
  double late = 0;      // P(lead time > due): a gamma law of that mean and sd (0 without a due)
  bool exact = false;   // Jackson: every unit it visits is M/M/c, no join and no fix work
  std::string method() const { return exact ? "M/M/c" : "QNA"; }
  std::vector<std::string> notes;  // what is approximate for this flow
  std::vector<TaskTime> tasks;     // per task of the flow
  std::vector<HandoffTime> edges;  // per edge of Flow::edges
  std::vector<PathStep> critical_path;
  double critical_time = 0;   // the sum of its steps
  double critical_share = 0;  // share of orders whose route takes the whole critical path
  bool routes_exact = true;   // false beyond kMaxRoutes routes: joins then average their branches
};

struct LeadTimes {
  std::vector<UnitQueue> units;
  std::vector<FlowLeadTime> flows;
};

// `settled`: the model's analysis (analytic.hpp), whose flow rates (a finite base at its stationary
// mean) and unit loads (the complaint desk's work) the queues take; null: analyse(m) with no late
// deliveries. check_model (check.hpp) settles the late shares and the analysis together.
LeadTimes lead_times(const Model& m, const Analysis* settled = nullptr);

// P(X > due) for X of a gamma law with this mean and standard deviation (a step at the mean when
// sd is 0; 1 when the mean is not finite; 0 when due is not).
double late_share(double mean, double sd, double due);

}  // namespace eslabon
