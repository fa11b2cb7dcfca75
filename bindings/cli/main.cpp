// The eslabon command: a thin door onto models/ (CLI11 for arguments, fmt for tables).
// Each command lives in a file of its own (run.cpp, compare.cpp, ...); main only builds the
// app, registers the commands and turns parse errors and uncaught exceptions into exit codes
// (command.hpp lists them).

#include "command.hpp"

#include <eslabon/core/version.hpp>
#include <models/config/loader.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  using namespace eslabon::cli;
  CLI::App app{"eslabon: discrete-event simulation of organisational value chains", "eslabon"};  // "Usage: eslabon ..."
  app.set_version_flag("-V,--version", std::string("eslabon ") + eslabon::version);  // CMakeLists.txt project()
  app.require_subcommand(1);

  Commands commands;  // in the order of 'eslabon --help'
  add_run_command(app, commands);
  add_compare_command(app, commands);
  add_rank_command(app, commands);
  add_sweep_command(app, commands, &argc, &argv);
  add_merge_command(app, commands);
  add_check_command(app, commands);
  add_python_command(app, commands, "graph", "Draw the organisation (units, handoffs, weak links) with Graphviz");
  add_python_command(app, commands, "report", "Write a self-contained HTML report of a results file");
  add_python_command(app, commands, "sensitivity", "Morris and Sobol sensitivity of KPIs to chosen parameters");
  add_python_command(app, commands, "export", "Write a run's event log for process mining (IEEE XES, OCEL 2.0 JSON)");
  add_keys_command(app, commands);

  if (argc > 1 && argv[1][0] != '-') {
    const std::string cmd = argv[1];
    std::vector<std::string> known;
    for (const auto* sub : app.get_subcommands({})) known.push_back(sub->get_name());
    if (std::find(known.begin(), known.end(), cmd) == known.end()) {
      std::string hint = eslabon::did_you_mean(cmd, known);
      std::cerr << "eslabon: unknown command '" << cmd << "'" << (hint.empty() ? "" : " (did you mean '" + hint + "'?)")
                << "; expected one of run, check, compare, rank, sweep, merge, graph, report, sensitivity, export, keys\n(run 'eslabon --help' for usage)\n";
      return kBadInput;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "eslabon: " << e.what() << "\n(run 'eslabon --help' for usage)\n";
    return kBadInput;
  }
  try {
    for (const Command& c : commands)
      if (*c.subcommand) return c.run();
  } catch (const eslabon::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "eslabon: " << e.what() << "\n";
    return kFailure;
  }
  return 0;
}
