// libFuzzer target: `--set PATH=VALUE` (and a scenario's changes, which go the same way) applied
// to a valid config. Input: one byte choosing the model (fuzz_models.hpp), then one override per
// line. A bad override must end in a ConfigError that says where; a model that loads must load
// again from its config_text (the changed tree written out as YAML).
#include "fuzz_common.hpp"
#include "fuzz_models.hpp"

#include <models/config/loader.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& models = eslabon::fuzz::models();
  const auto& base = models[data[0] % models.size()];
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string> lines;
  for (std::size_t at = 0; at <= rest.size();) {
    std::size_t nl = rest.find('\n', at);
    if (nl == std::string::npos) nl = rest.size();
    if (nl > at) lines.push_back(rest.substr(at, nl - at));
    at = nl + 1;
  }
  eslabon::fuzz::expect_config_error(
      [&] {
        std::vector<eslabon::Override> overrides;
        for (const std::string& line : lines) overrides.push_back(eslabon::parse_override(line));
        const eslabon::Model m = eslabon::load_model_text(base.text, base.name, overrides);
        const eslabon::Model again = eslabon::load_model_text(m.config_text, base.name);
        (void)again;
      },
      {base.name});
  return 0;
}
