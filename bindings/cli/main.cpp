// The eslabon command: a thin door onto models/ (CLI11 for arguments, fmt for tables).
//
// Exit codes: 0 success; 2 bad input (config, arguments, output path), nothing written;
// 1 failure at run time; 130 interrupted (Ctrl-C), nothing written.

#include <eslabon/core/version.hpp>
#include <models/studies/analytic.hpp>
#include <models/studies/compare.hpp>
#include <models/studies/sweep.hpp>
#ifdef ESLABON_HAVE_MPI
#include "mpi_sweep.hpp"
#include <mpi.h>
#endif
#include <models/config/loader.hpp>
#include <models/output/hdf5_run.hpp>
#include <models/output/json.hpp>
#include <models/output/sweep_recorder.hpp>
#include <models/results/run_result.hpp>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace {

std::atomic<bool> g_stop{false};
// First Ctrl-C (or SIGTERM): stop cleanly at the next check; a second one: the default action.
extern "C" void on_sigint(int sig) {
  g_stop.store(true);
  std::signal(sig, SIG_DFL);
}

constexpr int kBadInput = 2;
constexpr int kFailure = 1;
constexpr int kInterrupted = 130;

std::string fmt_num(double x) {
  if (std::isnan(x)) return "-";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  double a = std::fabs(x);
  if (a != 0 && (a >= 1e6 || a < 1e-3)) return fmt::format("{:.4g}", x);
  if (a >= 1000) return fmt::format("{:.1f}", x);
  return fmt::format("{:.4f}", x);
}

// "mean ± half-width" (just the mean when there is no interval).
std::string fmt_pm(const eslabon::Interval& iv) {
  std::string cell = fmt_num(iv.mean);
  if (!std::isnan(iv.low)) cell += " ± " + fmt_num(iv.half_width());
  return cell;
}

std::string fmt_ci(const eslabon::Interval& iv) {
  if (std::isnan(iv.low)) return "-";
  return "[" + fmt_num(iv.low) + ", " + fmt_num(iv.high) + "]";
}

void print_tables(const eslabon::RunResult& r, const eslabon::Model& m) {
  using namespace eslabon;
  fmt::print("{}: {} replications, seed {}, horizon {} {}s (warm-up {}), {} events\n\n", r.name, r.replications.size(),
             r.seed, fmt_num(m.run.horizon), m.time_unit, fmt_num(m.run.warmup), r.events());
  fmt::print("{:<20} {:>12} {:>28} {:>12}\n", "KPI", "mean", "95% CI", "std");
  for (int k = 0; k < kKpiCount; ++k) {
    Interval iv = r.kpi(static_cast<Kpi>(k));
    fmt::print("{:<20} {:>12} {:>28} {:>12}\n", kpi_names()[k], fmt_num(iv.mean), fmt_ci(iv), fmt_num(iv.std));
  }
  fmt::print("\n{:<16}", "unit");
  const UnitStat shown[] = {UnitStat::Utilisation, UnitStat::MeanQueue, UnitStat::MeanWait, UnitStat::Throughput};
  for (UnitStat s : shown) fmt::print(" {:>22}", unit_stat_names()[static_cast<int>(s)]);
  fmt::print("\n");
  for (std::size_t u = 0; u < r.unit_names.size(); ++u) {
    fmt::print("{:<16}", r.unit_names[u]);
    for (UnitStat s : shown) fmt::print(" {:>22}", fmt_pm(r.unit_stat(u, s)));
    fmt::print("\n");
  }
  if (!r.link_names.empty()) {
    fmt::print("\n{:<26}", "link");
    for (int k = 0; k < kLinkStatCount; ++k) fmt::print(" {:>13}", link_stat_names()[k]);
    fmt::print("\n");
    for (std::size_t l = 0; l < r.link_names.size(); ++l) {
      fmt::print("{:<26}", r.link_names[l]);
      for (int k = 0; k < kLinkStatCount; ++k) fmt::print(" {:>13}", fmt_num(r.link_stat(l, static_cast<LinkStat>(k)).mean));
      fmt::print("\n");
    }
    fmt::print("\n{:<26} {:>22} {:>22} {:>22}\n", "origin", "visible_share", "copq_share", "copq");
    for (std::size_t g = 0; g < r.origin_names.size(); ++g) {
      auto cell = [&](OriginStat s) { return fmt_pm(r.origin_stat(g, s)); };
      fmt::print("{:<26} {:>22} {:>22} {:>22}\n", r.origin_names[g], cell(OriginStat::VisibleShare),
                 cell(OriginStat::CopqShare), cell(OriginStat::Copq));
    }
  }
  if (r.flow_names.size() > 1) {
    const FlowStat fshown[] = {FlowStat::LeadTimeMean, FlowStat::LeadTimeP95, FlowStat::OnTimeRate, FlowStat::Throughput};
    fmt::print("\n{:<16}", "flow");
    for (FlowStat s : fshown) fmt::print(" {:>22}", flow_stat_names()[static_cast<int>(s)]);
    fmt::print("\n");
    for (std::size_t f = 0; f < r.flow_names.size(); ++f) {
      fmt::print("{:<16}", r.flow_names[f]);
      for (FlowStat s : fshown) fmt::print(" {:>22}", fmt_pm(r.flow_stat(f, s)));
      fmt::print("\n");
    }
  }
}

