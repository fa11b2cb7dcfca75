#include <eslabon/core/temporary_file.hpp>

#include <signal.h>
#include <unistd.h>
#include <cerrno>
#include <filesystem>

namespace eslabon {
namespace {

namespace fs = std::filesystem;

fs::path directory_of(const fs::path& p) { return p.parent_path().empty() ? fs::path(".") : p.parent_path(); }

// The file name of `path` ("out/" and "out" alike: a --csv directory has a trailing slash).
std::string name_of(fs::path p) {
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
  return p.filename().string();
}

// A PID in decimal (no sign, no leading zero), as temporary_path writes it; 0 when it is not.
pid_t pid_of(const std::string& digits) {
  if (digits.empty() || digits.size() > 10 || digits[0] == '0') return 0;
  long long v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + (c - '0');
  }
  return v > 0 && v <= 0x7fffffff ? static_cast<pid_t>(v) : 0;
}

// ESRCH: no such process. EPERM means there is one (of another user).
bool running(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

}  // namespace

std::string temporary_path(const std::string& path) {
  fs::path p(path);
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
  std::string name = ".";  // built in steps: g++ 12 warns (-Wrestrict) on "." + std::string
  name += p.filename().string();
  name += ".tmp-";
  name += std::to_string(::getpid());
  return (p.parent_path() / name).string();
}

std::size_t remove_stale_temporaries(const std::string& path) {
  fs::path p(path);
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
  const std::string name = name_of(p);
  if (name.empty() || name == "." || name == "..") return 0;
  const std::string prefix = "." + name + ".tmp-";
  const std::string legacy = "." + name + ".part";
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(directory_of(p), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string entry = it->path().filename().string();
    bool stale = entry == legacy;
    if (!stale && entry.size() > prefix.size() && entry.compare(0, prefix.size(), prefix) == 0) {
      const pid_t pid = pid_of(entry.substr(prefix.size()));
      stale = pid != 0 && pid != ::getpid() && !running(pid);
    }
    std::error_code e;
    if (stale && fs::remove_all(it->path(), e) > 0 && !e) ++removed;
  }
  return removed;
}

}  // namespace eslabon
