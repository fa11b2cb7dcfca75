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
#include <models/studies/analytic.hpp>
#include <models/studies/check.hpp>
#include <models/studies/pressure.hpp>

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

// An origin of defects (a link, a skipped step) rather than a cause of delay or "(unattributed)":
// it has a rework cause of its own.
bool is_defect_origin(const RunResult& r, std::size_t g) {
  const std::string rework = "rework:" + r.origin_names[g];
  return std::find(r.cause_names.begin(), r.cause_names.end(), rework) != r.cause_names.end();
}

// Where the time and the money went (README "Where the time went", "Who pays"): one row per
// cause, joining the delay causes and the cost ledger's rows (an origin of defects shows the
// rework time its defects caused), largest cost first, then largest time; rows with neither
// left out.
void print_causes(const RunResult& r, const Model& m) {
  struct Row {
    std::string name;
    Interval time, lateness_share, copq, copq_share;
  };
  const Interval none{std::nan(""), std::nan(""), std::nan(""), std::nan(""), 0};
  std::vector<Row> rows;
  std::vector<bool> joined(r.cause_names.size(), false);
  bool any_cost = false;
  for (std::size_t g = 0; g < r.origin_names.size(); ++g) {
    Row row{r.origin_names[g], none, none, r.origin_stat(g, OriginStat::CopqPerOrder),
            r.origin_stat(g, OriginStat::CopqShare)};
    const std::string delay_name = is_defect_origin(r, g) ? "rework:" + r.origin_names[g] : r.origin_names[g];
    auto it = std::find(r.cause_names.begin(), r.cause_names.end(), delay_name);
    if (it != r.cause_names.end()) {
      const std::size_t c = static_cast<std::size_t>(it - r.cause_names.begin());
      joined[c] = true;
      row.time = r.delay_stat(c, DelayStat::Time);
      row.lateness_share = r.delay_stat(c, DelayStat::LatenessShare);
    }
    if (row.copq.mean > 0) any_cost = true;
    rows.push_back(std::move(row));
  }
  for (std::size_t c = 0; c < r.cause_names.size(); ++c)  // none today: every cause has a ledger row
    if (!joined[c])
      rows.push_back({r.cause_names[c], r.delay_stat(c, DelayStat::Time), r.delay_stat(c, DelayStat::LatenessShare),
                      none, none});
  auto positive = [](const Interval& iv) { return iv.mean > 0; };
  std::erase_if(rows, [&](const Row& x) { return !positive(x.time) && !positive(x.copq); });
  if (rows.empty()) return;
  auto key = [](const Interval& iv) { return std::isnan(iv.mean) ? 0.0 : iv.mean; };
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    if (key(a.copq) != key(b.copq)) return key(a.copq) > key(b.copq);
    return key(a.time) > key(b.time);
  });
  std::size_t w = 34;
  for (const Row& x : rows) w = std::max(w, x.name.size() + 1);
  const std::string time_head = "time (" + m.time_unit + "s)";
  if (any_cost) {
    fmt::print("\n{:<{}} {:>22} {:>22} {:>22} {:>22}\n", "where the time and money went", w, time_head,
               "share of lateness", "copq", "share of copq");
    for (const Row& x : rows)
      fmt::print("{:<{}} {:>22} {:>22} {:>22} {:>22}\n", x.name, w, fmt_pm(x.time), fmt_pm(x.lateness_share),
                 fmt_pm(x.copq), fmt_pm(x.copq_share));
    fmt::print("(per delivered order; an origin of defects shows the rework time its defects caused)\n");
  } else {
    fmt::print("\n{:<{}} {:>22} {:>22}\n", "where the time went", w, time_head, "share of lateness");
    for (const Row& x : rows)
      fmt::print("{:<{}} {:>22} {:>22}\n", x.name, w, fmt_pm(x.time), fmt_pm(x.lateness_share));
    fmt::print("(per delivered order)\n");
  }
}

