#pragma once
// Shared by the test files that run a model written inline: run it on one thread with the
// config's own run settings, and find a row of a result table by name.
#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace eslabon_test {

inline eslabon::RunResult run_text(const std::string& yaml) {
  eslabon::RunOptions o;
  o.threads = 1;
  return eslabon::run_model(eslabon::load_model_text(yaml, "<test>"), o);
}

// The position of `name` in a result's names (unit, link, origin, cause); a failure when absent.
inline std::size_t index_of(const std::vector<std::string>& names, const std::string& name) {
  auto it = std::find(names.begin(), names.end(), name);
  EXPECT_NE(it, names.end()) << "no '" << name << "'";
  return static_cast<std::size_t>(it - names.begin());
}

}  // namespace eslabon_test
