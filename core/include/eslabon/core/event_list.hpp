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
// Structure: a 4-ary implicit heap, backed by a ladder queue (event_ladder.hpp) once the
// pending set is large. The pending set of a value-chain model is usually small (a few
// events per busy server plus one per arrival stream), where an array heap is among the
// fastest structures and never allocates once grown. Times are never negative, so the bit
// pattern of the double orders like its value: (time bits, class << 56 | sequence) is one
// 128-bit unsigned key, and the min-of-four-children selection compiles to compares and
// conditional moves instead of unpredictable branches. But a heap costs a cache miss per
// level once it outgrows the caches (at 10^5 pending, 5x the time per event of 10^3;
// bench/README.md, "Event list against pending events"). So when the heap reaches
// kGrowAt events, its events move to the ladder, and from then on the heap holds only
// the events due before `limit_` (one ladder bucket, a few dozen events); later events go
// to the ladder, which hands the heap its next bucket when the heap runs empty. When an
// epoch of the ladder ends with at most kShrinkAt events left, they all return to the
// heap and limit_ is +inf again. Because the order is total and every ladder event is
// later than every heap event, the pop order is the same as with a heap alone.
//
// The "hold" fast path: most events schedule exactly one follow-up (an arrival the next
// arrival, a service end the next service). The run loop calls hold() instead of pop()
// after reading top(); the next push() then replaces the top in one sift-down, and
// release() pops it only if nothing was pushed. The pop order is the same as with
// pop() + push(), because the order is total.

#include <eslabon/core/event_ladder.hpp>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

#if defined(__GNUC__)
#define ESLABON_INLINE inline __attribute__((always_inline))
#define ESLABON_NOINLINE __attribute__((noinline))
#else
#define ESLABON_INLINE inline
#define ESLABON_NOINLINE
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
  // Heap sizes at which the ladder takes over and at which it gives back (measured in
  // bench/bench_event_list.cpp: below a few thousand events the heap is as fast or faster).
  static constexpr std::size_t kGrowAt = 4096;
  static constexpr std::size_t kShrinkAt = 1024;

  void clear() {
    heap_.clear();
    ladder_.clear();
    limit_ = kInf;
    grow_at_ = kGrowAt;
    seq_ = 0;
    held_ = false;
  }
  void reserve(std::size_t n) { heap_.reserve(std::min(n, kGrowAt)); }
  bool empty() const { return heap_.empty(); }  // the heap is empty only if the ladder is too
  std::size_t size() const { return heap_.size() + ladder_.size(); }
  std::size_t capacity() const { return heap_.capacity(); }
  const Event& top() const { return heap_.front(); }

  Event make(double time, std::uint8_t cls, std::uint32_t kind, std::uint32_t id) {
    return Event{time, (std::uint64_t{cls} << 56) | (seq_++), kind, id};
  }

  // Inlined into the handlers on purpose: the hold case is one sift-down and the common
  // push a short sift-up, and a call per event costs more than either (measured in bench/).
  ESLABON_INLINE void push(double time, std::uint8_t cls, std::uint32_t kind, std::uint32_t id) {
    time += 0.0;  // -0.0 becomes +0.0, whose bits order correctly
    const Event e = make(time, cls, kind, id);
    if (time < limit_) [[likely]] {
      if (held_) {
        held_ = false;
        sift_down(0, e);
        return;
      }
      heap_.push_back(e);
      sift_up(heap_.size() - 1);
      if (heap_.size() >= grow_at_) [[unlikely]]
        grow();
      return;
    }
    push_far(e);
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
    pop_heap();
    return e;
  }

  // Replace the top with a new event (the top must exist): pop + push in one sift-down.
  void replace_top(double time, std::uint8_t cls, std::uint32_t kind, std::uint32_t id) {
    held_ = true;
    push(time, cls, kind, id);
  }

 private:
  static constexpr std::size_t D = 4;
  static constexpr double kInf = std::numeric_limits<double>::infinity();

  void pop_heap() {
    Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty())
      sift_down(0, last);
    else if (!ladder_.empty()) [[unlikely]]
      refill();
  }

  // time >= limit_: into the ladder (or, with no ladder, a time of +inf into the heap).
  ESLABON_NOINLINE void push_far(const Event& e) {
    if (limit_ == kInf) {
      if (held_) {
        held_ = false;
        sift_down(0, e);
      } else {
        heap_.push_back(e);
        sift_up(heap_.size() - 1);
      }
      return;
    }
    ladder_.insert(e);
    if (held_) {
      held_ = false;
      pop_heap();
    }
  }

  // The heap has grown to grow_at_ events with no ladder: all of them go to the ladder,
  // which gives back its first bucket.
  ESLABON_NOINLINE void grow() {
    for (const Event& e : heap_) ladder_.insert(e);
    heap_.clear();
    refill();
  }

  // The heap is empty and the ladder is not: take its next bucket and heapify it.
  ESLABON_NOINLINE void refill() {
    limit_ = ladder_.refill(heap_, kShrinkAt);
    // Back to heap-only mode: grow again only when the heap doubles (at least kGrowAt), so
    // that a set of equal times the ladder cannot split is not moved back and forth.
    grow_at_ = limit_ == kInf ? std::max(kGrowAt, 2 * heap_.size()) : std::numeric_limits<std::size_t>::max();
    if (heap_.size() > 1)
      for (std::size_t i = (heap_.size() - 2) / D + 1; i-- > 0;) sift_down(i, heap_[i]);
  }

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

  void sift_down(std::size_t i, const Event e) {
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
  double limit_ = kInf;  // the heap holds every event with time < limit_, the ladder the rest
  std::size_t grow_at_ = kGrowAt;
  std::uint64_t seq_ = 0;
  bool held_ = false;
  EventLadder<Event> ladder_;
};

}  // namespace eslabon
