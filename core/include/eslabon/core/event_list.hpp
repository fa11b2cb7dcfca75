#pragma once
// The future event list.
//
// Order of events (the one written rule for simultaneous events):
//
//     (time, priority class, insertion sequence)
//
// * time: earlier first.
// * priority class: a small integer (0..255) chosen by the model; lower first. Models name
//   their classes and say why each precedes the next (see models/simulator.hpp for the
//   table eslabon's value-chain model uses: "release before seize").
// * insertion sequence: a 64-bit counter per event list, so that events with equal time
//   and class come out first-in first-out. Never a random tie-break, so a run is the same
//   on every platform and whatever the event list's internal layout.
//
// Why a 4-ary implicit heap: the pending set of a value-chain model is small (a few
// events per busy server plus one per arrival stream, typically < 10^3), where an array
// heap with the four children of a node on one cache line is the fastest structure
// measured on this machine (shared/reference/des-performance.md, section 3) and never
// allocates once it has grown to its steady-state size. The entry packs (class, sequence)
// into one 64-bit word so that the comparison is two compares and no branch on the class.
// `replace_top` is the "hold" fast path: one sift-down instead of pop + push.

#include <cstdint>
#include <vector>

namespace eslabon {

struct Event {
  double time;
  std::uint64_t order;   // class << 56 | sequence
  std::uint32_t kind;    // what happens (meaning chosen by the model)
  std::uint32_t id;      // which entity it happens to (index into a pool)

  std::uint8_t priority_class() const { return static_cast<std::uint8_t>(order >> 56); }
  std::uint64_t sequence() const { return order & ((std::uint64_t{1} << 56) - 1); }
};

inline bool before(const Event& a, const Event& b) {
  return a.time < b.time || (a.time == b.time && a.order < b.order);
}

class EventList {
 public:
  void clear() {
    heap_.clear();
    seq_ = 0;
  }
  void reserve(std::size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::size_t capacity() const { return heap_.capacity(); }
  const Event& top() const { return heap_.front(); }

  Event make(double time, std::uint8_t cls, std::uint32_t kind, std::uint32_t id) {
    return Event{time, (std::uint64_t{cls} << 56) | (seq_++), kind, id};
  }

  void push(double time, std::uint8_t cls, std::uint32_t kind, std::uint32_t id) {
    heap_.push_back(make(time, cls, kind, id));
    sift_up(heap_.size() - 1);
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
    sift_down(0, make(time, cls, kind, id));
  }

 private:
  static constexpr std::size_t D = 4;

  void sift_up(std::size_t i) {
    Event e = heap_[i];
    while (i > 0) {
      std::size_t p = (i - 1) / D;
      if (!before(e, heap_[p])) break;
      heap_[i] = heap_[p];
      i = p;
    }
    heap_[i] = e;
  }

  void sift_down(std::size_t i, const Event& e) {
    const std::size_t n = heap_.size();
    for (;;) {
      std::size_t c = D * i + 1;
      if (c >= n) break;
      std::size_t best = c;
      std::size_t end = c + D < n ? c + D : n;
      for (std::size_t k = c + 1; k < end; ++k)
        if (before(heap_[k], heap_[best])) best = k;
      if (!before(heap_[best], e)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  std::uint64_t seq_ = 0;
};

}  // namespace eslabon
