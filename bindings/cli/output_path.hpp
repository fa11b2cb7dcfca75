#pragma once
// The checks on -o (run and sweep), made before any work starts.

#include <string>

namespace eslabon::cli {

// Throws ConfigError (bad input) when `path` cannot or must not be written: no such directory,
// not a regular file, the config file itself, or a directory that is not writable. Returns the
// path to write: a symbolic link is followed, so the file it points to is replaced and the
// link stays.
std::string check_output_path(const std::string& path, const std::string& config);

}  // namespace eslabon::cli
