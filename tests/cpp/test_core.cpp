// Unit tests of the kernel: event order, random numbers, distributions, statistics.
#include <eslabon/core/confidence.hpp>
#include <eslabon/core/distributions.hpp>
#include <eslabon/core/event_list.hpp>
#include <eslabon/core/random.hpp>
#include <eslabon/core/runner.hpp>
#include <eslabon/core/statistics.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <queue>
#include <vector>

using namespace eslabon;

// --- event list -----------------------------------------------------------------------

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

// --- random numbers -------------------------------------------------------------------

TEST(Random, PhiloxKnownAnswer) {
  // Random123's published known-answer vector for philox4x64-10 with zero counter and key.
  r123::Philox4x64 p;
  r123::Philox4x64::ctr_type c = {{0, 0, 0, 0}};
  r123::Philox4x64::key_type k = {{0, 0}};
  auto r = p(c, k);
  EXPECT_EQ(r[0], 0x16554d9eca36314cULL);
  EXPECT_EQ(r[1], 0xdb20fe9d672d0fdcULL);
  EXPECT_EQ(r[2], 0xd7e772cee186176bULL);
  EXPECT_EQ(r[3], 0x7e68b68aec7ba23bULL);
}

TEST(Random, GoldenDraws) {
  // Pinned values: a change here changes every published result. The first four words of
  // stream (purpose 0, 0, 0) under key (0, 0) are the known-answer block above.
  RandomSource src(0, 0);
  RandomStream s = src.stream(0, 0, 0);
  EXPECT_EQ(s.next_u64(), 0x16554d9eca36314cULL);
  EXPECT_EQ(s.next_u64(), 0xdb20fe9d672d0fdcULL);
  EXPECT_DOUBLE_EQ(to_unit_open(0x16554d9eca36314cULL), (static_cast<double>(0x16554d9eca36314cULL >> 11) + 0.5) / 9007199254740992.0);
  RandomSource src2(42, 3);
  RandomStream a = src2.stream(make_purpose(2, 1), 17, (std::uint64_t{3} << 32) | 1);
  std::vector<double> xs;
  for (int i = 0; i < 6; ++i) xs.push_back(a.uniform());  // crosses a block boundary
  RandomStream b = src2.stream(make_purpose(2, 1), 17, (std::uint64_t{3} << 32) | 1);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(xs[i], b.uniform());
  for (double x : xs) {
    EXPECT_GT(x, 0.0);
    EXPECT_LT(x, 1.0);
  }
  // Exponential(mean=2) from the first uniform of the zero stream: -2 log(u).
  RandomStream z = src.stream(0, 0, 0);
  double u0 = to_unit_open(0x16554d9eca36314cULL);
  EXPECT_DOUBLE_EQ(dist::Exponential(2.0).sample(z), -2.0 * std::log(u0));
}

TEST(Random, StreamsAreAddressedNotSequential) {
  RandomSource src(7, 0);
  // Drawing from one address does not shift another.
  RandomStream x1 = src.stream(1, 5, 0);
  double first = x1.uniform();
  RandomStream other = src.stream(1, 6, 0);
  for (int i = 0; i < 100; ++i) other.uniform();
  RandomStream x2 = src.stream(1, 5, 0);
  EXPECT_EQ(first, x2.uniform());
  // Different replication or seed: different numbers.
  EXPECT_NE(first, RandomSource(7, 1).stream(1, 5, 0).uniform());
  EXPECT_NE(first, RandomSource(8, 0).stream(1, 5, 0).uniform());
}

