// eslabon graph, report, sensitivity, export: commands written in the Python package (they draw
// with Graphviz and matplotlib, sample with numpy, or write XML and JSON), reached from the
// eslabon command too. The binary hands its arguments to `python -m eslabon COMMAND ARGS...` by
// exec, so the exit code, the signals and the terminal are the Python command's own. The
// interpreter and the package directory are the build's (CMake passes them); ESLABON_PYTHON
// overrides the interpreter and ESLABON_PYTHON_DIR the directory that holds the package.

#include "command.hpp"

#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#ifndef ESLABON_PYTHON_EXECUTABLE
#define ESLABON_PYTHON_EXECUTABLE "/usr/bin/python3"
#endif
#ifndef ESLABON_PYTHON_DIR
#define ESLABON_PYTHON_DIR ""
#endif

namespace eslabon::cli {
namespace {

int forward(const std::string& command, const std::vector<std::string>& args) {
  const char* env = std::getenv("ESLABON_PYTHON");
  const std::string python = env && *env ? env : ESLABON_PYTHON_EXECUTABLE;
  // The build's package first, so that this binary and its Python module always match.
  const char* dir = std::getenv("ESLABON_PYTHON_DIR");
  std::string path = dir && *dir ? dir : ESLABON_PYTHON_DIR;
  if (const char* old = std::getenv("PYTHONPATH"); old && *old) path += (path.empty() ? "" : ":") + std::string(old);
  if (!path.empty()) setenv("PYTHONPATH", path.c_str(), 1);
  std::vector<std::string> words = {python, "-m", "eslabon", command};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execv(python.c_str(), argv.data());
  std::cerr << "eslabon: cannot start the Python interpreter " << python << " for '" << command
            << "': " << std::strerror(errno) << " (set ESLABON_PYTHON to one that has numpy, pandas and matplotlib)\n";
  return kFailure;
}

}  // namespace

void add_python_command(CLI::App& app, Commands& commands, const std::string& name, const std::string& help) {
  auto* sub = app.add_subcommand(name, help);
  sub->prefix_command();  // every argument, --help included, goes to the Python command
  sub->allow_extras();
  sub->set_help_flag();
  commands.push_back({sub, [sub, name] { return forward(name, sub->remaining()); }});
}

}  // namespace eslabon::cli
