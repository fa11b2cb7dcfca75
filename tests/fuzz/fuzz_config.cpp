// libFuzzer target: a config file's text -> Model (models/config/loader.hpp). A bad text must end
// in a ConfigError that says where (fuzz_common.hpp); a text that loads must load again from the
// config_text the model keeps (what a results file stores and es.read_hdf5 reloads).
#include "fuzz_common.hpp"

#include <models/config/loader.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  eslabon::fuzz::expect_config_error(
      [&] {
        const eslabon::Model m = eslabon::load_model_text(text, "fuzz.yaml");
        const eslabon::Model again = eslabon::load_model_text(m.config_text, "fuzz.yaml");
        (void)again;
      },
      {"fuzz.yaml"});
  return 0;
}
