#pragma once
// The checks on an output file (the CLI's -o, Python's out=), made before any work starts.

#include <string>
#include <utility>
#include <vector>

namespace eslabon {

// A file an output must never replace, and what to call it in the message ("the config
// file itself", "the sweep's model file").
using KeptFile = std::pair<std::string, std::string>;

// "-", which on the command line means standard input or output (README "Output conventions").
inline bool is_standard_stream(const std::string& path) { return path == "-"; }

// Throws ConfigError (bad input) when `path` cannot or must not be written: "-" (standard output:
// a command that can write there, as `eslabon run -o -` does its JSON, handles it before calling
// this; ./- names a file called -), no such directory, not a regular file, one of the `kept`
// files, or a directory that is not writable. Messages
// start with `label` (e.g. "-o out.h5"). Returns the path to write: a symbolic link is
// followed, so the file it points to is replaced and the link stays.
std::string check_output_path(const std::string& path, const std::vector<KeptFile>& kept, const std::string& label);

// The check on an output directory (--csv DIR, Python's to_csv): an existing writable directory,
// or a new name in an existing writable directory (created when the files are written; its
// parents are not). Throws ConfigError; messages start with `label`. Returns the path.
std::string check_output_dir(const std::string& dir, const std::string& label);

// The CLI's form: "-o PATH", keeping the config file (none when it came from standard input).
inline std::string check_output_path(const std::string& path, const std::string& config) {
  if (is_standard_stream(config)) return check_output_path(path, {}, "-o " + path);
  return check_output_path(path, {{config, "the config file itself"}}, "-o " + path);
}

}  // namespace eslabon
