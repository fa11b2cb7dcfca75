#include <models/output/output_path.hpp>

#include <eslabon/core/temporary_file.hpp>

#include <limits.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <cerrno>
#include <filesystem>
#include <system_error>

namespace eslabon {
namespace {

namespace fs = std::filesystem;

// File systems of the kernel's own (linux/magic.h), where no file of ours can be created.
const char* pseudo_file_system(long type) {
  switch (static_cast<unsigned long>(type) & 0xffffffffUL) {
    case 0x9fa0: return "proc";
    case 0x62656572: return "sysfs";
    case 0x27e0eb: return "cgroup";
    case 0x63677270: return "cgroup2";
    case 0x64626720: return "debugfs";
    case 0x74726163: return "tracefs";
    case 0x73636673: return "securityfs";
    case 0x6165676c: return "pstore";
    case 0xcafe4a11: return "bpf";
    case 0x62656570: return "configfs";
    case 0xde5e81e4: return "efivarfs";
    case 0x1cd1: return "devpts";
    case 0x19800202: return "mqueue";
    case 0x6e736673: return "nsfs";
    case 0x42494e4d: return "binfmt_misc";
    case 0xf97cff8c: return "selinuxfs";
    case 0x65735543: return "fusectl";
    default: return nullptr;
  }
}

// Whether files can be created in the existing directory `dir`: not a pseudo file system, not
// a read-only one, writable by this process.
void check_writable_directory(const fs::path& dir, const std::string& label, const std::string& given) {
  struct statfs fs_info {};
  if (::statfs(dir.c_str(), &fs_info) == 0)
    if (const char* pseudo = pseudo_file_system(static_cast<long>(fs_info.f_type)))
      throw OutputPathError(label + ": expected a directory of an ordinary file system, found " + dir.string() +
                                " on " + pseudo + " (a file system of the kernel's, where files cannot be created)",
                            0, given);
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
    throw OutputPathError(label + ": expected a writable directory, " + dir.string() + " is on a read-only file system",
                          EROFS, given);
  if (::access(dir.c_str(), W_OK) != 0)
    throw OutputPathError(label + ": expected a writable directory, " + dir.string() + " is not writable", EACCES, given);
}

// The name must leave room for its temporary name (temporary_file.hpp) under the file system's
// NAME_MAX, and the whole path for it under PATH_MAX.
void check_length(const fs::path& p, const fs::path& dir, const std::string& label, const char* what,
                  const std::string& given) {
  long name_max = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  if (name_max <= static_cast<long>(kTemporaryNameExtra)) name_max = NAME_MAX;
  const std::size_t most = static_cast<std::size_t>(name_max) - kTemporaryNameExtra;
  const std::size_t name = p.filename().string().size();
  if (name > most)
    throw OutputPathError(label + ": expected " + what + " name of at most " + std::to_string(most) +
                              " bytes (its temporary name adds " + std::to_string(kTemporaryNameExtra) +
                              " to the file system's limit of " + std::to_string(name_max) + "), found one of " +
                              std::to_string(name),
                          ENAMETOOLONG, given);
  const std::size_t path_most = PATH_MAX - 1 - kTemporaryNameExtra;
  if (fs::absolute(p).string().size() > path_most)
    throw OutputPathError(label + ": expected a path of at most " + std::to_string(path_most) + " bytes, found one of " +
                              std::to_string(fs::absolute(p).string().size()),
                          ENAMETOOLONG, given);
}

fs::path canonical_or_given(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(path), ec);
  return ec ? fs::path(path) : p;
}

// Whether `p` (canonical) is `file`: the same file, or (not yet existing) the same name.
bool same_file(const fs::path& p, const std::string& file) {
  std::error_code ec;
  if (file.empty() || is_standard_stream(file)) return false;
  if (fs::exists(p, ec) && fs::equivalent(p, fs::path(file), ec)) return true;
  return canonical_or_given(file) == p;
}

}  // namespace

std::string check_output_path(const std::string& path, const std::vector<KeptFile>& kept, const std::string& label) {
  const std::string& given = path;
  if (is_standard_stream(path))
    throw OutputPathError(label +
                              ": expected a file name, got '-' (standard output), which this output cannot go to "
                              "(./- names a file called -)",
                          0, given);
  if (path.empty()) throw OutputPathError(label + ": expected a file name, found an empty path", ENOENT, given);
  std::error_code ec;
  fs::path p = canonical_or_given(path);
  const std::string name = fs::path(path).filename().string();
  if (name.empty() || name == "." || name == "..") {  // "out/", ".", "..": a directory's name
    if (fs::is_directory(p, ec))
      throw OutputPathError(label + ": expected a regular file (or a new name), found a directory", EISDIR, given);
    throw OutputPathError(label + ": expected a file name, found a name ending in /, which names a directory",
                          EISDIR, given);
  }
  fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::exists(dir, ec))
    throw OutputPathError(label + ": expected a file in an existing directory, found no directory " + dir.string(),
                          ENOENT, given);
  if (!fs::is_directory(dir, ec))
    throw OutputPathError(label + ": expected a file in an existing directory, found " + dir.string() +
                              ", which is not a directory",
                          ENOTDIR, given);
  check_length(p, dir, label, "a file", given);
  if (fs::exists(p, ec) && !fs::is_regular_file(p, ec)) {
    if (fs::is_directory(p, ec))
      throw OutputPathError(label + ": expected a regular file (or a new name), found a directory", EISDIR, given);
    throw OutputPathError(label + ": expected a regular file (or a new name), found a device, socket or pipe", 0, given);
  }
  for (const auto& [file, what] : kept)
    if (same_file(p, file)) throw OutputPathError(label + ": expected an output file, found " + what, 0, given);
  check_writable_directory(dir, label, given);
  return p.string();
}

std::string check_output_dir(const std::string& dir, const std::string& label) {
  const std::string& given = dir;
  if (dir.empty()) throw OutputPathError(label + ": expected a directory name, found an empty path", ENOENT, given);
  std::error_code ec;
  fs::path p = canonical_or_given(dir);
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();  // "out/" is out
  if (fs::exists(p, ec)) {
    if (!fs::is_directory(p, ec)) {
      if (fs::is_regular_file(p, ec))
        throw OutputPathError(label + ": expected a directory (or a new name), found a file", ENOTDIR, given);
      throw OutputPathError(label + ": expected a directory (or a new name), found a device, socket or pipe", ENOTDIR, given);
    }
    check_writable_directory(p, label, given);
    return p.string();
  }
  const fs::path parent = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::is_directory(parent, ec))
    throw OutputPathError(label +
                              ": expected an existing directory or a new one in an existing directory, found no "
                              "directory " +
                              parent.string(),
                          ENOENT, given);
  check_length(p, parent, label, "a directory", given);
  check_writable_directory(parent, label, given);
  return p.string();
}

}  // namespace eslabon
