#pragma once
// What the fuzz targets share (tests/fuzz/README.md): the one way a bad input may end. Nothing is
// skipped: alias bombs, deep nesting and huge grids are the loader's to refuse (README "Limits").

#include <models/config/config_error.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace eslabon::fuzz {

// A bad input ends in a ConfigError whose message names where the problem is: it starts with
// one of `sources` ("FILE:LINE:COL: ...", "FILE: ...") or with "--set " (an override). Anything
// else thrown (std::out_of_range, YAML::Exception, std::bad_alloc...) is a bug: abort, so that
// libFuzzer saves the input.
template <class F>
void expect_config_error(F&& f, const std::vector<std::string>& sources) {
  try {
    f();
  } catch (const ConfigError& e) {
    const std::string_view msg = e.what();
    bool named = msg.rfind("--set ", 0) == 0;
    for (const std::string& s : sources) named = named || msg.rfind(s, 0) == 0;
    if (msg.empty() || !named) {
      std::fprintf(stderr, "fuzz: a ConfigError that does not say where: \"%.*s\"\n", static_cast<int>(msg.size()),
                   msg.data());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: not a ConfigError: %s\n", e.what());
    std::abort();
  }
}

}  // namespace eslabon::fuzz
