// eslabon rank: every weak point ranked by what fixing it changes on a KPI (paired), with
// costed scenarios' net benefit, optional Shapley contributions and a plan within a budget.

#include "command.hpp"
#include "format.hpp"
#include "options.hpp"
#include "signals.hpp"

#include <models/config/loader.hpp>
#include <models/studies/compare.hpp>
#include <models/studies/rank.hpp>

#include <fmt/core.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

namespace eslabon::cli {
namespace {

struct RankArgs {
  RunArgs run;
  std::string kpi = "copq_per_order";
  bool shapley = false;
  std::string budget;  // as written, for the message
};

bool any_cost(const Table& t) {
  for (double c : std::get<std::vector<double>>(t.find("cost")->data))
    if (std::isfinite(c)) return true;
  return false;
}

void print_plan(const Ranking& r) {
  fmt::print("\nbudget {} per time unit ({}): ", fmt_num(r.budget), r.plan.method);
  if (r.plan.chosen.empty()) {
    fmt::print("nothing chosen{}\n",
               r.plan_note.empty() ? " (no costed scenario with a positive net benefit fits)" : ": " + r.plan_note);
    return;
  }
  std::string names;
  for (const auto& n : r.plan_names) names += (names.empty() ? "" : ", ") + n;
  fmt::print("{}\n  cost {}, estimated net benefit {} per time unit (the sum of each alone)\n", names,
             fmt_num(r.plan.cost), fmt_num(r.plan.net));
  if (r.plan_combined.n > 0)
    fmt::print("  run together: net benefit {} {}\n", fmt_num(r.plan_combined.mean), fmt_ci(r.plan_combined));
  else if (!r.plan_note.empty())
    fmt::print("  ({})\n", r.plan_note);
}

int cmd_rank(const RankArgs& args) {
  const RunArgs& a = args.run;
  Loaded l;
  RankSettings settings;
  ExportTargets exports;
  try {
    l = load_for_study(a);
    exports = export_targets(a.csv, a.xlsx, {{a.config, "the config file itself"}}, a.json);
    settings.kpi = kpi_from_name(args.kpi);
    if (!args.budget.empty()) {
      char* end = nullptr;
      settings.budget = std::strtod(args.budget.c_str(), &end);
      if (*end != '\0' || !(settings.budget >= 0 && std::isfinite(settings.budget)))
        throw ConfigError("--budget " + args.budget + ": expected a cost per time unit >= 0");
    }
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  }
  settings.shapley = args.shapley;
  Ranking r;
  try {
    share_base_warmup(l);
    r = rank_weak_points(l.model, l.options, settings);
  } catch (const Interrupted&) {
    return stopped_exit();
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  }
  const std::size_t reps = static_cast<std::size_t>(l.model.run.replications);
  const std::vector<ExportTable> tables = ranking_export(r, args.kpi);
  if (exports.any() && !write_exports(exports, tables)) return kFailure;
  if (exports.csv_stdout) return 0;  // the table went to standard output as CSV
  if (a.json) {
    std::cout << rank_json(l.model.name, args.kpi, reps, l.model.run.seed, r) << "\n";
    return 0;
  }
  const Table& t = r.table;
  fmt::print("{}: what fixing each weak point is worth on {}, {} paired {} (seed {})\n", l.model.name, args.kpi, reps,
             noun(static_cast<double>(reps), "replication"), l.model.run.seed);
  fmt::print("effect = base - fixed (the change applied alone), with its paired 95% CI\n\n");
  if (t.rows() == 0) {
    fmt::print("(the model has no weak point)\n");
    if (exports.any()) fmt::print("\n{}", exports_note(a.csv, a.xlsx, tables.size()));
    return 0;
  }
  std::vector<std::string> cols = {"name",        "kind",          "base_mean",     "fixed_mean",
                                   "effect_mean", "effect_ci_low", "effect_ci_high"};
  if (settings.kpi == Kpi::CopqPerOrder) cols.push_back("ledger");
  if (r.shapley)
    for (const char* c : {"shapley_mean", "shapley_ci_low", "shapley_ci_high"}) cols.push_back(c);
  print_table(t, cols, 26);
  if (r.shapley)
    fmt::print("\nShapley ({}, {} {}{}): base - every fault fixed = {} {}; the contributions sum to it\n",
               r.attribution.method, r.attribution.coalitions,
               noun(static_cast<double>(r.attribution.coalitions), "run"),
               r.attribution.permutations ? fmt::format(", {} {}", r.attribution.permutations,
                                                        noun(static_cast<double>(r.attribution.permutations), "order"))
                                          : "",
               fmt_num(r.attribution.total.mean), fmt_ci(r.attribution.total));
  if (any_cost(t)) {
    if (r.money) {
      fmt::print(
          "\ncosted scenarios: net benefit per time unit = saving - cost (paired 95% CI), return = net / cost\n");
      Table costed("costed");
      const auto& cost = std::get<std::vector<double>>(t.find("cost")->data);
      for (const auto& c : t.columns()) {
        std::visit(
            [&](const auto& v) {
              using T = typename std::decay_t<decltype(v)>::value_type;
              std::vector<T>* keep = nullptr;
              if constexpr (std::is_same_v<T, double>)
                keep = &costed.f64(c.name);
              else if constexpr (std::is_same_v<T, std::int64_t>)
                keep = &costed.i64(c.name);
              else
                keep = &costed.str(c.name);
              for (std::size_t i = 0; i < v.size(); ++i)
                if (std::isfinite(cost[i])) keep->push_back(v[i]);
            },
            c.data);
      }
      print_table(costed, {"name", "cost", "saving_mean", "net_mean", "net_ci_low", "net_ci_high", "return_mean"}, 26);
    } else {
      fmt::print("\n({} is not money: net benefits need --kpi copq_per_order or revenue)\n", args.kpi);
    }
  }
  if (r.planned) print_plan(r);
  if (exports.any()) fmt::print("\n{}", exports_note(a.csv, a.xlsx, tables.size()));
  return 0;
}

}  // namespace

void add_rank_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<RankArgs>();
  auto* rank = app.add_subcommand("rank", "Rank every weak point by what fixing it changes (paired)");
  add_run_options(rank, a->run);
  rank->add_option("--kpi", a->kpi, "KPI to rank on (default copq_per_order)");
  rank->add_flag("--shapley", a->shapley, "Shapley contributions of the faults to (base - every fault fixed)");
  rank->add_option("--budget", a->budget, "pick the best set of costed scenarios whose cost per time unit fits");
  commands.push_back({rank, [a] { return cmd_rank(*a); }});
}

}  // namespace eslabon::cli
