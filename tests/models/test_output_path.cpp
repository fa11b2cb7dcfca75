// Where results may be written (README "Where results may be written"): the one check every
// writer makes before any work, the temporary files every writer uses, and a writer that fails
// half-way (a full disk) leaving nothing behind.
#include "files.hpp"

#include <eslabon/core/hdf5_writer.hpp>
#include <eslabon/core/temporary_file.hpp>
#include <models/output/output_path.hpp>

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <fstream>
#include <string>
#include <system_error>

using namespace eslabon;
using eslabon_test::ScratchDir;
namespace fs = std::filesystem;

namespace {

// The errno and message check_output_path gives `path` ("" and 0 when it accepts it).
std::pair<int, std::string> refusal(const std::string& path, const std::vector<KeptFile>& kept = {}) {
  try {
    check_output_path(path, kept, "-o " + path);
  } catch (const OutputPathError& e) {
    return {e.code(), e.what()};
  }
  return {0, ""};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A PID that no process has: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

}  // namespace

TEST(OutputPath, AcceptsANewFileOrAnExistingOneInAWritableDirectory) {
  ScratchDir s;
  EXPECT_EQ(refusal((s.dir / "new.h5").string()).second, "");
  std::ofstream(s.dir / "old.h5") << "x";
  EXPECT_EQ(check_output_path((s.dir / "old.h5").string(), {}, "-o"), (s.dir / "old.h5").string());
  EXPECT_EQ(refusal((s.dir / std::string(255 - kTemporaryNameExtra, 'x')).string()).second, "");
}

TEST(OutputPath, RefusesWhatCannotBeAFileWithTheErrnoOfTheSystemCall) {
  ScratchDir s;
  std::ofstream(s.dir / "file") << "x";
  ::mkfifo((s.dir / "fifo").c_str(), 0600);
  const std::string dir = s.dir.string();
  const std::string too_long = dir + "/" + std::string(250, 'x') + ".h5";
  struct Case {
    std::string path;
    int code;
    std::string message;
  } cases[] = {
      {dir, EISDIR, "-o " + dir + ": expected a regular file (or a new name), found a directory"},
      {dir + "/", EISDIR, "found a directory"},
      {dir + "/nothing/", EISDIR, "found a name ending in /"},
      {dir + "/no/x.h5", ENOENT, "expected a file in an existing directory, found no directory " + dir + "/no"},
      {dir + "/file/x.h5", ENOTDIR, "/file, which is not a directory"},
      {too_long, ENAMETOOLONG, "expected a file name of at most 239 bytes"},
      {dir + "/fifo", 0, "expected a regular file (or a new name), found a device, socket or pipe"},
      {"/dev/null", 0, "found a device, socket or pipe"},
      {"", ENOENT, "expected a file name, found an empty path"},
      {"-", 0, "expected a file name, got '-' (standard output)"},
  };
  for (const Case& c : cases) {
    const auto [code, message] = refusal(c.path);
    EXPECT_EQ(code, c.code) << c.path << ": " << message;
    EXPECT_TRUE(contains(message, c.message)) << c.path << ": " << message;
  }
  EXPECT_TRUE(contains(refusal(too_long).second, "found one of 253"));
  EXPECT_TRUE(contains(refusal(dir + "/" + std::string(5000, 'd') + "/x.h5").second, "expected"));
}

TEST(OutputPath, RefusesTheRunsInputsByFileAndByName) {
  ScratchDir s;
  std::ofstream(s.dir / "model.yaml") << "x";
  fs::create_symlink(s.dir / "model.yaml", s.dir / "link.yaml");
  const std::vector<KeptFile> kept = {{(s.dir / "model.yaml").string(), "the config file itself"},
                                      {(s.dir / "later.h5").string(), "the file given to -o"}};
  for (const char* name : {"model.yaml", "link.yaml", "./model.yaml", "later.h5"}) {
    const auto [code, message] = refusal((s.dir / name).string(), kept);
    EXPECT_TRUE(contains(message, "expected an output file, found the")) << name << ": " << message;
    EXPECT_EQ(code, 0);
  }
  EXPECT_EQ(refusal((s.dir / "other.h5").string(), kept).second, "");
  EXPECT_EQ(refusal((s.dir / "x.h5").string(), {{"-", "standard input"}, {"", "nothing"}}).second, "");
}

TEST(OutputPath, RefusesDirectoriesWhereNoFileCanBeCreated) {
  for (const char* path : {"/proc/x.h5", "/proc/self/x.h5", "/sys/x.h5", "/sys/kernel/x.h5"}) {
    const auto [code, message] = refusal(path);
    EXPECT_EQ(code, 0);
    EXPECT_TRUE(contains(message, "expected a directory of an ordinary file system")) << path << ": " << message;
  }
  EXPECT_TRUE(contains(refusal("/proc/x.h5").second, "found /proc on proc"));
}

TEST(OutputPath, RefusesADirectoryWithoutWritePermission) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into a directory without write permission";
  ScratchDir s;
  fs::create_directories(s.dir / "ro");
  fs::permissions(s.dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const auto [code, message] = refusal((s.dir / "ro" / "x.h5").string());
  EXPECT_EQ(code, EACCES);
  EXPECT_TRUE(contains(message, "expected a writable directory, " + (s.dir / "ro").string() + " is not writable"));
  fs::permissions(s.dir / "ro", fs::perms::owner_all);
}

TEST(OutputPath, DirectoriesFollowTheSameRules) {
  ScratchDir s;
  std::ofstream(s.dir / "file") << "x";
  EXPECT_NO_THROW(check_output_dir((s.dir / "new").string(), "--csv"));
  try {
    check_output_dir((s.dir / std::string(250, 'd')).string(), "--csv");
    ADD_FAILURE() << "a 250-byte directory name was accepted";
  } catch (const OutputPathError& e) {
    EXPECT_EQ(e.code(), ENAMETOOLONG);
  }
  for (const std::string dir : {"/proc/out", "/proc", "/sys/out"})
    EXPECT_THROW(check_output_dir(dir, "--csv"), OutputPathError) << dir;
  try {
    check_output_dir((s.dir / "file").string(), "--csv");
    ADD_FAILURE() << "a regular file was accepted as a directory";
  } catch (const OutputPathError& e) {
    EXPECT_EQ(e.code(), ENOTDIR);
  }
}

TEST(TemporaryFile, OneNameBesideTheTargetAndStaleOnesRemoved) {
  ScratchDir s;
  const std::string out = (s.dir / "out.h5").string();
  const std::string pid = std::to_string(::getpid());
  EXPECT_EQ(temporary_path(out), (s.dir / (".out.h5.tmp-" + pid)).string());
  EXPECT_EQ(temporary_path((s.dir / "csv/").string()), (s.dir / (".csv.tmp-" + pid)).string());
  const std::string dead = std::to_string(dead_pid());
  const std::vector<std::string> stale = {".out.h5.tmp-" + dead, ".out.h5.part"};
  const std::vector<std::string> kept = {".out.h5.tmp-" + pid,   // this process's
                                         ".out.h5.tmp-1",        // a live process's
                                         ".other.h5.tmp-" + dead,  // another output's
                                         ".out.h5.tmp-x" + dead, ".out.h5.tmp-0" + dead, "out.h5", ".out.h5.journal"};
  for (const auto& name : stale) std::ofstream(s.dir / name) << "x";
  for (const auto& name : kept) std::ofstream(s.dir / name) << "x";
  fs::create_directories(s.dir / (".csv.tmp-" + dead) / "inside");
  EXPECT_EQ(remove_stale_temporaries(out), stale.size());
  EXPECT_EQ(remove_stale_temporaries((s.dir / "csv").string()), 1u);
  for (const auto& name : stale) EXPECT_FALSE(fs::exists(s.dir / name)) << name;
  for (const auto& name : kept) EXPECT_TRUE(fs::exists(s.dir / name)) << name;
  EXPECT_FALSE(fs::exists(s.dir / (".csv.tmp-" + dead)));
  EXPECT_EQ(remove_stale_temporaries((s.dir / "nowhere" / "x.h5").string()), 0u);
}

// A file system that fills up, simulated by the file size limit (RLIMIT_FSIZE: a write beyond it
// fails with EFBIG, as one on a full disk fails with ENOSPC; tests/python/test_output_safety.py
// fills a real tmpfs when it can mount one).
TEST(Hdf5Writer, AWriteThatFailsThrowsTheErrnoAndLeavesNothing) {
  ScratchDir s;
  const std::string out = (s.dir / "x.h5").string();
  Table big("big");
  auto& x = big.f64("x");
  for (int i = 0; i < 200000; ++i) x.push_back(i * 0.5 + 1.0 / (i + 1));
  struct rlimit old {};
  ::getrlimit(RLIMIT_FSIZE, &old);
  auto* previous = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 64 * 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  int code = 0;
  try {
    Hdf5Writer w(out);
    w.attribute("name", std::string("x"));
    w.write("/big", big);
    w.write("/again", big);
    w.commit();
  } catch (const std::system_error& e) {
    code = e.code().value();
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, previous);
  EXPECT_EQ(code, EFBIG);
  EXPECT_TRUE(fs::is_empty(s.dir)) << "a temporary file was left";
  // HDF5 is still sound: the next file is written, and the process ends cleanly (ctest would see
  // a crash at exit, where HDF5 closes what it still holds).
  Hdf5Writer w(out);
  w.write("/big", big);
  w.commit();
  EXPECT_TRUE(fs::exists(out));
}
