#pragma once
// Random-number addressing: every draw of a replication is addressed by what it is for, so
// that changing one part of a model reshuffles nothing else (common random numbers between
// scenarios) and a run is identical whatever the number of threads.
//
// An address is (purpose tag << 48 | index, a, b) on a Philox stream keyed by (seed,
// replication); see core/random.hpp. "order" is the order's arrival number within its
// flow; the index is the flow unless said.

#include <eslabon/core/random.hpp>

#include <cstdint>
#include <vector>

namespace eslabon {

namespace purpose {
inline constexpr std::uint16_t arrival = 1;    // one stream per flow, read in order
inline constexpr std::uint16_t service = 2;    // a = order; b = task << 32 | attempt
inline constexpr std::uint16_t defect = 3;     // a = order; b = edge << 32 | attempt
inline constexpr std::uint16_t detect = 4;     // a = order; b = edge << 32 | attempt (one draw per carried defect)
inline constexpr std::uint16_t delay = 5;      // a = order; b = edge << 32 | attempt
inline constexpr std::uint16_t skip = 6;       // a = order; b = task (skip, then skip_defect)
inline constexpr std::uint16_t fix = 7;        // a = order; b = edge << 32 | attempt
inline constexpr std::uint16_t visible = 8;    // a = order (one draw per carried defect)
inline constexpr std::uint16_t complaint = 9;  // a = order (complain, resolve, churn)
inline constexpr std::uint16_t complaint_service = 10;  // a = order
inline constexpr std::uint16_t outage = 11;    // index = unit; one stream per unit (time to failure, repair)
inline constexpr std::uint16_t thinning = 12;  // one stream per flow with a finite customer base
}  // namespace purpose

class Draws {
 public:
  Draws(std::uint64_t seed, std::uint64_t replication, std::size_t flows, std::size_t units) : rng_(seed, replication) {
    // One stream per flow, read in order: interarrival times depend only on the flow's own
    // arrival process (so they stay common between scenarios), and a Philox block serves
    // four arrivals instead of one.
    for (std::uint32_t f = 0; f < flows; ++f) {
      arrival_.push_back(rng_.stream(make_purpose(purpose::arrival, f), 0));
      thinning_.push_back(rng_.stream(make_purpose(purpose::thinning, f), 0));
    }
    for (std::uint32_t u = 0; u < units; ++u) outage_.push_back(rng_.stream(make_purpose(purpose::outage, u), 0));
  }

  // The draws of one order for one purpose: `b` says which (task, edge, attempt).
  RandomStream order(std::uint16_t tag, std::uint32_t flow, std::uint64_t number, std::uint64_t b = 0) const {
    return rng_.stream(make_purpose(tag, flow), number, b);
  }
  static std::uint64_t attempt_of(std::uint32_t item, std::uint32_t attempt) {
    return (static_cast<std::uint64_t>(item) << 32) | attempt;
  }

  RandomStream& arrival(std::uint32_t flow) { return arrival_[flow]; }
  RandomStream& thinning(std::uint32_t flow) { return thinning_[flow]; }
  RandomStream& outage(std::uint32_t unit) { return outage_[unit]; }

 private:
  RandomSource rng_;
  std::vector<RandomStream> arrival_, thinning_, outage_;
};

}  // namespace eslabon
