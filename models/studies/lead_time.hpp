#pragma once
// Lead times per flow without simulating (README "Lead times without simulating"). Each task
// takes its unit's mean wait in line (queues.hpp) plus its work, stretched by outages, times the
// share of orders that do not skip it; each handoff with a link takes its expected attempts'
// transit (delay, or timeout when lost) and its expected redos of the supplier, each a wait at the
// supplier's unit plus the redo's work. Along a realised route the times add; a join takes the
// longest of its branches (the longest path of means, a lower bound on the mean of the maximum);
// routes are weighted by their probabilities. The critical path is the path of the task graph
// with the largest sum.

#include <models/model/model.hpp>
#include <models/studies/queues.hpp>

#include <string>
#include <vector>

namespace eslabon {

// What a task adds to an order's lead time, given the order's route reaches it.
struct TaskTime {
  double wait = 0;     // (1 - skip) x its unit's wait
  double service = 0;  // (1 - skip) x its work (with fixes) / availability
  double total() const { return wait + service; }
};

// What a handoff adds, given the order's route takes it (0 without a link).
struct HandoffTime {
  double transit = 0;  // attempts x transit per attempt
  double redo = 0;     // redos x (the supplier unit's wait + the redo's work / availability)
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

LeadTimes lead_times(const Model& m);

}  // namespace eslabon
