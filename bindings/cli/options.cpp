#include "options.hpp"

#include "signals.hpp"

#include <models/config/loader.hpp>

#include <iostream>

namespace eslabon::cli {

void add_run_options(CLI::App* cmd, RunArgs& a) {
  cmd->add_option("config", a.config, "Model config (YAML)")->required();
  cmd->add_option("--replications", a.replications, "Number of replications (overrides run.replications)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", a.seed, "Master seed, an integer >= 0 (overrides run.seed)");
  cmd->add_option("--threads", a.threads,
                  "Worker threads (default: one per CPU this process may use, at most SLURM_CPUS_PER_TASK)")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--horizon", a.horizon, "Simulated time span, e.g. 20000 or 2w (overrides run.horizon)");
  cmd->add_option("--warmup", a.warmup, "Warm-up period, or auto (MSER-5 on pilot runs; overrides run.warmup)");
  cmd->add_option("--set", a.sets, "Override a config value by path: --set units.production.servers=5")
      ->type_name("PATH=VALUE");
  cmd->add_flag("--json", a.json, "Print one JSON object instead of tables");
}

std::vector<Override> overrides_of(const RunArgs& a) {
  std::vector<Override> ov;
  for (const auto& s : a.sets) ov.push_back(parse_override(s));
  if (!a.horizon.empty()) ov.push_back({"run.horizon", a.horizon, "--horizon " + a.horizon});
  if (!a.warmup.empty()) ov.push_back({"run.warmup", a.warmup, "--warmup " + a.warmup});
  if (a.replications > 0)
    ov.push_back(
        {"run.replications", std::to_string(a.replications), "--replications " + std::to_string(a.replications)});
  if (!a.seed.empty()) ov.push_back({"run.seed", a.seed, "--seed " + a.seed});
  return ov;
}

Loaded load_for_study(const RunArgs& a) {
  Loaded l;
  l.model = load_model_file(a.config, overrides_of(a));
  l.options.threads = a.threads;
  l.options.control.stop = &g_stop;
  l.options.stopping_rule = false;  // studies run run.replications (a stopping rule's min)
  catch_stop_signals();
  return l;
}

void share_base_warmup(Loaded& l) {
  share_warmup(l.model, l.options);
  if (!l.options.warmup) return;
  std::cerr << l.options.warmup->describe(l.model.time_unit) << ", decided on the base and used by every scenario\n";
  if (const std::string w = l.options.warmup->warning(); !w.empty()) std::cerr << w << "\n";
}

}  // namespace eslabon::cli