// Fails with a bad-input message when `path` cannot or must not be written (before any work
// starts). Returns the path to write: a symbolic link is followed, so the file it points to is
// replaced and the link stays.
std::string check_output_path(const std::string& path, const std::string& config) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(path), ec);
  if (ec) p = fs::path(path);
  fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::is_directory(dir, ec))
    throw eslabon::ConfigError("-o " + path + ": expected a file in an existing directory, found no directory " + dir.string());
  if (fs::exists(p, ec) && !fs::is_regular_file(p, ec))
    throw eslabon::ConfigError("-o " + path + ": expected a regular file (or a new name), found " +
                               (fs::is_directory(p, ec) ? std::string("a directory") : std::string("a device, socket or pipe")));
  if (fs::exists(p, ec) && fs::equivalent(p, fs::path(config), ec))
    throw eslabon::ConfigError("-o " + path + ": expected an output file, found the config file itself");
  if (::access(dir.c_str(), W_OK) != 0)
    throw eslabon::ConfigError("-o " + path + ": expected a writable directory, " + dir.string() + " is not writable");
  return p.string();
}

struct RunArgs {
  std::string config;
  std::string output;
  int replications = 0;
  std::string seed;
  unsigned threads = 0;
  std::string horizon, warmup;
  std::vector<std::string> sets;
  bool json = false;
  bool orders = false;
};

std::vector<eslabon::Override> overrides_of(const RunArgs& a) {
  std::vector<eslabon::Override> ov;
  for (const auto& s : a.sets) ov.push_back(eslabon::parse_override(s));
  if (!a.horizon.empty()) ov.push_back({"run.horizon", a.horizon, "--horizon " + a.horizon});
  if (!a.warmup.empty()) ov.push_back({"run.warmup", a.warmup, "--warmup " + a.warmup});
  if (a.replications > 0)
    ov.push_back({"run.replications", std::to_string(a.replications), "--replications " + std::to_string(a.replications)});
  if (!a.seed.empty()) ov.push_back({"run.seed", a.seed, "--seed " + a.seed});
  return ov;
}

