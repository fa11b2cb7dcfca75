// eslabon sweep: every grid point and scenario of a sweep file, paired by common random
// numbers, on threads and, under an MPI launcher, across ranks (mpi_sweep.hpp).

#include <models/output/output_path.hpp>
#include "command.hpp"
#include "format.hpp"
#include "options.hpp"
#include "signals.hpp"

#include <models/config/loader.hpp>
#include <models/config/sweep_file.hpp>
#include <models/output/sweep_recorder.hpp>
#include <models/output/table_export.hpp>
#include <models/studies/sweep.hpp>
#ifdef ESLABON_HAVE_MPI
#include <mpi.h>
#include "mpi_sweep.hpp"
#endif

#include <fmt/core.h>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace eslabon::cli {
namespace {

struct SweepArgs {
  std::string file, output;
  unsigned threads = 0;
  bool resume = false;
  std::string csv, xlsx;
};

int cmd_sweep(const std::string& file, const std::string& output_arg, unsigned threads, bool resume, int* argc,
              char*** argv, const std::string& csv, const std::string& xlsx) {
  Sweep sweep;
  std::string output;
  ExportTargets exports;
  std::string error;
  int status = 0;
  try {
    // Every rank checks the same file and finds the same errors. From standard input, a relative
    // model path is taken from the current directory.
    sweep = is_standard_stream(file) ? load_sweep_text(read_standard_input("the sweep file"), "<stdin>", "")
                                     : load_sweep_file(file);
  } catch (const ConfigError& e) {
    error = e.what();
    status = kBadInput;
  }
  int rank = 0;
#ifdef ESLABON_HAVE_MPI
  MpiWorld world = mpi_start(argc, argv);
  rank = world.rank;
#else
  (void)argc;
  (void)argv;
#endif
  // Several SLURM tasks that are not one MPI job would each run the whole sweep and write the
  // same file: refuse (srun needs --mpi=pmix for eslabon's ranks to find each other).
  bool world_active = false;
#ifdef ESLABON_HAVE_MPI
  world_active = world.active;
#endif
  if (const char* ntasks = std::getenv("SLURM_NTASKS");
      status == 0 && ntasks && std::atoi(ntasks) > 1 && !world_active) {
    const char* procid = std::getenv("SLURM_PROCID");
    rank = procid ? std::atoi(procid) : 0;
    error = std::string("eslabon sweep: started as ") + ntasks +
            " SLURM tasks that are not one MPI job; expected an MPI launch (srun --mpi=pmix) or a single task";
    status = kBadInput;
  }
#ifdef ESLABON_HAVE_MPI
  if (world.size > 1 && is_standard_stream(file)) {  // an MPI launcher hands standard input to rank 0 only
    error = "eslabon sweep -: expected a sweep file under an MPI launcher (standard input reaches rank 0 only)";
    status = kBadInput;
  }
#endif
  if (status == 0 && rank == 0) {
    try {
      std::vector<KeptFile> kept = {{sweep.model_path, "the sweep's model file"}};
      if (!is_standard_stream(file)) kept.push_back({file, "the config file itself"});
      if (!output_arg.empty()) output = check_output_path(output_arg, kept, "-o " + output_arg);
      if (resume && output.empty()) throw ConfigError("--resume: expected -o OUT.h5 (the sweep to resume), found none");
      exports = export_targets(csv, xlsx, kept);
    } catch (const ConfigError& e) {
      error = e.what();
      status = kBadInput;
    }
  }
#ifdef ESLABON_HAVE_MPI
  if (world.active) MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);  // everyone stops, or nobody
  struct Finalize {
    MpiWorld w;
    ~Finalize() { mpi_stop(w); }
  } finalize{world};
#endif
  if (status != 0) {
    if (rank == 0) std::cerr << error << "\n";
    return status;
  }
  // warmup: auto: one pilot of the sweep's model, the same in every rank (it is deterministic).
  std::optional<WarmupChoice> warmup;
  try {
    warmup = decide_sweep_warmup(sweep, &g_stop);
  } catch (const std::exception& e) {
    if (rank == 0) std::cerr << "eslabon: sweep failed: " << e.what() << "\n";
    return kFailure;
  }
#ifdef ESLABON_HAVE_MPI
  if (world.rank != 0) {
    mpi_worker(world, sweep);
    return 0;
  }
  PairExecutor executor;
  if (world.size > 1) executor = mpi_master(world);
#else
  PairExecutor executor;
#endif
  RunOptions opt;
  opt.threads = threads;
  opt.control.stop = &g_stop;
  catch_stop_signals();
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t pairs = sweep.points.size() * static_cast<std::size_t>(sweep.replications);
  opt.control.on_done = [&](std::size_t done, std::size_t total) {
    if (!::isatty(STDERR_FILENO)) return;
    double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "\r  %zu/%zu pairs  %.1f pairs/s  eta %.0fs   ", done, total, done / std::max(el, 1e-9),
                 el / static_cast<double>(done) * static_cast<double>(total - done));
  };
  const Kpi shown[] = {Kpi::LeadTimeMean, Kpi::OnTimeRate, Kpi::Throughput, Kpi::CopqPerOrder};
  PointKpis kpis(sweep.points.size(), {std::begin(shown), std::end(shown)});
  std::size_t exported = 0;  // tables written by --csv, --xlsx
  try {
    std::unique_ptr<SweepFileRecorder> files;  // the journal and the HDF5 file
    if (!output.empty()) files = std::make_unique<SweepFileRecorder>(sweep, output, resume);
    std::unique_ptr<SweepExport> tables;  // --csv, --xlsx: written once every point is complete
    if (exports.any()) tables = std::make_unique<SweepExport>(sweep);
    SweepRecorders recorders{files.get(), &kpis, tables.get()};
    SweepRun run = run_sweep(sweep, opt, recorders, executor);
    if (run.resumed)
      std::cerr << "resumed: " << run.resumed << (run.resumed == 1 ? " pair was" : " pairs were") << " already done\n";
    if (tables) {
      const std::vector<ExportTable> all = tables->tables();
      if (!write_exports(exports, all)) return kFailure;
      exported = all.size();
    }
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  } catch (const Interrupted&) {
    std::cerr << "\neslabon: interrupted; finished pairs are kept (run again with --resume)\n";
    return kInterrupted;
  } catch (const std::exception& e) {
    std::cerr << "eslabon: sweep failed: " << e.what() << "\n";
    return kFailure;
  }
  if (::isatty(STDERR_FILENO)) std::fprintf(stderr, "\r%*s\r", 60, "");
  const std::size_t points = sweep.points.size();
  fmt::print("{}: {} {} x {} {} = {} {} (seed {})\n\n", sweep.source, points,
             noun(static_cast<double>(points), "point"), sweep.replications, noun(sweep.replications, "replication"),
             pairs, noun(static_cast<double>(pairs), "pair"), sweep.seed);
  if (warmup) {
    const std::string unit = point_model(sweep, 0).time_unit;
    fmt::print("{}, used by every point with warmup: auto\n\n", warmup->describe(unit));
    if (const std::string w = warmup->warning(); !w.empty()) std::cerr << w << "\n";
  }
  fmt::print("{:<6} {:<56}", "point", "changes");
  for (Kpi k : shown) fmt::print(" {:>22}", kpi_names()[static_cast<int>(k)]);
  fmt::print("\n");
  for (std::size_t p = 0; p < sweep.points.size(); ++p) {
    std::string changes = sweep.points[p].scenario.empty() ? "" : sweep.points[p].scenario + ": ";
    for (std::size_t c = 0; c < sweep.points[p].changes.size(); ++c)
      changes += (c ? ", " : "") + sweep.points[p].changes[c].path + "=" + sweep.points[p].changes[c].value;
    fmt::print("{:<6} {:<56}", sweep.points[p].id, changes);
    for (std::size_t k = 0; k < std::size(shown); ++k) fmt::print(" {:>22}", fmt_pm(kpis.at(p, k)));
    fmt::print("\n");
  }
  if (!output.empty()) fmt::print("\nresults written to {}\n", output_arg);
  if (exports.any()) fmt::print("{}{}", output.empty() ? "\n" : "", exports_note(csv, xlsx, exported));
  return 0;
}

}  // namespace

void add_sweep_command(CLI::App& app, Commands& commands, int* argc, char*** argv) {
  auto a = std::make_shared<SweepArgs>();
  auto* sweep =
      app.add_subcommand("sweep", "Run a sweep file: every grid point and scenario, paired by common random numbers");
  sweep
      ->add_option("sweep", a->file,
                   "Sweep file (YAML: model, replications, seed, grid, scenarios; - reads it from standard input)")
      ->required();
  sweep->add_option("-o,--output", a->output, "Write results to this HDF5 file");
  sweep->add_option("--threads", a->threads, "Worker threads (default: one per core)")
      ->transform(integer_in(0, kMaxThreads));
  sweep->add_flag("--resume", a->resume, "Skip the pairs already done (kept in OUT.h5.journal)");
  add_export_options(sweep, a->csv, a->xlsx);
  commands.push_back({sweep, [a, argc, argv] {
                        return cmd_sweep(a->file, a->output, a->threads, a->resume, argc, argv, a->csv, a->xlsx);
                      }});
}

}  // namespace eslabon::cli
