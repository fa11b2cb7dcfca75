// Replications over threads: results by index whatever the thread count, progress, stop, errors.
#include <eslabon/core/random.hpp>
#include <eslabon/core/runner.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <stdexcept>

using namespace eslabon;

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
  EXPECT_THROW(run_replications<double>(3, 2,
                                        [](std::size_t i) -> double {
                                          if (i == 1) throw std::runtime_error("boom");
                                          return 0.0;
                                        }),
               std::runtime_error);
}
