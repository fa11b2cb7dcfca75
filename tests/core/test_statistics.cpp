// Statistics over a run and over replications: Welford, time-weighted means, quantiles,
// Student confidence intervals.
#include <eslabon/core/confidence.hpp>
#include <eslabon/core/distributions.hpp>
#include <eslabon/core/random.hpp>
#include <eslabon/core/statistics.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace eslabon;

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
  tw.set(0, 5);   // 5 over [0, 12): only [10, 12) counts
  tw.set(12, 1);  // 1 over [12, 18)
  tw.set(18, 3);  // 3 over [18, 25): only [18, 20) counts
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
    RandomStream s = src.stream(1, static_cast<std::uint64_t>(i) << 16);
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

// The quantile is the order statistic of rank floor(q (n - 1)), within its bucket (2^-8 relative,
// README "What is measured"), even when q (n - 1) is not whole and the next value is far away:
// nine 1s, then 19.75 and 21. q = 0.99: rank floor(9.9) = 9, the 19.75 (an outside check found
// 19.8375 here when a fractional rank pushed the interpolation past the bucket's upper edge).
TEST(Statistics, QuantileStaysInTheOrderStatisticsBucket) {
  QuantileSketch s;
  for (int i = 0; i < 9; ++i) s.add(1.0);
  s.add(19.75);
  s.add(21.0);
  for (double q : {0.9, 0.95, 0.99}) {
    EXPECT_GE(s.quantile(q), 19.75) << q;
    EXPECT_LT(s.quantile(q), 19.75 * (1 + 1.0 / 256)) << q;
  }
  EXPECT_LT(s.quantile(0.89), 1.0 * (1 + 1.0 / 256));  // rank 8: a 1
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
