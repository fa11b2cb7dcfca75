// eslabon rank: the weak links ranked by what fixing each one changes on a KPI (paired).

#include "command.hpp"
#include "format.hpp"
#include "options.hpp"

#include <models/config/loader.hpp>
#include <models/studies/compare.hpp>

#include <fmt/core.h>

#include <iostream>
#include <memory>
#include <string>

namespace eslabon::cli {
namespace {

struct RankArgs {
  RunArgs run;
  std::string kpi = "copq_per_order";
};

int cmd_rank(const RunArgs& a, const std::string& kpi_name) {
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

}  // namespace

void add_rank_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<RankArgs>();
  auto* rank = app.add_subcommand("rank", "Rank the weak links by what fixing each one changes (paired)");
  add_run_options(rank, a->run);
  rank->add_option("--kpi", a->kpi, "KPI to rank on (default copq_per_order)");
  commands.push_back({rank, [a] { return cmd_rank(a->run, a->kpi); }});
}

}  // namespace eslabon::cli
