// eslabon run: run a model, print its KPIs with 95% confidence intervals, optionally write HDF5.

#include <models/output/output_path.hpp>
#include "command.hpp"
#include "format.hpp"
#include "options.hpp"
#include "signals.hpp"

#include <models/config/loader.hpp>
#include <models/output/hdf5_run.hpp>
#include <models/output/json.hpp>
#include <models/results/drift.hpp>
#include <models/results/run_result.hpp>

#include <fmt/core.h>

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string_view>
#include <thread>

namespace eslabon::cli {
namespace {

void print_tables(const RunResult& r, const Model& m) {
  fmt::print("{}: {} replications, seed {}, horizon {} {}s (warm-up {}), {} events\n\n", r.name, r.replications.size(),
             r.seed, fmt_num(m.run.horizon), m.time_unit, fmt_num(m.run.warmup), r.events());
  std::size_t w = 3;  // the KPI column fits the longest name
  for (const char* name : kpi_names()) w = std::max(w, std::string_view(name).size());
  fmt::print("{:<{}} {:>12} {:>28} {:>12}\n", "KPI", w, "mean", "95% CI", "std");
  for (int k = 0; k < kKpiCount; ++k) {
    Interval iv = r.kpi(static_cast<Kpi>(k));
    fmt::print("{:<{}} {:>12} {:>28} {:>12}\n", kpi_names()[k], w, fmt_num(iv.mean), fmt_ci(iv), fmt_num(iv.std));
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
  // Where the lead time went: causes with any time, largest first.
  std::vector<std::size_t> causes;
  for (std::size_t c = 0; c < r.cause_names.size(); ++c)
    if (r.delay_stat(c, DelayStat::Time).mean > 0) causes.push_back(c);
  std::stable_sort(causes.begin(), causes.end(), [&](std::size_t a, std::size_t b) {
    return r.delay_stat(a, DelayStat::Time).mean > r.delay_stat(b, DelayStat::Time).mean;
  });
  if (!causes.empty()) {
    fmt::print("\n{:<34} {:>22} {:>22} {:>22}\n", "where the time went (per order)", "time", "share of lead time",
               "share of lateness");
    for (std::size_t c : causes)
      fmt::print("{:<34} {:>22} {:>22} {:>22}\n", r.cause_names[c], fmt_pm(r.delay_stat(c, DelayStat::Time)),
                 fmt_pm(r.delay_stat(c, DelayStat::LeadShare)), fmt_pm(r.delay_stat(c, DelayStat::LatenessShare)));
  }
  if (!r.link_names.empty()) {
    fmt::print("\n{:<26}", "link");
    for (int k = 0; k < kLinkStatCount; ++k) fmt::print(" {:>13}", link_stat_names()[k]);
    fmt::print("\n");
    for (std::size_t l = 0; l < r.link_names.size(); ++l) {
      fmt::print("{:<26}", r.link_names[l]);
      for (int k = 0; k < kLinkStatCount; ++k)
        fmt::print(" {:>13}", fmt_num(r.link_stat(l, static_cast<LinkStat>(k)).mean));
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
    const FlowStat fshown[] = {FlowStat::LeadTimeMean, FlowStat::LeadTimeP95, FlowStat::OnTimeRate,
                               FlowStat::Throughput};
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

// On stderr, so that --json's stdout stays one JSON document.
void warn_drift(const RunResult& r) {
  std::string lines;
  for (const DriftRow& d : drift_check(r))
    if (d.drifting)
      lines += fmt::format(
          "  {}: first half {}, second half {} (difference {}, 99% CI [{}, {}]; {:.0f}% of its mean)\n",
          kpi_names()[static_cast<int>(d.kpi)], fmt_num(d.first), fmt_num(d.second), fmt_num(d.difference.mean),
          fmt_num(d.difference.low), fmt_num(d.difference.high), 100 * std::abs(d.relative));
  if (lines.empty()) return;
  std::cerr << "warning: the model drifts: these KPIs differ between the first and the second half of the "
               "measurement window, beyond chance and by more than 5% (README \"Steady state\"):\n"
            << lines
            << "  The figures depend on the horizon: lengthen the warm-up, or look for a trend (a finite customer "
               "base without acquisition only shrinks).\n";
}

int cmd_run(const RunArgs& a) {
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
  catch_stop_signals();
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
  warn_drift(result);
  const Interval unfinished = result.kpi(Kpi::OrdersUnfinished);
  if (unfinished.mean > 0)
    std::cerr << fmt::format(
        "warning: on average {} orders that arrived in the window were still open when the run stopped at "
        "horizon + (horizon - warmup); lead times leave them out. The model is probably unstable: see 'eslabon check {}'\n",
        fmt_num(unfinished.mean), a.config);
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<RunArgs>();
  auto* run = app.add_subcommand("run", "Run a model and print its KPIs with 95% confidence intervals");
  add_run_options(run, *a);
  run->add_option("-o,--output", a->output, "Write results to this HDF5 file");
  run->add_flag("--orders", a->orders, "Record one row per order (in the HDF5 file's /orders)");
  commands.push_back({run, [a] { return cmd_run(*a); }});
}

}  // namespace eslabon::cli