int cmd_run(const RunArgs& a) {
  using namespace eslabon;
  Model model;
  std::string output;
  try {
    model = load_model_file(a.config, overrides_of(a));
    if (!a.output.empty()) output = check_output_path(a.output, a.config);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  }
  if (a.orders && a.output.empty())
    std::cerr << "warning: --orders records one row per order in the HDF5 file; without -o they are not kept\n";
  RunOptions opt;
  opt.threads = a.threads;
  opt.record_orders = a.orders;
  opt.control.stop = &g_stop;
  // Progress on stderr when it is a terminal and the run takes more than ~2 s.
  ProgressBoard board;
  opt.progress = &board;
  std::atomic<bool> finished{false};
  bool shown = false;
  std::thread progress_thread;
  if (::isatty(STDERR_FILENO)) {
    progress_thread = std::thread([&] {
      const auto t0 = std::chrono::steady_clock::now();
      while (!finished.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        if (finished.load()) break;
        double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (el < 2.0) continue;
        double f = board.fraction();
        double eta = f > 0 ? el * (1 - f) / f : 0;
        std::fprintf(stderr, "\r  %5.1f%% of %d replications  %.0fs elapsed  eta %.0fs   ", 100 * f,
                     model.run.replications, el, eta);
        std::fflush(stderr);
        shown = true;
      }
    });
  }
  auto stop_progress = [&] {
    finished.store(true);
    if (progress_thread.joinable()) progress_thread.join();
    if (shown) std::fprintf(stderr, "\r%*s\r", 70, "");
  };
  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);
  RunResult result;
  try {
    result = run_model(model, opt);
  } catch (const Interrupted&) {
    stop_progress();
    std::cerr << "eslabon: interrupted; nothing written\n";
    return kInterrupted;
  } catch (const std::exception& e) {
    stop_progress();
    std::cerr << "eslabon: run failed: " << e.what() << "\n";
    return kFailure;
  }
  stop_progress();
  if (!a.output.empty()) {
    try {
      write_hdf5(output, model, result);
    } catch (const std::exception& e) {
      std::cerr << "eslabon: writing " << a.output << " failed: " << e.what() << "\n";
      return kFailure;
    }
  }
  if (a.json)
    std::cout << to_json(result) << "\n";
  else
    print_tables(result, model);
  if (!a.output.empty() && !a.json) fmt::print("\nresults written to {}\n", a.output);
  const Interval unfinished = result.kpi(Kpi::OrdersUnfinished);
  if (unfinished.mean > 0)
    std::cerr << fmt::format(
        "warning: on average {} orders that arrived in the window were still open when the run stopped at "
        "horizon + (horizon - warmup); lead times leave them out. The model is probably unstable: see 'eslabon check {}'\n",
        fmt_num(unfinished.mean), a.config);
  return 0;
}

// Shared by compare and rank: the run options of RunArgs, the model loaded with them.
struct Loaded {
  eslabon::Model model;
  eslabon::RunOptions options;
};

Loaded load_for_study(const RunArgs& a) {
  Loaded l;
  l.model = eslabon::load_model_file(a.config, overrides_of(a));
  l.options.threads = a.threads;
  l.options.control.stop = &g_stop;
  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);
  return l;
}

void print_table(const eslabon::Table& t, const std::vector<std::string>& columns, std::size_t first_width) {
  auto cell_out = [&](std::size_t c, const std::string& text) {
    if (c == 0)
      fmt::print("{:<{}}", text, first_width);
    else
      fmt::print(" {:>{}}", text, 14);
  };
  for (std::size_t c = 0; c < columns.size(); ++c) cell_out(c, columns[c]);
  fmt::print("\n");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const eslabon::Column* col = t.find(columns[c]);
      std::string cell;
      std::visit(
          [&](const auto& v) {
            using T = typename std::decay_t<decltype(v)>::value_type;
            if constexpr (std::is_same_v<T, double>) cell = fmt_num(v[r]);
            else if constexpr (std::is_same_v<T, std::int64_t>) cell = std::to_string(v[r]);
            else cell = v[r];
          },
          col->data);
      cell_out(c, cell);
    }
    fmt::print("\n");
  }
}

