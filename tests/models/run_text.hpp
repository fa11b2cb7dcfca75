#pragma once
// Shared by the test files that run a model written inline: run it on one thread with the
// config's own run settings, find a row of a result table by name, read a statistic per
// replication, and get a config's error message.
#include <models/config/config_error.hpp>
#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
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

// A KPI's, or a unit statistic's, value in each replication (what the oracle's Covers takes).
inline std::vector<double> kpi_values(const eslabon::RunResult& r, eslabon::Kpi k) {
  std::vector<double> xs;
  for (const auto& x : r.replications) xs.push_back(x.kpi[static_cast<int>(k)]);
  return xs;
}
inline std::vector<double> unit_values(const eslabon::RunResult& r, std::size_t u, eslabon::UnitStat s) {
  std::vector<double> xs;
  for (const auto& x : r.replications) xs.push_back(x.units[u][static_cast<int>(s)]);
  return xs;
}

// The loader's message for a config written inline (source "m.yaml"), or "(no error)".
inline std::string error_of(const std::string& text) {
  try {
    eslabon::load_model_text(text, "m.yaml");
  } catch (const eslabon::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// Every example config and golden model (configs/*.yaml, tests/golden/models/*.yaml): together they
// touch every feature.
inline std::vector<std::filesystem::path> every_model_file() {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {"configs", "tests/golden/models"})
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(ESLABON_SOURCE_DIR) / dir))
      if (e.path().extension() == ".yaml") files.push_back(e.path());
  return files;
}

}  // namespace eslabon_test
