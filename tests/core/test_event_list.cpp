// The future event list: its order rule and its fast paths, against std::priority_queue.
#include <eslabon/core/event_list.hpp>
#include <eslabon/core/random.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <set>
#include <vector>

using namespace eslabon;

TEST(EventList, OrdersByTimeThenClassThenInsertion) {
  EventList ev;
  ev.push(2.0, 1, 0, 10);
  ev.push(1.0, 1, 0, 11);
  ev.push(1.0, 0, 0, 12);  // same time, lower class: first
  ev.push(1.0, 1, 0, 13);  // same time and class as 11: after it (FIFO)
  ev.push(0.5, 7, 0, 14);
  std::vector<std::uint32_t> ids;
  while (!ev.empty()) ids.push_back(ev.pop().id);
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{14, 12, 11, 13, 10}));
}

TEST(EventList, MatchesReferenceOrderOnManyTies) {
  // Against std::priority_queue on (time, class, sequence), with many exact ties.
  struct Ref {
    double t;
    int cls;
    std::uint64_t seq;
    std::uint32_t id;
    bool operator>(const Ref& o) const {
      if (t != o.t) return t > o.t;
      if (cls != o.cls) return cls > o.cls;
      return seq > o.seq;
    }
  };
  std::priority_queue<Ref, std::vector<Ref>, std::greater<Ref>> ref;
  EventList ev;
  RandomSource rs(1, 0);
  RandomStream s = rs.stream(1, 0);
  std::uint64_t seq = 0;
  std::uint32_t id = 0;
  double now = 0;
  for (int i = 0; i < 20000; ++i) {
    // Mostly pushes early on, then a hold model: pop one, push one or two.
    int pushes = i < 2000 ? 1 : static_cast<int>(s.uniform() * 2.5);
    for (int k = 0; k < pushes; ++k) {
      double t = now + std::floor(s.uniform() * 8);  // integer times: many ties
      int cls = static_cast<int>(s.uniform() * 3);
      ev.push(t, static_cast<std::uint8_t>(cls), 0, id);
      ref.push(Ref{t, cls, seq++, id});
      ++id;
    }
    if (i >= 2000 && !ev.empty()) {
      Event e = ev.pop();
      Ref r = ref.top();
      ref.pop();
      ASSERT_EQ(e.id, r.id);
      ASSERT_EQ(e.time, r.t);
      now = e.time;
    }
  }
  while (!ev.empty()) {
    ASSERT_EQ(ev.pop().id, ref.top().id);
    ref.pop();
  }
}

TEST(EventList, ReplaceTopIsPopThenPush) {
  EventList a, b;
  for (int i = 0; i < 50; ++i) {
    a.push(i * 0.37 - std::floor(i * 0.37), 0, 0, static_cast<std::uint32_t>(i));
    b.push(i * 0.37 - std::floor(i * 0.37), 0, 0, static_cast<std::uint32_t>(i));
  }
  a.replace_top(0.5, 0, 0, 999);
  b.pop();
  b.push(0.5, 0, 0, 999);
  while (!a.empty()) ASSERT_EQ(a.pop().id, b.pop().id);
}

TEST(EventList, HoldAndReleaseMatchPopThenPush) {
  // The run loop's fast path: hold() the top, push follow-ups, release().
  EventList a, b;
  RandomSource rs(3, 0);
  RandomStream s = rs.stream(2, 0);
  for (int i = 0; i < 200; ++i) {
    double t = std::floor(s.uniform() * 50);
    a.push(t, static_cast<std::uint8_t>(i % 2), 0, static_cast<std::uint32_t>(i));
    b.push(t, static_cast<std::uint8_t>(i % 2), 0, static_cast<std::uint32_t>(i));
  }
  std::uint32_t id = 1000;
  while (!a.empty()) {
    ASSERT_FALSE(b.empty());
    Event ea = a.top();
    Event eb = b.pop();
    ASSERT_EQ(ea.id, eb.id);
    a.hold();
    int pushes = id < 3000 ? static_cast<int>(s.uniform() * 3) : 0;  // 0, 1 or 2 follow-ups
    for (int k = 0; k < pushes; ++k) {
      double t = ea.time + std::floor(s.uniform() * 4);
      a.push(t, 0, 0, id);
      b.push(t, 0, 0, id);
      ++id;
    }
    a.release();
    ASSERT_EQ(a.size(), b.size());
  }
}

// ---------------------------------------------------------------------------------------
// Differential tests against a sorted reference, across the heap/ladder thresholds.

namespace {

struct RefEvent {
  double t;
  std::uint64_t order;  // class << 56 | sequence, as the event list numbers its pushes
  std::uint32_t id;
  bool operator<(const RefEvent& o) const {
    if (t != o.t) return t < o.t;
    return order < o.order;
  }
};

// The event list and a std::set driven by the same operations; every pop is compared.
struct Twin {
  EventList ev;
  std::set<RefEvent> ref;
  std::uint64_t seq = 0;
  std::uint32_t id = 0;
  double now = 0;

