#pragma once
// Fault kind `defect`: a handoff attempt is defective with probability `defect`. What the
// receiver catches, and what it does then (on_detect), is its inspection (links.hpp).

#include <models/engine/draws.hpp>
#include <models/engine/faults/outcome.hpp>
#include <models/model/model.hpp>

#include <algorithm>

namespace eslabon::fault {

struct Defect {
  static bool on(const Link& L) { return L.defect > 0; }
  template <class StreamAt>
  static void draw(const Link& L, HandoffFaults& f, StreamAt&& at, double errors) {
    RandomStream rs = at(purpose::defect);
    f.defective = rs.uniform() < (errors == 1 ? L.defect : std::min(1.0, L.defect * errors));
  }
};

}  // namespace eslabon::fault
