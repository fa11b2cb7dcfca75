// libFuzzer target: a sweep file's text (models/config/sweep_file.hpp) over a valid model.
// Input: one byte choosing the model (fuzz_models.hpp), then the sweep file. The model is given
// as text (rebuild_sweep, as eslabon merge does), so no input reads a file of this machine. A bad
// sweep must end in a ConfigError that says where.
#include "fuzz_common.hpp"
#include "fuzz_models.hpp"

#include <models/config/input_limits.hpp>
#include <models/config/sweep_file.hpp>

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

// Grids of more than this many points are skipped: loading builds every point's model (up to the
// sweep file's limit of 100000, README "Limits"), which is slow, not wrong. A grid larger than that
// limit, or whose size overflows, is the loader's to refuse, and is not skipped. The text is
// parsed here only once it has passed the loader's own checks (no alias bomb, no deep nesting).
constexpr double kMaxPoints = 2000;

bool big_grid(const std::string& text) {
  try {
    eslabon::check_yaml_shape(eslabon::config_text(text, "fuzz_sweep.yaml"), "fuzz_sweep.yaml");
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap() || !root["grid"] || !root["grid"].IsMap()) return false;
    double points = 1;
    for (const auto& kv : root["grid"])
      if (kv.second.IsSequence()) points *= static_cast<double>(kv.second.size());
    return points > kMaxPoints && points <= static_cast<double>(eslabon::kMaxSweepPoints);
  } catch (const eslabon::ConfigError&) {
    return false;
  } catch (const YAML::Exception&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& models = eslabon::fuzz::models();
  const auto& base = models[data[0] % models.size()];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (big_grid(text)) return 0;
  eslabon::fuzz::expect_config_error(
      [&] {
        const eslabon::Sweep s = eslabon::rebuild_sweep("fuzz_sweep.yaml", text, base.name, base.text);
        const eslabon::Table points = s.points_table();
        (void)points;
      },
      {"fuzz_sweep.yaml", base.name});
  return 0;
}
