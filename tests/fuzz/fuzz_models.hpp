#pragma once
// The valid models the override and sweep targets start from: configs/*.yaml and
// tests/golden/models/*.yaml of the source tree, read once, in name order. An input's first byte
// chooses one (modulo their number), so a saved input means the same model on every machine.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace eslabon::fuzz {

struct NamedText {
  std::string name, text;
};

inline const std::vector<NamedText>& models() {
  static const std::vector<NamedText> all = [] {
    std::vector<NamedText> out;
    for (const char* dir : {"configs", "tests/golden/models"}) {
      std::vector<std::filesystem::path> files;
      for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(ESLABON_SOURCE_DIR) / dir))
        if (e.path().extension() == ".yaml") files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        out.push_back({std::string(dir) + "/" + f.filename().string(), ss.str()});
      }
    }
    return out;
  }();
  return all;
}

}  // namespace eslabon::fuzz