int cmd_compare(const RunArgs& a, const std::string& scenario) {
  using namespace eslabon;
  Loaded l;
  Model variant;
  try {
    l = load_for_study(a);
    variant = scenario_model(l.model, scenario, overrides_of(a));
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  }
  RunResult base, var;
  try {
    base = run_model(l.model, l.options);
    var = run_model(variant, l.options);
  } catch (const Interrupted&) {
    std::cerr << "eslabon: interrupted\n";
    return kInterrupted;
  }
  Table t = compare_runs(base, var);
  if (a.json) {
    std::cout << comparison_json(l.model.name, scenario, base.replications.size(), base.seed, t) << "\n";
    return 0;
  }
  fmt::print("{}: scenario '{}' against the base, {} paired replications (seed {})\n", l.model.name, scenario,
             base.replications.size(), base.seed);
  fmt::print("diff = variant - base; its 95% CI is paired (common random numbers); 'unpaired' is the half-width\n"
             "two independent runs would have given\n\n");
  print_table(t, {"kpi", "base_mean", "variant_mean", "diff_mean", "diff_ci_low", "diff_ci_high", "paired_half_width",
                  "unpaired_half_width"},
              30);
  return 0;
}

int cmd_rank(const RunArgs& a, const std::string& kpi_name) {
  using namespace eslabon;
  Loaded l;
  Kpi kpi;
  try {
    l = load_for_study(a);
    kpi = kpi_from_name(kpi_name);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  }
  Table t;
  try {
    t = rank_links(l.model, l.options, kpi);
  } catch (const Interrupted&) {
    std::cerr << "eslabon: interrupted\n";
    return kInterrupted;
  }
  const std::size_t reps = static_cast<std::size_t>(l.model.run.replications);
  if (a.json) {
    std::cout << ranking_json(l.model.name, kpi_name, reps, l.model.run.seed, t) << "\n";
    return 0;
  }
  fmt::print("{}: the cost of each weak link on {}, {} paired replications (seed {})\n", l.model.name, kpi_name, reps,
             l.model.run.seed);
  fmt::print("effect = base - fixed (the link's defects or skips set to 0), with its paired 95% CI\n\n");
  if (t.rows() == 0) {
    fmt::print("(the model has no link with defect > 0 and no task with skip > 0)\n");
    return 0;
  }
  print_table(t, {"link", "kind", "base_mean", "fixed_mean", "effect_mean", "effect_ci_low", "effect_ci_high"}, 26);
  return 0;
}

int cmd_sweep(const std::string& file, const std::string& output_arg, unsigned threads, bool resume, int* argc,
              char*** argv) {
  using namespace eslabon;
  Sweep sweep;
  std::string output;
  std::string error;
  int status = 0;
  try {
    sweep = load_sweep_file(file);  // every rank checks the same file and finds the same errors
  } catch (const ConfigError& e) {
    error = e.what();
    status = kBadInput;
  }
  int rank = 0;
#ifdef ESLABON_HAVE_MPI
  cli::MpiWorld world = cli::mpi_start(argc, argv);
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
  if (const char* ntasks = std::getenv("SLURM_NTASKS"); status == 0 && ntasks && std::atoi(ntasks) > 1 && !world_active) {
    const char* procid = std::getenv("SLURM_PROCID");
    rank = procid ? std::atoi(procid) : 0;
    error = std::string("eslabon sweep: started as ") + ntasks +
            " SLURM tasks that are not one MPI job; expected an MPI launch (srun --mpi=pmix) or a single task";
    status = kBadInput;
  }
  if (status == 0 && rank == 0) {
    try {
      if (!output_arg.empty()) output = check_output_path(output_arg, file);
      if (resume && output.empty()) throw ConfigError("--resume: expected -o OUT.h5 (the sweep to resume), found none");
    } catch (const ConfigError& e) {
      error = e.what();
      status = kBadInput;
    }
  }
#ifdef ESLABON_HAVE_MPI
  if (world.active) MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);  // everyone stops, or nobody
  struct Finalize {
    cli::MpiWorld w;
    ~Finalize() { cli::mpi_stop(w); }
  } finalize{world};