TEST(Random, UniformsLookUniform) {
  // Mean 1/2 and variance 1/12 within 5 standard errors; chi-square on 20 bins.
  RandomSource src(123, 0);
  const int n = 200000;
  Welford w;
  std::vector<int> bins(20, 0);
  for (int i = 0; i < n; ++i) {
    RandomStream s = src.stream(9, static_cast<std::uint64_t>(i));
    double u = s.uniform();
    w.add(u);
    ++bins[static_cast<int>(u * 20)];
  }
  EXPECT_NEAR(w.mean(), 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(w.variance(), 1.0 / 12, 5 * std::sqrt(1.0 / 180 / n));
  double chi2 = 0, e = n / 20.0;
  for (int c : bins) chi2 += (c - e) * (c - e) / e;
  EXPECT_LT(chi2, 43.8);  // chi-square(19) 0.999 quantile
}

// --- distributions --------------------------------------------------------------------

struct MomentCase {
  Distribution d;
  double mean, var;
};

TEST(Distributions, MomentsMatchTheory) {
  std::vector<MomentCase> cases = {
      {dist::Exponential(1.5), 1.5, 2.25},
      {dist::Uniform(1, 4), 2.5, 0.75},
      {dist::Triangular(1, 2, 6), 3.0, (1 + 36 + 4 - 6 - 2 - 12) / 18.0},
      {dist::LogNormal(3.2, 0.5), 3.2, 3.2 * 3.2 * 0.25},
      {dist::Gamma(2.0, 0.5), 2.0, 1.0},
      {dist::Gamma(2.0, 2.0), 2.0, 16.0},  // shape 1/4 < 1
      {dist::Erlang(3, 6.0), 6.0, 12.0},
      {dist::Weibull(1.5, 2.0), 2.0 * std::tgamma(1 + 1 / 1.5),
       4.0 * (std::tgamma(1 + 2 / 1.5) - std::pow(std::tgamma(1 + 1 / 1.5), 2))},
      {dist::Empirical({1, 2, 2, 7}), 3.0, (4 + 1 + 1 + 16) / 4.0},
      {dist::Deterministic(4.0), 4.0, 0.0},
  };
  RandomSource src(2024, 0);
  for (std::size_t c = 0; c < cases.size(); ++c) {
    const auto& mc = cases[c];
    EXPECT_NEAR(mc.d.mean(), mc.mean, 1e-12 * (1 + mc.mean)) << mc.d.describe();
    EXPECT_NEAR(mc.d.variance(), mc.var, 1e-9 * (1 + mc.var)) << mc.d.describe();
    const int n = 200000;
    Welford w;
    for (int i = 0; i < n; ++i) {
      RandomStream s = src.stream(3, c, static_cast<std::uint64_t>(i));
      double x = mc.d.sample(s);
      ASSERT_GE(x, 0.0) << mc.d.describe();
      w.add(x);
    }
    // Sample mean within 5 standard errors of the true mean.
    double se = std::sqrt(mc.var / n);
    EXPECT_NEAR(w.mean(), mc.mean, 5 * se + 1e-12) << mc.d.describe();
    if (mc.var > 0) EXPECT_NEAR(w.variance() / mc.var, 1.0, 0.05) << mc.d.describe();
  }
}

TEST(Distributions, RejectBadParameters) {
  EXPECT_THROW(dist::Exponential(0), std::invalid_argument);
  EXPECT_THROW(dist::Exponential(-1), std::invalid_argument);
  EXPECT_THROW(dist::Uniform(3, 2), std::invalid_argument);
  EXPECT_THROW(dist::Triangular(1, 0.5, 3), std::invalid_argument);
  EXPECT_THROW(dist::Triangular(1, 4, 3), std::invalid_argument);
  EXPECT_THROW(dist::LogNormal(1, 0), std::invalid_argument);
  EXPECT_THROW(dist::Gamma(1, -2), std::invalid_argument);
  EXPECT_THROW(dist::Erlang(0, 1), std::invalid_argument);
  EXPECT_THROW(dist::Weibull(0, 1), std::invalid_argument);
  EXPECT_THROW(dist::Empirical({}), std::invalid_argument);
  EXPECT_THROW(dist::Deterministic(std::nan("")), std::invalid_argument);
  try {
    dist::Exponential(-1);
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "mean: expected a number > 0, got -1");
  }
}

TEST(Distributions, DescribeThemselves) {
  EXPECT_EQ(dist::LogNormal(3.2, 0.5).describe(), "LogNormal(mean=3.2, cv=0.5)");
  EXPECT_EQ(dist::Exponential(1.5).describe(), "Exponential(mean=1.5)");
  EXPECT_EQ(dist::Erlang(2, 3).describe(), "Erlang(k=2, mean=3)");
  EXPECT_EQ(Distribution(dist::Exponential(0.5)).scaled(60).describe(), "Exponential(mean=30)");
}

// --- statistics -----------------------------------------------------------------------

