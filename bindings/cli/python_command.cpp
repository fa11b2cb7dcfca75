// eslabon graph, report, sensitivity, export: commands written in the Python package (they draw with
// Graphviz and matplotlib, sample with numpy, or write XML and JSON), reached from the eslabon command too. The
// binary hands its arguments to `python -m eslabon COMMAND ARGS...` by exec, so the exit code,
// the signals and the terminal are the Python command's own.
//
// The binary finds the Python side relative to itself, so that the build tree, `cmake --install`
// and `pip install` each use their own package (never another's):
//   interpreter: $ESLABON_PYTHON; else the `python3` beside this binary (a venv's bin/, where pip
//                puts the command); else the interpreter CMake built the module for.
//   package:     $ESLABON_PYTHON_DIR; else the first of DIR/python (the build tree) and
//                DIR/../ESLABON_INSTALL_PYTHONDIR (cmake --install and pip), DIR being this binary's
//                folder, that holds eslabon/; else none (the interpreter's own sys.path finds it).

#include "command.hpp"

#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#ifndef ESLABON_PYTHON_EXECUTABLE
#define ESLABON_PYTHON_EXECUTABLE "/usr/bin/python3"
#endif
#ifndef ESLABON_INSTALL_PYTHONDIR
#define ESLABON_INSTALL_PYTHONDIR "lib/python3/site-packages"
#endif

namespace eslabon::cli {
namespace {

namespace fs = std::filesystem;

// The interpreter and the folder to put first on PYTHONPATH ("" for none), as the header says.
std::pair<std::string, std::string> python_side() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const fs::path dir = ec ? fs::path() : self.parent_path();
  std::string python = ESLABON_PYTHON_EXECUTABLE;
  if (!dir.empty() && ::access((dir / "python3").c_str(), X_OK) == 0) python = (dir / "python3").string();
  if (const char* env = std::getenv("ESLABON_PYTHON"); env && *env) python = env;
  const char* given = std::getenv("ESLABON_PYTHON_DIR");
  if (given && *given) return {python, given};
  if (!dir.empty())
    for (const fs::path& p : {dir / "python", dir / ".." / ESLABON_INSTALL_PYTHONDIR})
      if (fs::is_regular_file(p / "eslabon" / "__init__.py", ec)) return {python, fs::weakly_canonical(p, ec).string()};
  return {python, ""};
}

int forward(const std::string& command, const std::vector<std::string>& args) {
  // This binary's own package first, so that the binary and its Python module always match.
  auto [python, path] = python_side();
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
