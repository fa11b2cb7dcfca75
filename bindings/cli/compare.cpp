// eslabon compare: a scenario of the config against the base, paired by common random numbers.

#include "command.hpp"
#include "format.hpp"
#include "options.hpp"
#include "signals.hpp"

#include <models/config/loader.hpp>
#include <models/studies/compare.hpp>

#include <fmt/core.h>

#include <iostream>
#include <memory>
#include <string>

namespace eslabon::cli {
namespace {

struct CompareArgs {
  RunArgs run;
  std::string scenario;
  bool allow_different = false;
};

int cmd_compare(const RunArgs& a, const std::string& scenario, bool allow_different) {
  Loaded l;
  Model variant;
  ExportTargets exports;
  try {
    l = load_for_study(a);
    variant = scenario_model(l.model, scenario, overrides_of(a));
    if (const auto d = structure_differences(l.model, variant); !d.empty() && !allow_different) {
      std::string list;
      for (const std::string& x : d) list += (list.empty() ? "" : "; ") + x;
      throw ConfigError("--scenario " + scenario + ": its structure differs from the base's (" + list +
                        "); add --allow-different to compare different organisations");
    }
    exports = export_targets(a.csv, a.xlsx, {{a.config, "the config file itself"}}, a.json);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  }
  RunResult base, var;
  try {
    share_base_warmup(l);
    base = run_model(l.model, l.options);
    var = run_model(variant, l.options);
  } catch (const Interrupted&) {
    return stopped_exit();
  }
  Table t = compare_runs(base, var);
  const std::vector<ExportTable> tables = comparison_export(t, base.measures);
  if (exports.any() && !write_exports(exports, tables)) return kFailure;
  if (exports.csv_stdout) return 0;  // the table went to standard output as CSV
  if (a.json) {
    std::cout << comparison_json(l.model.name, scenario, base.replications.size(), base.seed, t) << "\n";
    return 0;
  }
  const std::size_t reps = base.replications.size();
  fmt::print("{}: scenario '{}' against the base, {} paired {} (seed {})\n", l.model.name, scenario, reps,
             noun(static_cast<double>(reps), "replication"), base.seed);
  fmt::print(
      "diff = variant - base; its 95% CI is paired (common random numbers); 'unpaired' is the half-width\n"
      "two independent runs would have given\n\n");
  print_table(t,
              {"kpi", "base_mean", "variant_mean", "diff_mean", "diff_ci_low", "diff_ci_high", "paired_half_width",
               "unpaired_half_width"},
              30);
  if (exports.any()) fmt::print("\n{}", exports_note(a.csv, a.xlsx, tables.size()));
  return 0;
}

}  // namespace

void add_compare_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<CompareArgs>();
  auto* compare =
      app.add_subcommand("compare", "Compare a scenario of the config with the base, paired by common random numbers");
  add_run_options(compare, a->run);
  compare->add_option("--scenario", a->scenario, "Name of a scenario in the config's scenarios section")->required();
  compare->add_flag("--allow-different", a->allow_different,
                    "Compare even when the scenario changes the structure (units, flows, tasks, weak links)");
  commands.push_back({compare, [a] { return cmd_compare(a->run, a->scenario, a->allow_different); }});
}

}  // namespace eslabon::cli