  void push(double t, std::uint8_t cls) {
    ev.push(t, cls, id % 7, id);
    ref.insert(RefEvent{t + 0.0, (std::uint64_t{cls} << 56) | seq++, id});
    ++id;
  }
  void check_pop(const Event& e) {
    ASSERT_FALSE(ref.empty());
    const RefEvent r = *ref.begin();
    ref.erase(ref.begin());
    ASSERT_EQ(e.id, r.id);
    ASSERT_EQ(e.time, r.t);
    ASSERT_EQ(e.order, r.order);
    ASSERT_EQ(e.kind, r.id % 7);
    now = e.time;
  }
  void pop() {
    ASSERT_FALSE(ev.empty());
    check_pop(ev.pop());
  }
  void clear() {
    ev.clear();
    ref.clear();
    seq = 0;
  }
};

// Times: ties (integer grid), exponential and uniform increments, rare far outliers and,
// when allowed, +inf (a "never" event) and times before now.
double draw_time(RandomStream& s, double now, int shape, bool wild) {
  const double u = s.uniform();
  if (wild && u < 0.002) return std::numeric_limits<double>::infinity();
  if (wild && u < 0.01) return now * s.uniform();  // in the past: allowed, goes first
  if (u < 0.02) return now + 1e6 * s.uniform();
  switch (shape) {
    case 0:
      return now + std::floor(s.uniform() * 8);
    case 1:
      return now - std::log(s.uniform());
    case 2:
      return now + 1e-9 * std::floor(s.uniform() * 4);  // very dense: many events per bucket
    default:
      return now + 2 * s.uniform();
  }
}

void run_phases(std::uint64_t seed, int shape, bool wild) {
  Twin w;
  RandomSource rs(seed, 0);
  RandomStream s = rs.stream(4, static_cast<std::uint64_t>(shape));
  // Grow past EventList::kGrowAt, hold there, drain below kShrinkAt, grow again, drain to 0.
  const std::size_t big = 6 * EventList::kGrowAt;
  const std::size_t targets[] = {big, big, 50, 3 * EventList::kGrowAt, 0, big, 0};
  for (std::size_t target : targets) {
    for (int step = 0; step < 40000; ++step) {
      const std::size_t n = w.ev.size();
      ASSERT_EQ(n, w.ref.size());
      if (target == 0 && n == 0) break;
      const double u = s.uniform();
      const auto cls = static_cast<std::uint8_t>(s.uniform() * (u < 0.5 ? 3 : 256));
      if (n < target && u < 0.3) {
        w.push(draw_time(s, w.now, shape, wild), cls);
      } else if (n > target && u < 0.3) {
        w.pop();
      } else if (n > 0 && u < 0.95) {
        // The run loop: top, hold, 0..3 follow-ups (1 most often), release.
        const Event e = w.ev.top();
        w.ev.hold();
        w.check_pop(e);
        const int k = u < 0.85 ? 1 : static_cast<int>(s.uniform() * 4);
        for (int i = 0; i < k; ++i) w.push(draw_time(s, w.now, shape, wild), cls);
        w.ev.release();
      } else if (n > 0) {
        const Event e = w.ev.top();
        const double t = draw_time(s, w.now, shape, wild);
        w.ev.replace_top(t, cls, w.id % 7, w.id);
        w.check_pop(e);
        w.ref.insert(RefEvent{t, (std::uint64_t{cls} << 56) | w.seq++, w.id});
        ++w.id;
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  while (!w.ev.empty()) {
    w.pop();
    if (::testing::Test::HasFatalFailure()) return;
  }
  ASSERT_TRUE(w.ref.empty());
  // clear() in the middle of a large set: the next use starts afresh.
  for (int i = 0; i < 3 * static_cast<int>(EventList::kGrowAt); ++i) w.push(draw_time(s, w.now, shape, wild), 1);
  for (int i = 0; i < 100; ++i) w.pop();
  w.clear();
  ASSERT_TRUE(w.ev.empty());
  ASSERT_EQ(w.ev.size(), 0u);
  w.now = 0;
  for (int i = 0; i < 2 * static_cast<int>(EventList::kGrowAt); ++i) w.push(draw_time(s, w.now, shape, false), 2);
  while (!w.ev.empty()) {
    w.pop();
    if (::testing::Test::HasFatalFailure()) return;
  }
}

}  // namespace

TEST(EventList, MatchesSortedReferenceAcrossThresholdsWithTies) { run_phases(11, 0, false); }
TEST(EventList, MatchesSortedReferenceAcrossThresholdsExponential) { run_phases(12, 1, false); }
TEST(EventList, MatchesSortedReferenceAcrossThresholdsDense) { run_phases(13, 2, false); }
TEST(EventList, MatchesSortedReferenceWithInfinitePastAndFarTimes) {
  run_phases(14, 1, true);
  run_phases(15, 3, true);
}

TEST(EventList, EqualTimesBeyondTheThresholdComeOutByClassThenSequence) {
  // Thousands of events at one time: the ladder cannot split them, the heap orders them.
  Twin w;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 3 * static_cast<int>(EventList::kGrowAt); ++i)
      w.push(5.0 + round, static_cast<std::uint8_t>((i * 37) % 256));
    for (int i = 0; i < static_cast<int>(EventList::kGrowAt); ++i) w.pop();
  }
  while (!w.ev.empty()) {
    w.pop();
    if (::testing::Test::HasFatalFailure()) return;
  }
}
