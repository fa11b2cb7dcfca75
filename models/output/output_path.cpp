#include <models/output/output_path.hpp>

#include <models/config/loader.hpp>

#include <unistd.h>
#include <filesystem>
#include <system_error>

namespace eslabon {

std::string check_output_path(const std::string& path, const std::vector<KeptFile>& kept, const std::string& label) {
  namespace fs = std::filesystem;
  if (is_standard_stream(path))
    throw ConfigError(label +
                      ": expected a file name, got '-' (standard output), which this output cannot go to "
                      "(./- names a file called -)");
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(path), ec);
  if (ec) p = fs::path(path);
  fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::is_directory(dir, ec))
    throw ConfigError(label + ": expected a file in an existing directory, found no directory " + dir.string());
  if (fs::exists(p, ec) && !fs::is_regular_file(p, ec))
    throw ConfigError(label + ": expected a regular file (or a new name), found " +
                      (fs::is_directory(p, ec) ? std::string("a directory") : std::string("a device, socket or pipe")));
  for (const auto& [file, what] : kept)
    if (fs::exists(p, ec) && fs::equivalent(p, fs::path(file), ec))
      throw ConfigError(label + ": expected an output file, found " + what);
  if (::access(dir.c_str(), W_OK) != 0)
    throw ConfigError(label + ": expected a writable directory, " + dir.string() + " is not writable");
  return p.string();
}

std::string check_output_dir(const std::string& dir, const std::string& label) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(dir), ec);
  if (ec) p = fs::path(dir);
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();  // "out/" is out
  if (fs::exists(p, ec)) {
    if (!fs::is_directory(p, ec))
      throw ConfigError(label + ": expected a directory (or a new name), found " +
                        (fs::is_regular_file(p, ec) ? std::string("a file") : std::string("a device, socket or pipe")));
    if (::access(p.c_str(), W_OK) != 0)
      throw ConfigError(label + ": expected a writable directory, " + p.string() + " is not writable");
    return p.string();
  }
  const fs::path parent = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::is_directory(parent, ec))
    throw ConfigError(label +
                      ": expected an existing directory or a new one in an existing directory, found no directory " +
                      parent.string());
  if (::access(parent.c_str(), W_OK) != 0)
    throw ConfigError(label + ": expected a writable directory, " + parent.string() + " is not writable");
  return p.string();
}

}  // namespace eslabon
