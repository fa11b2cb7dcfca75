// Random numbers: Philox known answers, pinned draws, addressed streams, uniformity.
#include <eslabon/core/distributions.hpp>
#include <eslabon/core/random.hpp>
#include <eslabon/core/statistics.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

using namespace eslabon;

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
  EXPECT_DOUBLE_EQ(Distribution::exponential(2.0).sample(z), -2.0 * std::log(u0));
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
