#pragma once
// The future event list.
//
// Order of events (the one written rule for simultaneous events):
//
//     (time, priority class, insertion sequence)
//
// * time: earlier first.
// * priority class: a small integer (0..255) chosen by the model; lower first. Models name
//   their classes and say why each precedes the next (see models/engine/simulate.hpp for the
//   table eslabon's value-chain model uses: "release before seize").
// * insertion sequence: a 64-bit counter per event list, so that events with equal time
//   and class come out first-in first-out. Never a random tie-break, so a run is the same
//   on every platform and whatever the event list's internal layout.
//
// Why a 4-ary implicit heap: the pending set of a value-chain model is small (a few
// events per busy server plus one per arrival stream, typically < 10^3), where an array
// heap is among the fastest structures (in a study on this machine at ~240 pending events,
// hand-written 4-ary heaps ran 10-13 M events/s and a ladder queue, far more code, 14-15 M;
// bench/README.md, "Comparison with the targets") and never allocates once it has grown to
// its steady-state size. Times are never negative, so the bit pattern of the double orders
// like its value: (time bits, class << 56 | sequence) is one 128-bit unsigned key, and
// the min-of-four-children selection compiles to compares and conditional moves instead
// of unpredictable branches (entries are 24 bytes, so a node's children span two cache
// lines).
//
// The "hold" fast path: most events schedule exactly one follow-up (an arrival the next
// arrival, a service end the next service). The run loop calls hold() instead of pop()
// after reading top(); the next push() then replaces the top in one sift-down, and
// release() pops it only if nothing was pushed. The pop order is the same as with
// pop() + push(), because the order is total.

#include <bit>
#include <cstdint>
#include <vector>

#if defined(__GNUC__)
#define ESLABON_INLINE inline __attribute__((always_inline))
#else
#define ESLABON_INLINE inline
#endif

namespace eslabon {

struct Event {
  double time;
  std::uint64_t order;  // class << 56 | sequence
  std::uint32_t kind;   // what happens (meaning chosen by the model)
  std::uint32_t id;     // which entity it happens to (index into a pool)

  std::uint8_t priority_class() const { return static_cast<std::uint8_t>(order >> 56); }
  std::uint64_t sequence() const { return order & ((std::uint64_t{1} << 56) - 1); }
};

using EventKey = unsigned __int128;

// Times are >= 0 (and +0.0, never -0.0), so their bits order like their values.
inline EventKey key_of(const Event& e) {
  return (static_cast<EventKey>(std::bit_cast<std::uint64_t>(e.time)) << 64) | e.order;
}

inline bool before(const Event& a, const Event& b) { return key_of(a) < key_of(b); }

class EventList {
 public:
  void clear() {
    heap_.clear();
    seq_ = 0;
    held_ = false;
  }
  void reserve(std::size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::size_t capacity() const { return heap_.capacity(); }
  const Event& top() const { return heap_.front(); }

  Event make(double time, std::uint8_t cls, std::uint32_t kind, std::uint32_t id) {
    return Event{time, (std::uint64_t{cls} << 56) | (seq_++), kind, id};
  }

  // Inlined into the handlers on purpose: the hold case is one sift-down and the common
  // push a short sift-up, and a call per event costs more than either (measured in bench/).
  ESLABON_INLINE void push(double time, std::uint8_t cls, std::uint32_t kind, std::uint32_t id) {
    time += 0.0;  // -0.0 becomes +0.0, whose bits order correctly
    if (held_) {
      held_ = false;
      sift_down(0, make(time, cls, kind, id));
      return;
    }
    heap_.push_back(make(time, cls, kind, id));
    sift_up(heap_.size() - 1);
  }

  // The top has been handled: the next push() may take its place (see the header).
  void hold() { held_ = true; }
  // Ends a hold(): pops the top if no push() replaced it.
  void release() {
    if (held_) {
      held_ = false;
      pop();
    }
  }

  Event pop() {
    Event e = heap_.front();
    Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0, last);
    return e;
  }

  // Replace the top with a new event (the top must exist): pop + push in one sift-down.
  void replace_top(double time, std::uint8_t cls, std::uint32_t kind, std::uint32_t id) {
    sift_down(0, make(time + 0.0, cls, kind, id));
  }

 private:
  static constexpr std::size_t D = 4;

  void sift_up(std::size_t i) {
    Event e = heap_[i];
    const EventKey ke = key_of(e);
    while (i > 0) {
      std::size_t p = (i - 1) / D;
      if (!(ke < key_of(heap_[p]))) break;
      heap_[i] = heap_[p];
      i = p;
    }
    heap_[i] = e;
  }

  void sift_down(std::size_t i, const Event& e) {
    const std::size_t n = heap_.size();
    const EventKey ke = key_of(e);
    for (;;) {
      std::size_t c = D * i + 1;
      if (c >= n) break;
      std::size_t best = c;
      EventKey kb = key_of(heap_[c]);
      if (c + D <= n) {  // all four children exist: branch-free selection
        EventKey k1 = key_of(heap_[c + 1]), k2 = key_of(heap_[c + 2]), k3 = key_of(heap_[c + 3]);
        std::size_t b01 = k1 < kb ? c + 1 : c;
        EventKey m01 = k1 < kb ? k1 : kb;
        std::size_t b23 = k3 < k2 ? c + 3 : c + 2;
        EventKey m23 = k3 < k2 ? k3 : k2;
        best = m23 < m01 ? b23 : b01;
        kb = m23 < m01 ? m23 : m01;
      } else {
        for (std::size_t k = c + 1; k < n; ++k) {
          EventKey kk = key_of(heap_[k]);
          if (kk < kb) {
            kb = kk;
            best = k;
          }
        }
      }
      if (!(kb < ke)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  std::uint64_t seq_ = 0;
  bool held_ = false;
};

}  // namespace eslabon