TEST(Statistics, WelfordAgreesWithTwoPass) {
  std::vector<double> xs = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
  Welford w;
  for (double x : xs) w.add(x);
  EXPECT_DOUBLE_EQ(w.mean(), 1e9 + 10);
  EXPECT_DOUBLE_EQ(w.variance(), 30.0);  // catastrophic cancellation would break a naive sum of squares
  Welford a, b;
  a.add(xs[0]);
  a.add(xs[1]);
  b.add(xs[2]);
  b.add(xs[3]);
  a.merge(b);
  EXPECT_DOUBLE_EQ(a.mean(), w.mean());
  EXPECT_NEAR(a.variance(), 30.0, 1e-6);
}

TEST(Statistics, TimeWeightedClipsToWindow) {
  TimeWeighted tw(10, 20);
  tw.set(0, 5);    // 5 over [0, 12): only [10, 12) counts
  tw.set(12, 1);   // 1 over [12, 18)
  tw.set(18, 3);   // 3 over [18, 25): only [18, 20) counts
  tw.set(25, 100);
  EXPECT_DOUBLE_EQ(tw.mean(30), (5 * 2 + 1 * 6 + 3 * 2) / 10.0);
  TimeWeighted open(0, 100);
  open.add(0, 2);
  open.add(5, -1);
  EXPECT_DOUBLE_EQ(open.mean(10), (2 * 5 + 1 * 5) / 10.0);  // window not yet over: up to now
}

TEST(Statistics, QuantilesWithinSketchPrecision) {
  QuantileSketch q;
  std::vector<double> xs;
  RandomSource src(5, 0);
  for (int i = 0; i < 100000; ++i) {
    RandomStream s = src.stream(1, static_cast<std::uint64_t>(i));
    double x = dist::LogNormal(10, 1.2).sample(s);
    xs.push_back(x);
    q.add(x);
  }
  std::sort(xs.begin(), xs.end());
  for (double p : {0.01, 0.25, 0.5, 0.9, 0.95, 0.99}) {
    double exact = xs[static_cast<std::size_t>(p * (xs.size() - 1))];
    EXPECT_NEAR(q.quantile(p) / exact, 1.0, 0.005) << "p=" << p;
  }
  QuantileSketch c;
  for (int i = 0; i < 10; ++i) c.add(3.7);
  EXPECT_EQ(c.quantile(0.5), 3.7);
  EXPECT_EQ(c.quantile(0.95), 3.7);
  QuantileSketch empty;
  EXPECT_TRUE(std::isnan(empty.quantile(0.5)));
  QuantileSketch zero;
  zero.add(0.0);
  zero.add(0.0);
  EXPECT_EQ(zero.quantile(0.5), 0.0);
}

TEST(Confidence, StudentIntervals) {
  // t_{0.975, 9} = 2.262157...
  EXPECT_NEAR(student_t_quantile(0.95, 9), 2.2621571627982, 1e-10);
  std::vector<double> xs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  Interval iv = confidence_interval(xs);
  EXPECT_DOUBLE_EQ(iv.mean, 5.5);
  EXPECT_NEAR(iv.std, std::sqrt(55.0 / 6.0), 1e-12);
  EXPECT_NEAR(iv.half_width(), 2.2621571627982 * iv.std / std::sqrt(10.0), 1e-10);
  EXPECT_EQ(iv.n, 10);
  std::vector<double> with_nan = {1, std::nan(""), 3};
  Interval w = confidence_interval(with_nan);
  EXPECT_EQ(w.n, 2);
  EXPECT_DOUBLE_EQ(w.mean, 2.0);
  std::vector<double> one = {4};
  EXPECT_TRUE(std::isnan(confidence_interval(one).low));
}

TEST(Runner, ResultsByIndexWhateverTheThreads) {
  auto f = [](std::size_t i) { return RandomSource(9, i).stream(1, 0).uniform(); };
  auto a = run_replications<double>(17, 1, f);
  auto b = run_replications<double>(17, 2, f);
  auto c = run_replications<double>(17, 5, f);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  std::size_t calls = 0;
  RunControl ctl;
  ctl.on_done = [&](std::size_t done, std::size_t total) {
    ++calls;
    EXPECT_LE(done, total);
  };
  run_replications<double>(5, 2, f, ctl);
  EXPECT_EQ(calls, 5u);
  std::atomic<bool> stop{true};
  RunControl halt;
  halt.stop = &stop;
  EXPECT_THROW(run_replications<double>(5, 2, f, halt), Interrupted);
  EXPECT_THROW(run_replications<double>(3, 2, [](std::size_t i) -> double {
                 if (i == 1) throw std::runtime_error("boom");
                 return 0.0;
               }),
               std::runtime_error);
}
