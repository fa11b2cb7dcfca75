#include "mpi_sweep.hpp"

#include <models/output/journal.hpp>

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace eslabon::cli {
namespace {
constexpr int kTagWork = 1;
constexpr int kTagResult = 2;
constexpr std::int64_t kStop = -1;

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v)) return true;
  return false;
}
}  // namespace

MpiWorld mpi_start(int* argc, char*** argv) {
  MpiWorld w;
  if (!launched_by_mpi()) return w;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);  // only the main thread calls MPI
  w.active = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &w.size);
  return w;
}

void mpi_stop(const MpiWorld& w) {
  if (w.active) MPI_Finalize();
}

PairExecutor mpi_master(const MpiWorld& world) {
  return [world](const Sweep& sweep, const std::vector<std::size_t>& todo, const PairDone& done) {
    std::mutex queue_mu, done_mu;
    std::deque<std::size_t> queue(todo.begin(), todo.end());
    auto next = [&]() -> std::int64_t {
      std::lock_guard<std::mutex> lock(queue_mu);
      if (queue.empty()) return kStop;
      std::int64_t i = static_cast<std::int64_t>(queue.front());
      queue.pop_front();
      return i;
    };
    // Rank 0 computes too, on a thread of its own (it never calls MPI).
    std::exception_ptr local_error;
    std::thread local([&] {
      try {
        for (std::int64_t i = next(); i != kStop; i = next()) {
          ReplicationResult r = simulate_pair(sweep, static_cast<std::size_t>(i));
          std::lock_guard<std::mutex> lock(done_mu);
          done(static_cast<std::size_t>(i), r);
        }
      } catch (...) {
        local_error = std::current_exception();
      }
    });
    int outstanding = 0;
    for (int w = 1; w < world.size; ++w) {
      std::int64_t i = next();
      MPI_Send(&i, 1, MPI_INT64_T, w, kTagWork, MPI_COMM_WORLD);
      if (i != kStop) ++outstanding;
    }
    std::string buf;
    while (outstanding > 0) {
      // Poll with a short sleep: a blocking probe spins a core in Open MPI, and rank 0's
      // core is also computing pairs.
      MPI_Status st;
      int ready = 0;
      for (;;) {
        MPI_Iprobe(MPI_ANY_SOURCE, kTagResult, MPI_COMM_WORLD, &ready, &st);
        if (ready) break;
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      int n = 0;
      MPI_Get_count(&st, MPI_CHAR, &n);
      buf.resize(static_cast<std::size_t>(n));
      MPI_Recv(buf.data(), n, MPI_CHAR, st.MPI_SOURCE, kTagResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      std::size_t pair = 0;
      ReplicationResult r;
      if (!pair_from_line(buf, pair, r))
        throw std::runtime_error("a malformed result came from rank " + std::to_string(st.MPI_SOURCE));
      {
        std::lock_guard<std::mutex> lock(done_mu);
        done(pair, r);
      }
      std::int64_t i = next();
      MPI_Send(&i, 1, MPI_INT64_T, st.MPI_SOURCE, kTagWork, MPI_COMM_WORLD);
      if (i == kStop) --outstanding;
    }
    local.join();
    if (local_error) std::rethrow_exception(local_error);
  };
}

void mpi_worker(const MpiWorld&, const Sweep& sweep) {
  for (;;) {
    std::int64_t i = kStop;
    MPI_Recv(&i, 1, MPI_INT64_T, 0, kTagWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (i == kStop) return;
    const std::string line =
        pair_to_line(static_cast<std::size_t>(i), simulate_pair(sweep, static_cast<std::size_t>(i)));
    MPI_Send(line.data(), static_cast<int>(line.size()), MPI_CHAR, 0, kTagResult, MPI_COMM_WORLD);
  }
}

}  // namespace eslabon::cli
