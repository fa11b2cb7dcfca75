// The files generated from the config vocabulary (models/config/vocabulary.cpp): the JSON
// Schemas of a model config and of a sweep file, and the README's tables of keys, each between
// the lines `<!-- keys:ROOT ...-->` and `<!-- /keys:ROOT -->` (ROOT: model, sweep).
//
//     eslabon_config_reference --check    # ctest config_reference: exit 1 when a file is out of date
//     eslabon_config_reference --write    # regenerate them (make reference)
//
// Run from the repository root.

#include <models/config/reference.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace eslabon;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read the file (run from the repository root)");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `text` with the lines between ROOT's markers replaced by `table`.
std::string splice(const std::string& text, const std::string& root, const std::string& table,
                   const std::string& path) {
  const std::string begin = "<!-- keys:" + root, end = "<!-- /keys:" + root + " -->";
  const std::size_t b = text.find(begin);
  if (b == std::string::npos || (b > 0 && text[b - 1] != '\n'))
    throw std::runtime_error(path + ": no line starting with '" + begin + "' (where its table of keys goes)");
  const std::size_t after_begin = text.find('\n', b);
  const std::size_t e = text.find(end, after_begin);
  if (after_begin == std::string::npos || e == std::string::npos || text[e - 1] != '\n')
    throw std::runtime_error(path + ": no line '" + end + "' after '" + begin + "'");
  return text.substr(0, after_begin + 1) + table + text.substr(e);
}

// The first line where two texts differ, for the message.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream x(a), y(b);
  std::string l, m;
  for (int n = 1;; ++n) {
    const bool more_a = static_cast<bool>(std::getline(x, l)), more_b = static_cast<bool>(std::getline(y, m));
    if (!more_a && !more_b) return "(line endings)";
    if (l != m || more_a != more_b)
      return "line " + std::to_string(n) + ": has\n    " + (more_a ? l : "(end of file)") + "\n  expected\n    " +
             (more_b ? m : "(end of file)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc == 2 ? argv[1] : "";
  if (mode != "--check" && mode != "--write") {
    std::cerr << "usage: eslabon_config_reference --check|--write (from the repository root)\n";
    return 2;
  }
  try {
    std::vector<std::pair<std::string, std::string>> files;  // path, what it should hold
    std::string readme = read("README.md");
    for (const std::string& root : config_keys::kRoots) {
      const std::string name = root == "model" ? "eslabon" : root;
      files.emplace_back("configs/" + name + ".schema.json", config_keys::schema(root).dump(2) + "\n");
      readme = splice(readme, root, config_keys::markdown(root), "README.md");
    }
    files.emplace_back("README.md", readme);
    int stale = 0;
    for (const auto& [path, want] : files) {
      std::string have;
      try {
        have = read(path);
      } catch (const std::runtime_error&) {
      }
      if (have == want) continue;
      if (mode == "--write") {
        std::ofstream(path, std::ios::binary) << want;
        std::cout << "wrote " << path << "\n";
        continue;
      }
      ++stale;
      std::cerr << path << " is out of date with the config vocabulary (models/config/vocabulary.cpp); run `make "
                << "reference`. First difference, " << first_difference(have, want) << "\n";
    }
    return stale == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "eslabon_config_reference: " << e.what() << "\n";
    return 1;
  }
}
