#pragma once
// What every command file of the eslabon command shares: the exit codes and the way a command
// hands itself to main (a CLI11 subcommand plus the function that runs it once it was chosen).

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace eslabon::cli {

// Exit codes: 0 success; 2 bad input (config, arguments, output path), nothing written;
// 1 failure at run time; 130 interrupted by Ctrl-C, 143 by SIGTERM (signals.hpp:
// interrupted_exit_code), nothing written but a sweep's complete points; 3 (`eslabon check` only) the
// model is unstable: a unit without a finite capacity has utilisation >= 1 (the check's report is
// printed in full all the same).
constexpr int kBadInput = 2;
constexpr int kFailure = 1;
constexpr int kUnstable = 3;

struct Command {
  CLI::App* subcommand = nullptr;  // true after parsing when the user chose this command
  std::function<int()> run;        // runs it and returns the exit code; owns the parsed arguments
};
using Commands = std::vector<Command>;

// Each adds its subcommand to `app` (in call order, which is the order of 'eslabon --help')
// and its runner to `commands`.
void add_run_command(CLI::App& app, Commands& commands);
void add_compare_command(CLI::App& app, Commands& commands);
void add_rank_command(CLI::App& app, Commands& commands);
// Under an MPI launcher the sweep hands argc and argv to MPI_Init, hence main's own.
void add_sweep_command(CLI::App& app, Commands& commands, int* argc, char*** argv);
// Joins a sweep's shards (eslabon sweep --shard I/N) into the file of the whole sweep.
void add_merge_command(CLI::App& app, Commands& commands);
void add_check_command(CLI::App& app, Commands& commands);
// The config reference: every key with its type, default, unit and meaning (keys.cpp).
void add_keys_command(CLI::App& app, Commands& commands);
// A command written in the Python package (`python -m eslabon NAME ...`), which receives every
// argument after NAME (python_command.cpp).
void add_python_command(CLI::App& app, Commands& commands, const std::string& name, const std::string& help);

}  // namespace eslabon::cli
