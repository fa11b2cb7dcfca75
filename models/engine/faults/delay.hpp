#pragma once
// Fault kind `delay`: the handoff takes a time drawn from `delay` to reach the receiver (a
// delay of exactly 0 is no delay: the loader leaves has_delay false).

#include <models/engine/draws.hpp>
#include <models/engine/faults/outcome.hpp>
#include <models/model/model.hpp>

namespace eslabon::fault {

struct Delay {
  static bool on(const Link& L) { return L.has_delay; }
  template <class StreamAt>
  static void draw(const Link& L, HandoffFaults& f, StreamAt&& at, double /*errors*/) {
    RandomStream rs = at(purpose::delay);
    f.delayed = true;
    f.delay = L.delay.sample(rs);
  }
};

}  // namespace eslabon::fault
