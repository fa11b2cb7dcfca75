#pragma once
// Runs independent replications on threads.
//
// Workers take replication indices from one atomic counter (dynamic, so a slow
// replication does not idle the others) and store each result at its own index: the
// output is identical whatever the number of threads, because each replication draws
// only from its own (seed, replication)-keyed random numbers and shares nothing mutable.

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace eslabon {

struct RunControl {
  // Set to true (from any thread or a signal handler) to stop: running replications
  // return at their next check and run_replications throws Interrupted.
  std::atomic<bool>* stop = nullptr;
  // Called (under a lock, from a worker thread) after each replication completes.
  std::function<void(std::size_t done, std::size_t total)> on_done;
};

struct Interrupted : std::exception {
  const char* what() const noexcept override { return "interrupted"; }
};

// The threads a run uses when not told (README "Running on a cluster"): one per CPU this
// process may run on (its affinity mask: `taskset -c 0`, or a batch system that binds tasks to
// cores), and no more than SLURM_CPUS_PER_TASK when that is set to a positive integer (SLURM
// without task binding leaves the mask whole but still allocated only that many CPUs). At least 1.
unsigned default_threads();

// The threads a run of `count` items starts: `requested` (0: default_threads()), at most one per
// item and at least 1. What run_replications starts, and what the CLI reports.
unsigned threads_for(unsigned requested, std::size_t count);

// Runs `work` on `threads` threads (1: on the caller's) and waits for them; each call of `work`
// takes items until none is left. When the system will not give that many threads, the ones
// started do the work.
template <class Work>
void on_threads(unsigned threads, Work& work) {
  if (threads <= 1) {
    work();
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  try {
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  } catch (const std::system_error&) {
    if (pool.empty()) work();
  }
  for (auto& t : pool) t.join();
}

// `on_result(i, result)`, when given, is called under the runner's lock as soon as result i
// is stored (for writing results as they complete).
template <class Result, class Fn>
std::vector<Result> run_replications(std::size_t count, unsigned threads, Fn&& fn, const RunControl& control = {},
                                     const std::function<void(std::size_t, const Result&)>& on_result = {}) {
  std::vector<Result> results(count);
  threads = threads_for(threads, count);
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;
  std::mutex mu;
  std::exception_ptr error;
  auto work = [&] {
    for (;;) {
      if (control.stop && control.stop->load(std::memory_order_relaxed)) return;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (error) return;
      }
      std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        results[i] = fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
        return;
      }
      std::lock_guard<std::mutex> lock(mu);
      ++done;
      if (on_result) {
        try {
          on_result(i, results[i]);
        } catch (...) {
          if (!error) error = std::current_exception();
          return;
        }
      }
      if (control.on_done) control.on_done(done, count);
    }
  };
  on_threads(threads, work);
  if (error) std::rethrow_exception(error);
  if (control.stop && control.stop->load()) throw Interrupted();
  return results;
}

}  // namespace eslabon
