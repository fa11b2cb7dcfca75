#pragma once
// The model and run options that run, compare and rank share, and what they turn into:
// overrides of the config, run options, the loaded model.

#include <models/model/model.hpp>
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
};

// config, --replications, --seed, --threads, --horizon, --warmup, --set, --json
// (output and orders are run's own).
void add_run_options(CLI::App* cmd, RunArgs& a);

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
