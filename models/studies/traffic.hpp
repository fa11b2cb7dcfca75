#pragma once
// The traffic equations of one flow (README "Before you simulate: check"): where an order goes and
// what it carries, per order, without simulating. An order is followed as a Markov chain whose
// states are (step of the flow, the undetected defects it carries per defect class, whether a
// contact offended its customer); the expected number of visits x to each state solves
// (I - P^T) x = a, a the start (Eigen's sparse LU). From x: each task's services, redos and work
// per order, each handoff's attempts and faults, and what the order carries at delivery.

#include <models/model/model.hpp>

#include <cstddef>
#include <vector>

namespace eslabon {

struct TaskTraffic {  // per order of the flow
  double reached = 0;     // the step is due (not routed away)
  double served = 0;      // first services (not skipped)
  double redos = 0;       // rework and scrap redos (a caught defect, a false alarm)
  double full_redos = 0;  // redos after a lost handoff (the task's own service)
  double work = 0;        // time of work at its unit: services / speed, redos, fix work done here
};

struct EdgeTraffic {  // per order of the flow
  double attempts = 0, lost = 0, defects = 0, caught = 0, false_alarms = 0;
};

// What an order carries at delivery, with its probability: undetected defects per class and
// whether a contact offended the customer (README "People").
struct Delivered {
  std::vector<int> carried;  // per class of FlowTraffic::class_type
  bool offended = false;
  double p = 0;
};

struct FlowTraffic {
  std::vector<TaskTraffic> tasks;  // per task of the flow
  std::vector<EdgeTraffic> edges;  // per edge of Flow::edges
  std::vector<int> class_type;     // per defect class: -1 untyped, else an index of Model::defect_types
  std::vector<Delivered> delivered;
  // A flow with forks (a task that hands over to several successors at once, or several
  // sources) is followed as if its handoffs came one after the other in topological order
  // (then a receiver inspects the defects of parallel branches made before it in that order),
  // with routed tasks reached by their route shares as if independently: `sequential`.
  bool sequential = false;
  bool routes_exact = true;  // route_shares was exact (sequential flows only use it)
  int max_carried = 0;       // defects carried beyond this many are not followed (a bound, README)
  std::size_t states = 0;    // size of the linear system
};

// `errors`, `speed`: per unit (offered_load's meaning: the staff's factors by default).
FlowTraffic flow_traffic(const Model& m, const Flow& f, const std::vector<double>& errors,
                         const std::vector<double>& speed);

}  // namespace eslabon
