#pragma once
// Defect types with severities (README "Weak links", "Defect types"): the kinds of defect a
// model declares once (top-level `defect_types`, least severe first), and a link's defect
// probability split over them (`defect: {minor: 0.03, major: 0.01}`). Each (link, type) is its
// own origin FROM->TO:TYPE, so the ledger, the links table and `rank` see each type apart.

#include <limits>
#include <string>
#include <vector>

namespace eslabon {

struct DefectType {
  std::string name;
  // What the external customer does with a noticed defect of this type; the loader fills
  // what the config leaves out with the complaints section's values.
  double visible = 1, complain = 0, churn_if_resolved = 0, churn_if_unresolved = 0, churn_if_silent = 0;
  double detect = std::numeric_limits<double>::quiet_NaN();  // NaN: the receiving link's own detect
  double cost = 0;  // per defect of this type the customer notices (external failure)
};

// One type of a link's `defect` map, in severity order (the order of Model::defect_types).
struct TypedDefect {
  int type = 0;     // index into Model::defect_types
  double p = 0;     // probability that an attempt is defective with this type
  double upto = 0;  // p of this type and of every less severe one of the link (the draw's bound)
  int origin = -1;  // its origin, FROM->TO:TYPE
};

}  // namespace eslabon
