#pragma once
// Sweeps under MPI (mpirun / srun): ranks share the (point, replication) pairs. Rank 0 hands
// out pairs one at a time (dynamic, so slow points do not idle the rest), computes pairs
// itself on a second thread, receives every result and alone writes the files. Every pair's
// numbers depend only on (seed, point, replication), so the file is bit-identical to a
// single-process run.

#include <models/studies/sweep.hpp>

namespace eslabon::cli {

struct MpiWorld {
  int rank = 0;
  int size = 1;
  bool active = false;  // MPI_Init was called (the process was launched by mpirun or srun)
};

// Initialises MPI only when launched by an MPI launcher (Open MPI, PMI or PMIx variables);
// a plain `eslabon sweep` never touches MPI.
MpiWorld mpi_start(int* argc, char*** argv);
void mpi_stop(const MpiWorld& world);

// Rank 0's executor for run_sweep.
PairExecutor mpi_master(const MpiWorld& world);
// The other ranks: compute pairs until rank 0 says stop.
void mpi_worker(const MpiWorld& world, const Sweep& sweep);

}  // namespace eslabon::cli
