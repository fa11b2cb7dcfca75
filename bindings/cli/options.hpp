#pragma once
// The model and run options that run, compare and rank share, and what they turn into:
// overrides of the config, run options, the loaded model.

#include "time_limit.hpp"

#include <models/model/model.hpp>
#include <models/output/output_path.hpp>
#include <models/output/table_export.hpp>
#include <models/results/run_result.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace eslabon::cli {

// The config named on the command line: a YAML file, or standard input when it is "-" (named
// "<stdin>" in messages: <stdin>:LINE:COL: ...). Throws ConfigError.
Model load_config(const std::string& path, const std::vector<Override>& overrides = {});
// All of standard input (a hint on stderr first when it is a terminal). `what` names it there.
std::string read_standard_input(const std::string& what);

// The check of an integer option, whose bad values get the loader's words: "--replications:
// expected an integer >= 1, got 0" (CLI11's Range prints the limits of a double instead).
// max = INT64_MAX: no upper limit. Add it with ->transform(): it writes the value back in
// decimal (CLI11 alone reads 010 as octal).
CLI::Validator integer_in(std::int64_t min, std::int64_t max = INT64_MAX);
// --threads takes 0 (one per core) to this.
constexpr int kMaxThreads = 4096;

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
  std::string csv, xlsx;  // --csv DIR, --xlsx FILE
  // run's event log (README "Event logs for process mining"): --events, --events-orders, --events-replications.
  bool events = false;
  std::uint64_t events_orders = 10000, events_replications = 1;
};

// config, --replications, --seed, --threads, --horizon, --warmup, --set, --json, --csv, --xlsx
// (output and orders are run's own).
void add_run_options(CLI::App* cmd, RunArgs& a);

// --csv DIR and --xlsx FILE (README "CSV and Excel"), on run, compare, rank and sweep.
void add_export_options(CLI::App* cmd, std::string& csv, std::string& xlsx);

// Checks --csv and --xlsx before any work (ConfigError: exit 2); `kept` are the files --xlsx
// must not replace (the config, a sweep's model).
// `json`: standard output already takes the JSON (--json, -o -), so --csv - is refused.
ExportTargets export_targets(const std::string& csv, const std::string& xlsx, const std::vector<KeptFile>& kept,
                             bool json = false);

// Writes the tables to the targets; on failure says so on stderr and returns false (exit 1).
bool write_exports(const ExportTargets& targets, const std::vector<ExportTable>& tables);

// What the text output says about them, naming --csv and --xlsx as given ("" for none):
// "18 tables written to out as CSV files\n...".
std::string exports_note(const std::string& csv, const std::string& xlsx, std::size_t tables);

// The --set values first, then --horizon, --warmup, --replications, --seed, each labelled
// with the option it came from (for error messages).
std::vector<Override> overrides_of(const RunArgs& a);

// Shared by compare and rank: the run options of RunArgs, the model loaded with them.
struct Loaded {
  Model model;
  RunOptions options;
};

// Loads the model (throws ConfigError) and catches Ctrl-C from here on. A stopping rule
// (run.replications: {until: ...}) is not applied: a study runs its min.
Loaded load_for_study(const RunArgs& a);

// With warmup: auto, decides the base model's warm-up once (l.options.warmup), for every
// scenario of the study, and says so on stderr (README "Warm-up and replications without guessing").
void share_base_warmup(Loaded& l);

}  // namespace eslabon::cli
