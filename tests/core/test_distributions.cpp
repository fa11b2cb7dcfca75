// Distributions: moments against theory, rejected parameters, descriptions.
#include <eslabon/core/distributions.hpp>
#include <eslabon/core/random.hpp>
#include <eslabon/core/statistics.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

using namespace eslabon;

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
      RandomStream s = src.stream(3 + (c << 8), static_cast<std::uint64_t>(i) << 16);
      double x = mc.d.sample(s);
      ASSERT_GE(x, 0.0) << mc.d.describe();
      w.add(x);
    }
    // Sample mean within 5 standard errors of the true mean.
    double se = std::sqrt(mc.var / n);
    EXPECT_NEAR(w.mean(), mc.mean, 5 * se + 1e-12) << mc.d.describe();
    if (mc.var > 0) {
      EXPECT_NEAR(w.variance() / mc.var, 1.0, 0.05) << mc.d.describe();
    }
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