void print_tables(const RunResult& r, const Model& m) {
  const double reps = static_cast<double>(r.replications.size()), events = static_cast<double>(r.events());
  fmt::print("{}: {} {}, seed {}, horizon {} (warm-up {}), {} {}, {} {}\n", r.name, r.replications.size(),
             noun(reps, "replication"), r.seed, quantity(m.run.horizon, m.time_unit), fmt_num(r.warmup), r.events(),
             noun(events, "event"), r.threads, noun(static_cast<double>(r.threads), "thread"));
  // README "Warm-up and replications without guessing": how they were chosen.
  if (r.warmup_auto) fmt::print("{}\n", r.warmup_auto->describe(m.time_unit));
  if (r.stopping) fmt::print("{}\n", r.stopping->describe());
  fmt::print("\n");
  std::size_t w = 3;  // the KPI column fits the longest name
  for (const char* name : kpi_names()) w = std::max(w, std::string_view(name).size());
  fmt::print("{:<{}} {:>12} {:>28} {:>12}\n", "KPI", w, "mean", "95% CI", "std");
  for (int k = 0; k < kKpiCount; ++k) {
    Interval iv = r.kpi(static_cast<Kpi>(k));
    fmt::print("{:<{}} {:>12} {:>28} {:>12}\n", kpi_names()[k], w, fmt_num(iv.mean), fmt_ci(iv), fmt_num(iv.std));
  }
  fmt::print("\n{:<16}", "unit");
  std::vector<UnitStat> shown = {UnitStat::Utilisation, UnitStat::MeanQueue, UnitStat::MeanWait, UnitStat::Throughput};
  // Columns of features the model uses: impatient orders, outages.
  if (std::any_of(m.flows.begin(), m.flows.end(), [](const Flow& f) { return f.has_patience; }))
    shown.push_back(UnitStat::Abandoned);
  if (std::any_of(m.units.begin(), m.units.end(), [](const Unit& u) { return u.outages; }))
    shown.push_back(UnitStat::Availability);
  for (UnitStat s : shown) fmt::print(" {:>22}", unit_stat_names()[static_cast<int>(s)]);
  fmt::print("\n");
  for (std::size_t u = 0; u < r.unit_names.size(); ++u) {
    fmt::print("{:<16}", r.unit_names[u]);
    for (UnitStat s : shown) fmt::print(" {:>22}", fmt_pm(r.unit_stat(u, s)));
    fmt::print("\n");
  }
  for (std::size_t u = 0; u < r.unit_names.size(); ++u)  // README "Pressure": time averages over the window
    if (std::isfinite(r.unit_stat(u, UnitStat::PressureSpeed).mean))
      fmt::print("pressure at {}: speedup {}, errors x {}, at its highest level {} of the time\n", r.unit_names[u],
                 fmt_pm(r.unit_stat(u, UnitStat::PressureSpeed)), fmt_pm(r.unit_stat(u, UnitStat::PressureErrors)),
                 fmt_pm(r.unit_stat(u, UnitStat::PressureTop)));
  print_causes(r, m);
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
    // Service contracts: the met rate against the target share (results/contracts.cpp).
    Table contracts = r.contracts_table();
    const auto& names = contracts.str("link");
    for (std::size_t i = 0; i < names.size(); ++i) {
      const double share = contracts.f64("share")[i], met = contracts.f64("met_rate")[i];
      const Interval iv{met, contracts.f64("ci_low")[i], contracts.f64("ci_high")[i], 0, 0};
      fmt::print("{}contract {}: within {}, met {}", i == 0 ? "\n" : "", names[i],
                 quantity(contracts.f64("within")[i], m.time_unit), fmt_pm(iv));
      if (std::isfinite(share) && std::isfinite(met))
        fmt::print(" against a target of {}: {}{}", fmt_num(share), met >= share ? "met" : "missed",
                   contracts.f64("sure")[i] == 1 ? "" : " (not sure: the 95% CI includes the target)");
      if (contracts.f64("penalty")[i] > 0) fmt::print("; penalty {} per late handoff", fmt_num(contracts.f64("penalty")[i]));
      fmt::print("\n");
    }
    // The origins of defects (the ledger's first rows: each has its rework cause).
    fmt::print("\n{:<26} {:>22} {:>22}\n", "origin of defects", "visible_defects", "visible_share");
    for (std::size_t g = 0; g < r.origin_names.size(); ++g) {
      if (!is_defect_origin(r, g)) continue;
      fmt::print("{:<26} {:>22} {:>22}\n", r.origin_names[g], fmt_pm(r.origin_stat(g, OriginStat::VisibleDefects)),
                 fmt_pm(r.origin_stat(g, OriginStat::VisibleShare)));
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

// Customers who remember (README "Customers who remember"): the share of customers by score band.
void print_satisfaction(const RunResult& r) {
  if (r.band_names.empty()) return;
  fmt::print("\n{:<16} {:>22} {:>22}\n", "satisfaction", "share", "customers");
  for (std::size_t b = 0; b < r.band_names.size(); ++b)
    fmt::print("{:<16} {:>22} {:>22}\n", r.band_names[b], fmt_pm(r.satisfaction_stat(b, SatisfactionStat::Share)),
               fmt_pm(r.satisfaction_stat(b, SatisfactionStat::Customers)));
  fmt::print("(score bands of the customers in bases with memory, time averages over the window)\n");
}

// On stderr, so that --json's stdout stays one JSON document.
void warn_drift(const RunResult& r) {
  std::string lines;
  for (const DriftRow& d : drift_check(r))
    if (d.drifting)
      lines += fmt::format("  {}: first half {}, second half {} (difference {}, 99% CI [{}, {}]; {} of its mean)\n",
                           kpi_names()[static_cast<int>(d.kpi)], fmt_num(d.first), fmt_num(d.second),
                           fmt_num(d.difference.mean), fmt_num(d.difference.low), fmt_num(d.difference.high),
                           format_percent(std::abs(d.relative)));
  if (lines.empty()) return;
  std::cerr << "warning: the model drifts: these KPIs differ between the first and the second half of the "
               "measurement window, beyond chance and by more than 5% (README \"Steady state\"):\n"
            << lines
            << "  The figures depend on the horizon: lengthen the warm-up, or look for a trend (a finite customer "
               "base without acquisition only shrinks).\n";
}

// Before the run, on stderr: the warning `eslabon check` prints for a unit whose offered load is
// at least 1 (an unbounded queue: studies/analytic.hpp), with the units named.
void warn_unstable(const Model& m, const std::string& config) {
  const std::vector<UnitLoad> load = check_model(m).analysis.units;  // as check: late shares settled
  std::string units;
  for (std::size_t u = 0; u < m.units.size() && u < load.size(); ++u)
    if (load[u].utilisation >= 1 && m.units[u].capacity < 0)
      units += fmt::format("{}{} (utilisation {})", units.empty() ? "" : ", ", m.units[u].name,
                           fmt_num(load[u].utilisation));
  if (units.empty()) return;
  std::cerr << "warning: a unit has utilisation >= 1; its queue grows without bound\n  " << units
            << "; see 'eslabon check " << config << "'\n";
}

int cmd_run(const RunArgs& a) {
  Model model;
  std::string output;
  // -o - writes to standard output what --json prints (README "Output conventions").
  const bool json = a.json || is_standard_stream(a.output);
  const bool file = !a.output.empty() && !is_standard_stream(a.output);
  ExportTargets exports;
  try {
    model = load_config(a.config, overrides_of(a));
    if (file) output = check_output_path(a.output, a.config);
    exports = export_targets(a.csv, a.xlsx, {{a.config, "the config file itself"}, {output, "the file given to -o"}},
                             json);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  }
  warn_unstable(model, a.config);
  if (a.orders && !file)
    std::cerr << "warning: --orders records one row per order in the HDF5 file; without -o FILE they are not kept\n";
  if (a.events && !file)
    std::cerr << "warning: --events records the event log in the HDF5 file; without -o FILE it is not kept\n";
  RunOptions opt;
  opt.threads = a.threads;
  opt.record_orders = a.orders;
  opt.events.on = a.events;
  opt.events.orders = a.events_orders;
  opt.events.replications = a.events_replications;
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
        const int reps = model.run.until > 0 ? model.run.until_max : model.run.replications;
        std::fprintf(stderr, "\r  %5.1f%% of %s%d %s  %.0fs elapsed  eta %.0fs   ", 100 * f,
                     model.run.until > 0 ? "up to " : "", reps, noun(reps, "replication").c_str(), el, eta);
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
    return stopped_exit();
  } catch (const std::exception& e) {
    stop_progress();
    std::cerr << "eslabon: run failed: " << e.what() << "\n";
    return kFailure;
  }
  stop_progress();
  if (file) {
    try {
      write_hdf5(output, model, result);
    } catch (const std::exception& e) {
      std::cerr << "eslabon: writing " << a.output << " failed: " << e.what() << "\n";
      return kFailure;
    }
  }
  const std::vector<ExportTable> tables = exports.any() ? run_export(result) : std::vector<ExportTable>{};
  if (exports.any() && !write_exports(exports, tables)) return kFailure;
  const bool text = !json && !exports.csv_stdout;  // else standard output takes the JSON, or the CSV
  if (json)
    std::cout << to_json(result) << "\n";
  else if (text) {
    print_tables(result, model);
    print_satisfaction(result);
  }
  if (file && text) fmt::print("\nresults written to {}\n", a.output);
  if (exports.any() && text) fmt::print("{}{}", file ? "" : "\n", exports_note(a.csv, a.xlsx, tables.size()));
  if (const std::string note = result.event_log_note(); !note.empty())  // README "Event logs for process mining"
    std::cerr << note << (note.find("the first") != std::string::npos ? " (--events-orders N records more)" : "")
              << "\n";
  if (result.warmup_auto) {
    if (const std::string w = result.warmup_auto->warning(); !w.empty()) std::cerr << w << "\n";
    model = with_warmup(model, result.warmup);  // for the notes below, which read the window
  }
  if (result.stopping && !result.stopping->warning().empty()) std::cerr << result.stopping->warning() << "\n";
  if (const std::string note = period_note(model); !note.empty()) std::cerr << note << "\n";
  if (const std::string tip = pressure_warning(model); !tip.empty()) std::cerr << tip << "\n";
  warn_drift(result);
  const Interval unfinished = result.kpi(Kpi::OrdersUnfinished);
  if (unfinished.mean > 0)
    std::cerr << fmt::format(
        "warning: on average {} that arrived in the window {} still open when the run stopped at "
        "horizon + (horizon - warmup); lead times leave them out. The model is probably unstable: see 'eslabon check {}'\n",
        quantity(unfinished.mean, "order"), fmt_num(unfinished.mean) == "1" ? "was" : "were", a.config);
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<RunArgs>();
  auto* run = app.add_subcommand("run", "Run a model and print its KPIs with 95% confidence intervals");
  add_run_options(run, *a);
  run->add_option("-o,--output", a->output,
                  "Write results to this HDF5 file (-: the JSON of --json to standard output)");
  run->add_flag("--orders", a->orders, "Record one row per order (in the HDF5 file's /orders)");
  auto* events = run->add_flag("--events", a->events,
                               "Record the event log for process mining (the HDF5 file's /events; eslabon export)");
  run->add_option("--events-orders", a->events_orders,
                  "With --events: the orders recorded per replication, the first by arrival (default 10000)")
      ->check(CLI::PositiveNumber)
      ->needs(events);
  run->add_option("--events-replications", a->events_replications,
                  "With --events: record replications 0 to N - 1 (default 1: replication 0 only)")
      ->check(CLI::PositiveNumber)
      ->needs(events);
  commands.push_back({run, [a] { return cmd_run(*a); }});
}

}  // namespace eslabon::cli
