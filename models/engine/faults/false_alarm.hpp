#pragma once
// Fault kind `false_alarm`: the receiver's inspection raises an alarm with probability
// `false_alarm` on an attempt in which it catches nothing, and sends the handoff back as it
// would a caught defect (on_detect), the link's own origin owning the redo. Drawn with the
// attempt (so the link's active window applies); acted on at receipt (replication.cpp,
// receive()), where it is known whether anything was caught.

#include <models/engine/draws.hpp>
#include <models/engine/faults/outcome.hpp>
#include <models/model/model.hpp>

namespace eslabon::fault {

struct FalseAlarm {
  static bool on(const Link& L) { return L.false_alarm > 0; }
  template <class StreamAt>
  static void draw(const Link& L, HandoffFaults& f, StreamAt&& at, double /*errors*/) {
    RandomStream rs = at(purpose::false_alarm);
    f.false_alarm = rs.uniform() < L.false_alarm;
  }
};

}  // namespace eslabon::fault
