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
  std::string file, output, shard;
  unsigned threads = 0;
  bool resume = false;
  std::string csv, xlsx;
};

int cmd_sweep(const SweepArgs& a, int* argc, char*** argv) {
  const std::string& file = a.file;
  const std::string& output_arg = a.output;
  const std::string& csv = a.csv;
  const std::string& xlsx = a.xlsx;
  Sweep sweep;
  std::optional<Shard> shard;  // --shard I/N: this process runs that slice of the pairs
  std::string output;
  ExportTargets exports;
  std::string error;
  int status = 0;
  try {
    // Every rank checks the same file and finds the same errors. From standard input, a relative
    // model path is taken from the current directory.
    sweep = is_standard_stream(file) ? load_sweep_text(read_standard_input("the sweep file"), "<stdin>", "")
                                     : load_sweep_file(file);
    if (!a.shard.empty()) shard = parse_shard(sweep, a.shard, "--shard " + a.shard);
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
      if (a.resume && output.empty())
        throw ConfigError("--resume: expected -o OUT.h5 (the sweep to resume), found none");
      if (shard && output.empty())
        throw ConfigError("--shard " + a.shard +
                          ": expected -o SHARD.h5 (the shard's file, for eslabon merge), found none");
      kept.push_back({output, "the file given to -o"});
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
  } catch (const Interrupted&) {
    return stopped_exit();  // before any pair: nothing written
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
  opt.threads = a.threads;
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
  SweepRun run;
  try {
    std::unique_ptr<SweepFileRecorder> files;  // the journal and the HDF5 file
    const Shard* slice = shard ? &*shard : nullptr;
    if (!output.empty()) files = std::make_unique<SweepFileRecorder>(sweep, output, a.resume, slice);
    std::unique_ptr<SweepExport> tables;  // --csv, --xlsx: written once every point is complete
    if (exports.any()) tables = std::make_unique<SweepExport>(sweep);
    SweepRecorders recorders{files.get(), &kpis, tables.get()};
    run = run_sweep(sweep, opt, recorders, executor, slice);
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
    return stopped_exit("finished pairs are kept (run again with --resume)");
  } catch (const std::exception& e) {
    std::cerr << "eslabon: sweep failed: " << e.what() << "\n";
    return kFailure;
  }
  if (::isatty(STDERR_FILENO)) std::fprintf(stderr, "\r%*s\r", 60, "");
  if (exports.csv_stdout) {  // the summary went to standard output as CSV: no tables beside it
    if (warmup && !warmup->warning().empty()) std::cerr << warmup->warning() << "\n";
    return 0;
  }
  int ranks = 1;
#ifdef ESLABON_HAVE_MPI
  ranks = world.size;
#endif
  // Where the pairs ran (README "Running on a cluster": the thread rule).
  const std::string on = ranks > 1 ? fmt::format("on {} MPI ranks", ranks)
                                   : fmt::format("on {} {}", run.threads, noun(run.threads, "thread"));
  const std::size_t points = sweep.points.size();
  fmt::print("{}: {} {} x {} {} = {} {} (seed {}), {}\n", sweep.source, points,
             noun(static_cast<double>(points), "point"), sweep.replications, noun(sweep.replications, "replication"),
             pairs, noun(static_cast<double>(pairs), "pair"), sweep.seed, on);
  const std::size_t reps = static_cast<std::size_t>(sweep.replications);
  if (shard)
    fmt::print("shard {}: pairs {} to {} of {}, in points {} to {} (the table shows the points whole in it)\n",
               shard->label(), shard->first, shard->end - 1, pairs, sweep.points[shard->first / reps].id,
               sweep.points[(shard->end - 1) / reps].id);
  fmt::print("\n");
  if (warmup) {
    const std::string unit = point_model(sweep, 0).time_unit;
    fmt::print("{}, used by every point with warmup: auto\n\n", warmup->describe(unit));
    if (const std::string w = warmup->warning(); !w.empty()) std::cerr << w << "\n";
  }
  fmt::print("{:<6} {:<56}", "point", "changes");
  for (Kpi k : shown) fmt::print(" {:>22}", kpi_names()[static_cast<int>(k)]);
  fmt::print("\n");
  for (std::size_t p = 0; p < sweep.points.size(); ++p) {
    if (shard && !shard->whole(p, reps)) continue;
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
  sweep->add_option("--threads", a->threads,
                    "Worker threads (default: one per CPU this process may use, at most SLURM_CPUS_PER_TASK)")
      ->transform(integer_in(0, kMaxThreads));
  sweep->add_flag("--resume", a->resume, "Skip the pairs already done (kept in OUT.h5.journal)");
  sweep->add_option("--shard", a->shard,
                    "Run only shard I of N of the (point, replication) pairs (I/N, from 0), or 'auto' in a SLURM job "
                    "array; join the shards' files with eslabon merge");
  add_export_options(sweep, a->csv, a->xlsx);
  add_time_limit_option(sweep);  // README "Limits"
  commands.push_back({sweep, [a, argc, argv] { return cmd_sweep(*a, argc, argv); }});
}

}  // namespace eslabon::cli
