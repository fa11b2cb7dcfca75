#pragma once
// Fault kind `lost`: the handed-over request is lost with probability `lost`. The receiver
// notices `timeout` after the handoff and the supplier task is done again in full (a new
// attempt, with its own service, which can be lost again); the dispatcher does that
// (replication.cpp, handoff() and handoff_arrives()). A lost attempt reaches nobody, so
// whatever else it drew (a defect, a delay) goes with it.

#include <models/engine/draws.hpp>
#include <models/engine/faults/outcome.hpp>
#include <models/model/model.hpp>

namespace eslabon::fault {

struct Lost {
  static bool on(const Link& L) { return L.lost > 0; }
  template <class StreamAt>
  static void draw(const Link& L, HandoffFaults& f, StreamAt&& at, double /*errors*/) {
    RandomStream rs = at(purpose::lost);
    f.lost = rs.uniform() < L.lost;
  }
};

}  // namespace eslabon::fault
