#pragma once
// What can be said about a model without simulating it (README "Before you simulate: check"):
// the traffic equations of every flow (traffic.hpp: visits, rework fed back by every inspection
// of the defects an order carries, skips, fixes, lost handoffs, false alarms, routing), the
// complaint loop (customers.hpp: complaints are work at complaints.unit; a finite customer base
// at its stationary mean), and each unit's arrival rate and offered load (utilisation = work
// arriving per time unit / scheduled servers / availability), which tells whether the model is
// stable at all.

#include <models/model/model.hpp>
#include <models/studies/customers.hpp>
#include <models/studies/traffic.hpp>

#include <limits>
#include <string>
#include <vector>

namespace eslabon {

struct UnitLoad {
  double arrival_rate = 0;  // jobs per time unit (task services, redos, complaints)
  double work_rate = 0;     // expected service time arriving per time unit
  double utilisation = 0;   // work_rate / servers / availability
  double servers = 0;       // scheduled servers (with shifts: the average over a week)
  double availability = 1;  // mtbf / (mtbf + E[mttr]) with outages
};

struct AnalyticOptions {
  // Per unit, or empty (all the staff's factors, README "People"): multipliers of a unit's error
  // probabilities (the defect probability of the links its tasks supply and the skip probability
  // of its tasks, capped at 1) and of its speed, as pressure levels set them (studies/pressure.hpp).
  std::vector<double> errors, speed;
  // Per flow, or empty (0 for every flow, as for a flow beyond its end): the share of its deliveries later than `due`,
  // P(lead time > due), which dissatisfies customers when late_dissatisfies. check_model (check.hpp)
  // settles them with the lead-time estimates; a caller with its own (a simulation's) passes them here.
  std::vector<double> late;
};

struct FlowLoad {
  double arrival_rate = 0;  // orders per time unit
  double customer_base = std::numeric_limits<double>::quiet_NaN();  // the finite base's mean (NaN: none)
  bool base_steady = true;  // false: churn without acquisition, the base only shrinks (rate: the full base's)
  double late = 0;          // the late share used
  double delivered = 1;     // share of orders delivered (below 1 only with a handoff reworked without end)
  double reworks = 0;       // redos per order (rework, scrap, lost handoffs)
  CustomerFigures customers;
  FlowTraffic traffic;
};

struct LinkLoad {  // per time unit, over the flows whose handoffs it covers
  double handoffs = 0, defects = 0, lost = 0, caught = 0, false_alarms = 0;
};

struct Analysis {
  std::vector<UnitLoad> units;
  std::vector<FlowLoad> flows;
  std::vector<LinkLoad> links;
  double complaint_rate = 0;       // complaints per time unit (work at complaints.unit)
  std::vector<std::string> notes;  // what is approximate for this model, one sentence each
};

Analysis analyse(const Model& model, const AnalyticOptions& options = {});

// The units' loads alone (analyse(...).units), the complaint desk included, with no late deliveries
// (check_model's units settle them: the CLI and Python show those).
std::vector<UnitLoad> offered_load(const Model& model, const std::vector<double>& errors = {},
                                   const std::vector<double>& speed = {});

// The fewest servers that bring the unit's utilisation below 1 (`strict`), or to at most `target`;
// -1 when its work is not finite.
int servers_needed(const UnitLoad& load, double target, bool strict);

}  // namespace eslabon
