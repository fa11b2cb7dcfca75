#pragma once
// The engine's event kinds and their priority classes. Events at the same time run in
// class order, and in insertion order within a class (core/event_list.hpp):
//
// | class | kind        | why it comes first                                                   |
// |-------|-------------|-----------------------------------------------------------------------|
// | 0     | Repair      | a unit back from an outage resumes its work before anything else at t |
// | 1     | Shift       | a unit's scheduled servers change (README "Shifts and calendars")     |
// |       |             | before a service ends at t: a server whose shift ends at t takes no   |
// |       |             | new job, and under `preempt` the job ending at t is not preempted     |
// |       |             | (it ends at t; engine/shifts.cpp); a shift starting at t serves what  |
// |       |             | arrives at t                                                          |
// | 1     | Pressure-   | a unit's moving average of utilisation crosses a level of its         |
// |       | Change      | `pressure` (README "Pressure"): its new speed and error multipliers   |
// |       |             | hold for what happens at t (a crossing lands on another event's time  |
// |       |             | only by chance; engine/pressure.cpp)                                  |
// | 2     | ServiceEnd  | release before seize: a server freed at t serves the waiting line     |
// |       |             | (and routes the finished task on) before anything arriving at t       |
// |       |             | looks for a free server, so arrivals at t never jump the queue.       |
// | 2     | Handoff     | a delayed handoff reaches its receiver: an internal completion, too   |
// | 3     | Failure     | a unit fails after the work finishing at t has finished               |
// | 3     | Abandon     | a waiting job's patience ends, after a server freed at t took it      |
// | 4     | Arrival     | external orders enter after the internal state at t is settled.       |
// | 4     | Acquire     | a new customer joins a finite base (in insertion order with arrivals) |
//
// An event's `kind` word holds the kind in its low 8 bits; a ServiceEnd and an Abandon also
// carry the job's generation stamp in the upper 24 (a stale one is skipped: a service end
// cancelled by an outage, a preemption or a change of pressure level, an abandonment of a job
// that has left the line), and a PressureChange its unit's crossing count.

#include <cstdint>

namespace eslabon {

enum EventKind : std::uint32_t {
  ServiceEnd = 0,
  Arrival = 1,
  Handoff = 2,
  Failure = 3,
  Repair = 4,
  Acquire = 5,
  Abandon = 6,
  Shift = 7,
  PressureChange = 8
};

namespace event_class {
// Only the order of the classes matters (core/event_list.hpp): shift's class was put between
// repair and service_end by moving the others up by one, which keeps every other order.
inline constexpr std::uint8_t repair = 0, shift = 1, pressure = 1, service_end = 2, handoff = 2, failure = 3,
                              abandon = 3, arrival = 4, acquire = 4;
}  // namespace event_class

inline constexpr std::uint32_t service_end_kind(std::uint32_t stamp) { return ServiceEnd | (stamp << 8); }
inline constexpr std::uint32_t abandon_kind(std::uint32_t stamp) { return Abandon | (stamp << 8); }
inline constexpr std::uint32_t pressure_kind(std::uint32_t count) { return PressureChange | (count << 8); }

}  // namespace eslabon
