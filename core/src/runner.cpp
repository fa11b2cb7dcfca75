#include <eslabon/core/runner.hpp>

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>

namespace eslabon {
namespace {

// CPUs in this thread's affinity mask (which a new thread inherits); 0 when it cannot be read.
unsigned affinity_cpus() {
  // A mask wide enough for the machine: cpu_set_t holds 1024 CPUs; larger machines need more.
  for (std::size_t cpus = 1024; cpus <= (std::size_t{1} << 20); cpus *= 4) {
    cpu_set_t* set = CPU_ALLOC(cpus);
    if (!set) return 0;
    const std::size_t size = CPU_ALLOC_SIZE(cpus);
    CPU_ZERO_S(size, set);
    const int rc = sched_getaffinity(0, size, set);
    const int err = errno;
    const unsigned n = rc == 0 ? static_cast<unsigned>(CPU_COUNT_S(size, set)) : 0;
    CPU_FREE(set);
    if (rc == 0) return n;
    if (err != EINVAL) return 0;  // EINVAL: the mask is wider than ours; try a wider one
  }
  return 0;
}

// SLURM_CPUS_PER_TASK as a positive integer, or 0 (unset, empty, not a number).
unsigned slurm_cpus_per_task() {
  const char* v = std::getenv("SLURM_CPUS_PER_TASK");
  if (!v || !*v) return 0;
  char* end = nullptr;
  errno = 0;
  const long n = std::strtol(v, &end, 10);
  if (errno != 0 || *end != '\0' || n <= 0) return 0;
  return static_cast<unsigned>(std::min<long>(n, 1 << 20));
}

}  // namespace

unsigned default_threads() {
  unsigned n = affinity_cpus();
  if (n == 0) n = std::thread::hardware_concurrency();
  if (const unsigned slurm = slurm_cpus_per_task(); slurm > 0 && (n == 0 || slurm < n)) n = slurm;
  return n == 0 ? 1 : n;
}

unsigned threads_for(unsigned requested, std::size_t count) {
  const unsigned t = requested == 0 ? default_threads() : requested;
  return static_cast<unsigned>(std::clamp<std::size_t>(t, 1, std::max<std::size_t>(count, 1)));
}

}  // namespace eslabon
