#pragma once
// What the faults of one handoff attempt came to: one field per outcome the dispatcher acts
// on (replication.cpp, handoff()). Each fault kind's header (beside this one) sets its own.

namespace eslabon {

struct HandoffFaults {
  bool defective = false;  // defect: the order carries one more defect of this link
  bool delayed = false;    // delay: the handoff reaches the receiver `delay` later
  double delay = 0;
  bool lost = false;         // lost: it never arrives; noticed the link's timeout later
  bool false_alarm = false;  // false_alarm: sent back at receipt if nothing is caught there
  int defect_origin = -1;    // defect of a type: its origin FROM->TO:TYPE (-1: untyped, the link's own)
};

}  // namespace eslabon