#endif
  if (status != 0) {
    if (rank == 0) std::cerr << error << "\n";
    return status;
  }
#ifdef ESLABON_HAVE_MPI
  if (world.rank != 0) {
    cli::mpi_worker(world, sweep);
    return 0;
  }
  PairExecutor executor;
  if (world.size > 1) executor = cli::mpi_master(world);
#else
  PairExecutor executor;
#endif
  RunOptions opt;
  opt.threads = threads;
  opt.control.stop = &g_stop;
  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);
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
  try {
    std::unique_ptr<SweepFileRecorder> files;  // the journal and the HDF5 file
    if (!output.empty()) files = std::make_unique<SweepFileRecorder>(sweep, output, resume);
    SweepRecorders recorders{files.get(), &kpis};
    SweepRun run = run_sweep(sweep, opt, recorders, executor);
    if (run.resumed) std::cerr << "resumed: " << run.resumed << " pairs were already done\n";
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
  fmt::print("{}: {} points x {} replications = {} pairs (seed {})\n\n", sweep.source, sweep.points.size(),
             sweep.replications, pairs, sweep.seed);
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
  return 0;
}

int cmd_check(const std::string& config, const std::vector<std::string>& sets) {
  using namespace eslabon;
  Model m;
  try {
    std::vector<Override> ov;
    for (const auto& s : sets) ov.push_back(parse_override(s));
    m = load_model_file(config, ov);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  }
  auto load = offered_load(m);
  fmt::print("{}: {} units, {} flows; time unit {}\n\n", m.name, m.units.size(), m.flows.size(), m.time_unit);
  fmt::print("{:<16} {:>8} {:>10} {:>14} {:>12}\n", "unit", "servers", "discipline", "arrival rate", "utilisation");
  bool unstable = false;
  for (std::size_t u = 0; u < m.units.size(); ++u) {
    fmt::print("{:<16} {:>8} {:>10} {:>14} {:>12}{}\n", m.units[u].name, m.units[u].servers, to_string(m.units[u].discipline),
               fmt_num(load[u].arrival_rate), fmt_num(load[u].utilisation),
               load[u].utilisation >= 1 && m.units[u].capacity < 0 ? "  UNSTABLE" : "");
    unstable = unstable || (load[u].utilisation >= 1 && m.units[u].capacity < 0);
  }
  for (const auto& f : m.flows) {
    fmt::print("\nflow {}: interarrival {}, due {}\n", f.name, f.interarrival.describe(), fmt_num(f.due));
    for (const auto& t : f.tasks) {
      std::string after;
      for (int a : t.after) after += (after.empty() ? "" : ", ") + f.tasks[a].name;
      fmt::print("  {:<16} at {:<14} {}{}\n", t.name, m.units[t.unit].name, t.service.describe(),
                 after.empty() ? "" : "  after " + after);
    }
  }
  for (const auto& L : m.links)
    fmt::print("\nlink {}: defect {}, detect {}, on_detect {}{}", L.key, fmt_num(L.defect), fmt_num(L.detect), to_string(L.on_detect),
               L.has_delay ? ", delay " + L.delay.describe() : "");
  if (!m.links.empty()) fmt::print("\n");
  if (unstable) fmt::print("\nwarning: a unit has utilisation >= 1; its queue grows without bound\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eslabon: discrete-event simulation of organisational value chains"};
  app.set_version_flag("--version", std::string("eslabon ") + eslabon::version);
  app.require_subcommand(1);

  // run, compare and rank share the model and run options.
  auto run_options = [](CLI::App* cmd, RunArgs& a) {
    cmd->add_option("config", a.config, "Model config (YAML)")->required();
    cmd->add_option("--replications", a.replications, "Number of replications (overrides run.replications)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--seed", a.seed, "Master seed, an integer >= 0 (overrides run.seed)");
    cmd->add_option("--threads", a.threads, "Worker threads (default: one per core)")->check(CLI::Range(0, 4096));
    cmd->add_option("--horizon", a.horizon, "Simulated time span, e.g. 20000 or 2w (overrides run.horizon)");
    cmd->add_option("--warmup", a.warmup, "Warm-up period (overrides run.warmup)");
    cmd->add_option("--set", a.sets, "Override a config value by path: --set units.production.servers=5")
        ->type_name("PATH=VALUE");
    cmd->add_flag("--json", a.json, "Print one JSON object instead of tables");
  };
  RunArgs ra;
  auto* run = app.add_subcommand("run", "Run a model and print its KPIs with 95% confidence intervals");
  run_options(run, ra);
  run->add_option("-o,--output", ra.output, "Write results to this HDF5 file");
  run->add_flag("--orders", ra.orders, "Record one row per order (in the HDF5 file's /orders)");

  RunArgs ca;
  std::string scenario;
  auto* compare = app.add_subcommand("compare", "Compare a scenario of the config with the base, paired by common random numbers");
  run_options(compare, ca);
  compare->add_option("--scenario", scenario, "Name of a scenario in the config's scenarios section")->required();
  RunArgs rka;
  std::string rank_kpi = "copq_per_order";
  auto* rank = app.add_subcommand("rank", "Rank the weak links by what fixing each one changes (paired)");
  run_options(rank, rka);
  rank->add_option("--kpi", rank_kpi, "KPI to rank on (default copq_per_order)");

  std::string sweep_file, sweep_out;
  unsigned sweep_threads = 0;
  auto* sweep = app.add_subcommand("sweep", "Run a sweep file: every grid point and scenario, paired by common random numbers");
  sweep->add_option("sweep", sweep_file, "Sweep file (YAML: model, replications, seed, grid, scenarios)")->required();
  sweep->add_option("-o,--output", sweep_out, "Write results to this HDF5 file");
  sweep->add_option("--threads", sweep_threads, "Worker threads (default: one per core)")->check(CLI::Range(0, 4096));
  bool sweep_resume = false;
  sweep->add_flag("--resume", sweep_resume, "Skip the pairs already done (kept in OUT.h5.journal)");

  std::string check_config;
  std::vector<std::string> check_sets;
  auto* check = app.add_subcommand("check", "Validate a model and show its offered load per unit");
  check->add_option("config", check_config, "Model config (YAML)")->required();
  check->add_option("--set", check_sets, "Override a config value by path")->type_name("PATH=VALUE");

  if (argc > 1 && argv[1][0] != '-') {
    const std::string cmd = argv[1];
    std::vector<std::string> known;
    for (const auto* sub : app.get_subcommands({})) known.push_back(sub->get_name());
    if (std::find(known.begin(), known.end(), cmd) == known.end()) {
      std::string hint = eslabon::did_you_mean(cmd, known);
      std::cerr << "eslabon: unknown command '" << cmd << "'" << (hint.empty() ? "" : " (did you mean '" + hint + "'?)")
                << "; expected one of run, check, compare, rank, sweep\n(run 'eslabon --help' for usage)\n";
      return kBadInput;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "eslabon: " << e.what() << "\n(run 'eslabon --help' for usage)\n";
    return kBadInput;
  }
  try {
    if (*run) return cmd_run(ra);
    if (*check) return cmd_check(check_config, check_sets);
    if (*compare) return cmd_compare(ca, scenario);
    if (*rank) return cmd_rank(rka, rank_kpi);
    if (*sweep) return cmd_sweep(sweep_file, sweep_out, sweep_threads, sweep_resume, &argc, &argv);
  } catch (const eslabon::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "eslabon: " << e.what() << "\n";
    return kFailure;
  }
  return 0;
}
