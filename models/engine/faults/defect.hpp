#pragma once
// Fault kind `defect`: a handoff attempt is defective with probability `defect`. What the
// receiver catches, and what it does then (on_detect), is its inspection (links.hpp).
//
// With types (`defect: {minor: 0.03, major: 0.01}`) the same single uniform u decides: the
// attempt is defective when u < s, s the sum of the types' probabilities (scaled by the staff's
// error factor and capped at 1, as an untyped defect), and of the first type, least severe
// first, whose bound (its and the less severe types' probabilities, scaled in proportion to s)
// exceeds u. So a one-type map draws exactly what `defect: p` draws.

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
    const double u = rs.uniform();
    const double s = errors == 1 ? L.defect : std::min(1.0, L.defect * errors);
    f.defective = u < s;
    if (f.defective && !L.defect_types.empty()) [[unlikely]]
      f.defect_origin = type_of(L, u, errors == 1 ? 1.0 : s / L.defect);
  }

  // The origin of the type whose share of [0, s) holds u; `scale` is s / (the unscaled sum).
  static int type_of(const Link& L, double u, double scale) {
    int last = -1;
    for (const TypedDefect& d : L.defect_types) {
      if (d.p <= 0) continue;
      if (u < (scale == 1.0 ? d.upto : d.upto * scale)) return d.origin;
      last = d.origin;
    }
    return last;  // u at the very top of [0, s) after rounding: the most severe type there is
  }
};

}  // namespace eslabon::fault
