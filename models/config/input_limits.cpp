#include <models/config/config_error.hpp>
#include <models/config/input_limits.hpp>

#include <eslabon/core/text.hpp>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <vector>

namespace eslabon {
namespace {

std::string size_limit() { return "at most 16 MiB (" + std::to_string(kMaxConfigBytes) + " bytes)"; }

// What a file that is neither a regular file nor a pipe is, for "found ...".
std::string file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

// A regular file of at most kMaxConfigBytes, or a pipe (whose size shows as it is read).
void check_kind(const struct stat& st, const std::string& source, const std::string& what) {
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
    throw ConfigError(printable(source) + ": expected " + what + ", found " + file_kind(st.st_mode));
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > kMaxConfigBytes)
    throw ConfigError(printable(source) + ": expected " + what + " of " + size_limit() + ", got " +
                      std::to_string(st.st_size) + " bytes");
}

// Reads what is left on `fd`, at most kMaxConfigBytes + 1 bytes (one more says it is too large).
std::string read_capped(int fd, const std::string& source) {
  std::string text;
  char buf[1 << 16];
  while (text.size() <= kMaxConfigBytes) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw ConfigError(printable(source) + ": cannot read the file (" + std::strerror(errno) + ")");
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
  if (text.size() > kMaxConfigBytes)
    throw ConfigError(printable(source) + ": expected a file of " + size_limit() + ", got more");
  return text;
}

// "SOURCE:LINE:COL" of byte `at` of `text` (the column counts characters, as the parser's).
std::string position(const std::string& source, const std::string& text, std::size_t at) {
  std::size_t line = 1, start = 0;
  for (std::size_t i = 0; i < at; ++i)
    if (text[i] == '\n') ++line, start = i + 1;
  std::size_t col = 1;
  for (std::size_t i = start; i < at; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++col;
  return printable(source) + ":" + std::to_string(line) + ":" + std::to_string(col);
}

std::string byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

std::string at(const std::string& source, const YAML::Mark& mark) {
  if (mark.is_null()) return printable(source);
  return printable(source) + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// A breach found while the events stream by: thrown through the parser, caught below.
struct Breach {
  YAML::Mark mark;
  std::string what;
};

// Follows the events of one document: the depth of the open mappings and lists, and the size
// (nodes, aliases expanded) of each node, so that an alias adds the size of the node it names.
class Shape : public YAML::EventHandler {
 public:
  explicit Shape(bool second = false) : second_(second) {}
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (second_) throw Breach{mark, "expected one YAML document per file, found a second one (after '---')"};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { node(1, anchor); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    node(1, anchor);
  }
  void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_ = name; }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    std::string name = "*";  // (appended, not "*" + ...: GCC 12's -Wrestrict false alarm)
    name += printable_token(anchor < names_.size() ? names_[anchor] : std::string("?"));
    if (anchor >= sizes_.size() || sizes_[anchor] == 0)
      throw Breach{mark, name + ": expected an alias of a node that ends before it, got one inside the node it names "
                                "(a cycle)"};
    repeated_ += sizes_[anchor];
    if (repeated_ > kMaxAliasNodes)
      throw Breach{mark, name + ": expected YAML aliases that repeat at most " + std::to_string(kMaxAliasNodes) +
                             " nodes in all, got " + std::to_string(repeated_) +
                             " with this one (see README \"Limits\"; write the repeated part out, or use "
                             "fewer aliases)"};
    node(sizes_[anchor], YAML::NullAnchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    std::uint64_t size;
    YAML::anchor_t anchor;
  };

  void name(YAML::anchor_t anchor) {
    if (anchor == YAML::NullAnchor) return;
    if (names_.size() <= anchor) names_.resize(anchor + 1), sizes_.resize(anchor + 1, 0);
    names_[anchor] = pending_;
  }
  void node(std::uint64_t size, YAML::anchor_t anchor) {
    name(anchor);
    if (anchor != YAML::NullAnchor) sizes_[anchor] = size;
    if (!open_.empty()) open_.back().size += size;
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (open_.size() >= static_cast<std::size_t>(kMaxYamlDepth))
      throw Breach{mark, "expected mappings and lists nested at most " + std::to_string(kMaxYamlDepth) +
                             " deep, got deeper (see README \"Limits\")"};
    name(anchor);  // sizes_[anchor] stays 0 until it ends: an alias inside it is a cycle
    open_.push_back({1, anchor});
  }
  void close() {
    const Open o = open_.back();
    open_.pop_back();
    node(o.size, o.anchor);
  }

  bool second_;
  std::vector<Open> open_;
  std::vector<std::string> names_;
  std::vector<std::uint64_t> sizes_;  // by anchor: the node's size once it has ended, else 0
  std::string pending_;
  std::uint64_t repeated_ = 0;
};

}  // namespace

std::string read_config_fd(int fd, const std::string& source, const std::string& what) {
  struct stat st {};
  if (!what.empty() && ::fstat(fd, &st) == 0) check_kind(st, source, what);
  return config_text(read_capped(fd, source), source);
}

std::string read_config_file(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) throw ConfigError(printable(path) + ": cannot read the file (does it exist?)");
    throw ConfigError(printable(path) + ": cannot read the file (" + std::strerror(errno) + ")");
  }
  check_kind(st, path, what);  // before opening it: opening a device may do something (a tape rewinds)
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw ConfigError(printable(path) + ": cannot read the file (" + std::strerror(errno) + ")");
  try {
    std::string text = read_config_fd(fd, path, what);
    ::close(fd);
    return text;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

std::string config_text(std::string text, const std::string& source) {
  if (text.size() > kMaxConfigBytes)
    throw ConfigError(printable(source) + ": expected a text of " + size_limit() + ", got " +
                      std::to_string(text.size()) + " bytes");
  auto starts = [&](const char* bom, std::size_t n) { return text.size() >= n && text.compare(0, n, bom, n) == 0; };
  if (starts("\x00\x00\xFE\xFF", 4) || starts("\xFF\xFE\x00\x00", 4))
    throw ConfigError(printable(source) + ":1:1: expected UTF-8 text, found a UTF-32 byte order mark (save the file as UTF-8)");
  if (starts("\xFE\xFF", 2) || starts("\xFF\xFE", 2))
    throw ConfigError(printable(source) + ":1:1: expected UTF-8 text, found a UTF-16 byte order mark (save the file as UTF-8)");
  if (starts("\xEF\xBB\xBF", 3)) text.erase(0, 3);  // UTF-8's: allowed, and dropped
  if (const std::size_t bad = invalid_utf8(text); bad != std::string::npos)
    throw ConfigError(position(source, text, bad) + ": expected UTF-8 text, found the byte " +
                      byte(static_cast<unsigned char>(text[bad])) +
                      " (a file saved as Latin-1 or Windows-1252? save it as UTF-8)");
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
      throw ConfigError(position(source, text, i) + ": expected YAML text, found the control character " + byte(c) +
                        (c == 0 ? " (a binary file, or UTF-16 text? save it as UTF-8)" : ""));
  }
  return text;
}

void check_yaml_shape(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  try {
    Shape first;
    if (!parser.HandleNextDocument(first)) return;  // empty: the loader says what it expected
    Shape second(true);  // throws at its start
    parser.HandleNextDocument(second);
  } catch (const Breach& b) {
    throw ConfigError(at(source, b.mark) + ": " + b.what);
  } catch (const YAML::Exception& e) {
    throw ConfigError(at(source, e.mark) + ": " + e.msg);
  }
}

}  // namespace eslabon
