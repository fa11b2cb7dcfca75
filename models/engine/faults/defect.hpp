#pragma once
// Fault kind `defect`: a handoff attempt is defective with probability `defect`. What the
// receiver catches, and what it does then (on_detect), is its inspection (links.hpp).

#include <models/engine/draws.hpp>
#include <models/engine/faults/outcome.hpp>
#include <models/model/model.hpp>

namespace eslabon::fault {

struct Defect {
  static bool on(const Link& L) { return L.defect > 0; }
  template <class StreamAt>
  static void draw(const Link& L, HandoffFaults& f, StreamAt&& at) {
    RandomStream rs = at(purpose::defect);
    f.defective = rs.uniform() < L.defect;
  }
};

}  // namespace eslabon::fault
