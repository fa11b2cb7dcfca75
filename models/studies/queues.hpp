#pragma once
// Each unit as a queue, without simulating (README "Lead times without simulating"): its arrival
// and service variability, and the mean wait of a job in its line. M/M/c (Erlang C), exact, when
// the unit's arrivals are Poisson and all its work is exponential with one mean; otherwise Whitt's
// Queueing Network Analyzer (1983): the squared coefficients of variation of the arrivals at every
// unit from one linear system (splitting, merging, departures, rework fed back), and the
// Allen-Cunneen GI/G/c wait, (c_a^2 + c_s^2) / 2 times the M/M/c wait, plus the wait that
// interruptions (outages, closed shifts) add.

#include <models/model/model.hpp>
#include <models/studies/analytic.hpp>
#include <models/studies/visits.hpp>

#include <string>
#include <vector>

namespace eslabon {

struct UnitQueue {
  double arrival_rate = 0;  // jobs per time unit (check's offered load; more when the visits count more)
  double service_mean = 0;  // mean time a job is in service: its work / availability
  double availability = 1;  // outages: mtbf / (mtbf + mean mttr)
  int servers = 1;          // with shifts, the largest level
  double capacity_share = 1;  // shifts: the week's mean servers / servers
  double utilisation = 0;     // arrival_rate * service_mean / (servers * capacity_share)
  double arrival_scv = 1;  // c_a^2 (QNA's linear system)
  double service_scv = 1;  // c_s^2 of the work of the job mix
  double departure_scv = 1;      // c_s^2 as the units downstream see it: outages' variability added
  double interruption_wait = 0;  // part of `wait`: outages and closed shifts, with their backlog
  double wait = 0;               // mean wait in line per visit (infinite when utilisation >= 1)
  double wait_second = 0;        // E[wait^2]: in line, with Erlang C's probability, an exponential wait;
                                 // after an interruption, the fluid view's (README "The spread")
  bool exact = false;      // M/M/c: Poisson arrivals, exponential work of one mean, no outages or shifts
  const char* method() const { return !(arrival_rate > 0) ? "-" : exact ? "M/M/c" : "QNA"; }  // "-": no work
};

// `load`: each unit's offered load (analyse()'s units); empty: offered_load(m), a finite base full.
std::vector<UnitQueue> unit_queues(const Model& m, const std::vector<FlowVisits>& visits,
                                   const std::vector<UnitLoad>& load = {});

// Erlang's C formula: the probability that an arrival waits in an M/M/c queue with offered load a < c.
double erlang_c(int c, double a);

}  // namespace eslabon
