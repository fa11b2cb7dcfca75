// The future event list: its order rule and its fast paths, against std::priority_queue.
#include <eslabon/core/event_list.hpp>
#include <eslabon/core/random.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <queue>
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
