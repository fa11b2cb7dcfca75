#pragma once
// The checks on an output file (the CLI's -o, Python's out=), made before any work starts, by
// every writer (README "Where results may be written").

#include <models/config/config_error.hpp>

#include <string>
#include <utility>
#include <vector>

namespace eslabon {

// A file an output must never replace, and what to call it in the message ("the config
// file itself", "the sweep's model file").
using KeptFile = std::pair<std::string, std::string>;

// "-", which on the command line means standard input or output (README "Output conventions").
inline bool is_standard_stream(const std::string& path) { return path == "-"; }

// A bad output path (a ConfigError: exit 2), with the errno a system call would have given for
// it (ENOENT: no such directory, EISDIR, ENOTDIR, EACCES, EROFS, ENAMETOOLONG; 0 when none
// would: a device, an input of the run), so that Python raises the OSError its users expect too.
class OutputPathError : public ConfigError {
 public:
  OutputPathError(const std::string& message, int code, std::string path)
      : ConfigError(message), code_(code), path_(std::move(path)) {}
  int code() const { return code_; }
  const std::string& path() const { return path_; }  // as given

 private:
  int code_;
  std::string path_;
};

// Throws OutputPathError (bad input) when `path` cannot or must not be written: "-" (standard
// output: a command that can write there, as `eslabon run -o -` does its JSON, handles it before
// calling this; ./- names a file called -), empty, a name ending in / or naming a directory, no
// such directory, a name too long for the file system once its temporary name
// (".NAME.tmp-PID") is made of it, not a regular file (a directory, a device, a socket, a pipe),
// one of the `kept` files (the same file, or the same name when it does not exist yet), or a
// directory where this process cannot create a file (a file system of the kernel's such as
// /proc or /sys, a read-only one, one not writable). Messages start with `label` (e.g. "-o
// out.h5"). Returns the path to write: a symbolic link is followed, so the file it points to is
// replaced and the link stays.
std::string check_output_path(const std::string& path, const std::vector<KeptFile>& kept, const std::string& label);

// The check on an output directory (--csv DIR, Python's to_csv): an existing writable directory,
// or a new name (not too long) in an existing writable directory (created when the files are
// written; its parents are not), by the rules above. Throws OutputPathError; messages start with
// `label`. Returns the path.
std::string check_output_dir(const std::string& dir, const std::string& label);

// The CLI's form: "-o PATH", keeping the config file (none when it came from standard input).
inline std::string check_output_path(const std::string& path, const std::string& config) {
  if (is_standard_stream(config)) return check_output_path(path, {}, "-o " + path);
  return check_output_path(path, {{config, "the config file itself"}}, "-o " + path);
}

}  // namespace eslabon
