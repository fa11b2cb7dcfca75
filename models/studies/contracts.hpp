#pragma once
// Do the internal promises add up to the external one? (README "Internal service contracts")
//
// A link's SLA covers its supplier task from its first queue entry to the accepted handoff, so
// along a path of tasks t0 -> t1 -> ... -> tk the SLAs of the links t(i) -> t(i+1) cover the
// order's time from its arrival to the moment tk is ready, one after the other; tk's own time,
// and any task whose handoff has no SLA, is counted by its mean work (and the handoff's mean
// delay): a lower bound, since it leaves out their waiting. The worst path of each flow is the
// one whose sum is longest; it fits the promise when that sum is at most the flow's `due`.

#include <models/model/model.hpp>

#include <string>
#include <vector>

namespace eslabon {

struct ContractPath {
  std::string flow;
  double due = 0;                  // the flow's promise (inf: none)
  std::vector<std::string> tasks;  // the worst path, source to sink
  std::vector<std::string> parts;  // what each step adds, e.g. "sla a->b 8", "c work 2.4"
  double total = 0;                // the sum of the parts
  bool lower_bound = false;        // some step counts only its mean work (no SLA covers it)
  // Lower bound on the chance that every contract on the path is met for an order (Bonferroni:
  // 1 - sum of (1 - share)); NaN when a link on the path has no target share.
  double all_met = 0;
  bool fits() const { return total <= due; }
};

// One entry per flow that has at least one handoff under an SLA.
std::vector<ContractPath> contract_paths(const Model& m);

}  // namespace eslabon
