#include "options.hpp"

#include "signals.hpp"
#include "time_limit.hpp"

#include <models/config/input_limits.hpp>
#include <models/config/loader.hpp>
#include <models/output/output_path.hpp>

#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <iostream>

namespace eslabon::cli {

std::string read_standard_input(const std::string& what) {
  if (::isatty(STDIN_FILENO)) std::cerr << "reading " << what << " from standard input (end it with Ctrl-D)\n";
  return read_config_fd(STDIN_FILENO, "<stdin>");  // at most 16 MiB, UTF-8 (README "Limits")
}

Model load_config(const std::string& path, const std::vector<Override>& overrides) {
  if (is_standard_stream(path)) return load_model_text(read_standard_input("the config"), "<stdin>", overrides);
  return load_model_file(path, overrides);
}

CLI::Validator integer_in(std::int64_t min, std::int64_t max) {
  const std::string expected = expected_integer(min, max);
  auto check = [min, max, expected](std::string& text) -> std::string {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (!text.empty() && *end == '\0' && errno != ERANGE && v >= min && v <= max) {
      text = std::to_string(v);  // decimal: CLI11 would read 010 as octal
      return "";
    }
    std::strtod(text.c_str(), &end);  // a number is shown as written, anything else quoted
    const bool number = !text.empty() && *end == '\0';
    return expected + ", got " + (number ? text : "'" + text + "'");
  };
  return CLI::Validator(check, "", "");
}

void add_run_options(CLI::App* cmd, RunArgs& a) {
  cmd->add_option("config", a.config, "Model config (YAML; - reads it from standard input)")->required();
  cmd->add_option("--replications", a.replications, "Number of replications (overrides run.replications)")
      ->transform(integer_in(1, kMaxReplications));
  cmd->add_option("--seed", a.seed, "Master seed, an integer >= 0 (overrides run.seed)");
  cmd->add_option("--threads", a.threads,
                  "Worker threads (default: one per CPU this process may use, at most SLURM_CPUS_PER_TASK)")
      ->transform(integer_in(0, kMaxThreads));
  cmd->add_option("--horizon", a.horizon, "Simulated time span, e.g. 20000 or 2w (overrides run.horizon)");
  cmd->add_option("--warmup", a.warmup, "Warm-up period, or auto (MSER-5 on pilot runs; overrides run.warmup)");
  cmd->add_option("--set", a.sets, "Override a config value by path: --set units.production.servers=5")
      ->type_name("PATH=VALUE");
  cmd->add_flag("--json", a.json, "Print one JSON object instead of tables");
  add_time_limit_option(cmd);  // README "Limits"
  add_export_options(cmd, a.csv, a.xlsx);
}

void add_export_options(CLI::App* cmd, std::string& csv, std::string& xlsx) {
  cmd->add_option("--csv", csv, "Also write every table as DIR/TABLE.csv, units in the headers")->type_name("DIR");
  cmd->add_option("--xlsx", xlsx, "Also write every table as a sheet of this Excel workbook")->type_name("FILE");
}

ExportTargets export_targets(const std::string& csv, const std::string& xlsx, const std::vector<KeptFile>& kept,
                             bool json) {
  if (json && is_standard_stream(csv))
    throw ConfigError("--csv -: standard output already takes the JSON (--json or -o -); expected one of them");
  ExportTargets t;
  if (is_standard_stream(csv))
    t.csv_stdout = true;  // README "Output conventions": the study's main table to standard output
  else if (!csv.empty())
    t.csv_dir = check_output_dir(csv, "--csv " + csv);
  if (is_standard_stream(xlsx))
    throw ConfigError("--xlsx -: expected a file name (a workbook is not text for standard output; use --csv -)");
  if (!xlsx.empty()) t.xlsx = check_output_path(xlsx, kept, "--xlsx " + xlsx);
  return t;
}

bool write_exports(const ExportTargets& targets, const std::vector<ExportTable>& tables) {
  try {
    targets.write(tables);
  } catch (const std::exception& e) {
    std::cerr << "eslabon: " << e.what() << "; nothing written there\n";
    return false;
  }
  return true;
}

std::string exports_note(const std::string& csv, const std::string& xlsx, std::size_t tables) {
  const std::string written = std::to_string(tables) + (tables == 1 ? " table" : " tables") + " written to ";
  std::string note;
  if (!csv.empty() && !is_standard_stream(csv)) note += written + csv + (tables == 1 ? " as a CSV file\n" : " as CSV files\n");
  if (!xlsx.empty()) note += written + xlsx + (tables == 1 ? " as an Excel sheet\n" : " as Excel sheets\n");
  return note;
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
  l.model = load_config(a.config, overrides_of(a));
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
