// Replications over threads: results by index whatever the thread count, progress, stop, errors;
// how many threads a run takes when not told.
#include <eslabon/core/random.hpp>
#include <eslabon/core/runner.hpp>

#include <gtest/gtest.h>

#include <sched.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <stdexcept>
#include <string>

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

// README "Running on a cluster": the default follows the CPUs this process may use and
// SLURM_CPUS_PER_TASK; an explicit count wins; never more threads than items.
TEST(Runner, DefaultThreadsFollowTheAffinityMaskAndSlurm) {
  cpu_set_t all;
  ASSERT_EQ(sched_getaffinity(0, sizeof all, &all), 0);
  const unsigned allowed = static_cast<unsigned>(CPU_COUNT(&all));
  const char* before = std::getenv("SLURM_CPUS_PER_TASK");
  const std::string saved = before ? before : "";
  ::unsetenv("SLURM_CPUS_PER_TASK");
  EXPECT_EQ(default_threads(), allowed);
  for (const char* junk : {"", "0", "-2", "two", "3x"}) {  // not a positive integer: ignored
    ::setenv("SLURM_CPUS_PER_TASK", junk, 1);
    EXPECT_EQ(default_threads(), allowed) << junk;
  }
  ::setenv("SLURM_CPUS_PER_TASK", "1", 1);
  EXPECT_EQ(default_threads(), 1u);
  EXPECT_EQ(threads_for(0, 10), 1u);
  EXPECT_EQ(threads_for(3, 10), 3u);  // --threads wins
  ::setenv("SLURM_CPUS_PER_TASK", "1000", 1);
  EXPECT_EQ(default_threads(), allowed);  // a cap, not a count: no more than the mask allows
  ::unsetenv("SLURM_CPUS_PER_TASK");
  // One CPU in the mask (taskset -c 0): one thread. The mask is this thread's, restored after.
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &all)) {
      CPU_SET(c, &one);
      break;
    }
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  EXPECT_EQ(default_threads(), 1u);
  ASSERT_EQ(sched_setaffinity(0, sizeof all, &all), 0);
  EXPECT_EQ(threads_for(0, 1), 1u);
  EXPECT_EQ(threads_for(8, 3), 3u);  // never more than items
  EXPECT_EQ(threads_for(8, 0), 1u);
  if (before) ::setenv("SLURM_CPUS_PER_TASK", saved.c_str(), 1);
}
