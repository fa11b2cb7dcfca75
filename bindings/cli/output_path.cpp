#include "output_path.hpp"

#include <models/config/loader.hpp>

#include <unistd.h>
#include <filesystem>
#include <system_error>

namespace eslabon::cli {

std::string check_output_path(const std::string& path, const std::string& config) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(path), ec);
  if (ec) p = fs::path(path);
  fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::is_directory(dir, ec))
    throw ConfigError("-o " + path + ": expected a file in an existing directory, found no directory " + dir.string());
  if (fs::exists(p, ec) && !fs::is_regular_file(p, ec))
    throw ConfigError("-o " + path + ": expected a regular file (or a new name), found " +
                      (fs::is_directory(p, ec) ? std::string("a directory") : std::string("a device, socket or pipe")));
  if (fs::exists(p, ec) && fs::equivalent(p, fs::path(config), ec))
    throw ConfigError("-o " + path + ": expected an output file, found the config file itself");
  if (::access(dir.c_str(), W_OK) != 0)
    throw ConfigError("-o " + path + ": expected a writable directory, " + dir.string() + " is not writable");
  return p.string();
}

}  // namespace eslabon::cli
