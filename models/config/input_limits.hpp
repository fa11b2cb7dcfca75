#pragma once
// What the loader reads, and how much (README "Limits"): a config or sweep file is a regular
// file or a pipe of at most kMaxConfigBytes, in UTF-8 (a byte order mark skipped), one YAML
// document, nested at most kMaxYamlDepth levels, whose aliases repeat at most kMaxAliasNodes
// nodes in all. Each limit is checked before the text is parsed into a tree, so that no file, however
// made, makes the loader hang, exhaust memory or overflow the stack; every breach is a ConfigError
// that names the place ("FILE:LINE:COL: ...") and quotes nothing of the file but a byte or a name.

#include <cstdint>
#include <string>

namespace eslabon {

inline constexpr std::uint64_t kMaxConfigBytes = 16u << 20;  // 16 MiB: a config, a sweep file, standard input
inline constexpr int kMaxYamlDepth = 64;                      // mappings and lists inside each other
inline constexpr std::uint64_t kMaxAliasNodes = 100000;       // nodes repeated by aliases (*name), in all
inline constexpr std::uint64_t kMaxSweepPoints = 100000;      // a sweep file's grid: the product of its lists' sizes

// The file at `path`, checked by config_text(). ConfigError when it is a directory, a device or a
// socket ("expected `what`, found a character device"), larger than kMaxConfigBytes (checked
// before reading) or cannot be read. `what`: "a YAML file", "a sweep file".
std::string read_config_file(const std::string& path, const std::string& what = "a YAML file");
// What is left to read on descriptor `fd`, at most kMaxConfigBytes (reading stops past it:
// ConfigError), checked by config_text(). With `what` (as for read_config_file) it must be a
// regular file or a pipe; without (standard input), any kind of file.
std::string read_config_fd(int fd, const std::string& source, const std::string& what = "");

// `text` as the loader takes it: at most kMaxConfigBytes; UTF-8 without control characters but
// tab, newline and carriage return, a UTF-8 byte order mark removed. ConfigError
// "SOURCE:LINE:COL: expected UTF-8 text, found the byte 0xE9 ..." otherwise (UTF-16 and UTF-32
// are refused by their byte order mark or their zero bytes).
std::string config_text(std::string text, const std::string& source);

// The YAML's shape, checked by a pass over its events before any tree is built: one document,
// nesting at most kMaxYamlDepth deep, aliases repeating at most kMaxAliasNodes nodes in all (a
// "billion laughs" file is refused at the alias that passes the limit), no alias inside the node
// it names. Syntax errors are ConfigErrors at their place, as the parser words them.
void check_yaml_shape(const std::string& text, const std::string& source);

}  // namespace eslabon
