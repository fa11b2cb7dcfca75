// The config keys are spelled once (models/config/keys.hpp): the loader accepts exactly those,
// and the JSON Schema for editors (configs/eslabon.schema.json) must list the same ones.

#include <models/config/keys.hpp>
#include <models/config/loader.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <string>

namespace {

nlohmann::json schema() {
  std::ifstream in(std::string(ESLABON_SOURCE_DIR) + "/configs/eslabon.schema.json");
  return nlohmann::json::parse(in);
}

// The keys an object schema allows; for a oneOf/anyOf, the union over its alternatives.
std::set<std::string> properties(const nlohmann::json& s) {
  std::set<std::string> out;
  if (s.is_array()) {
    for (const auto& alt : s)
      for (const auto& k : properties(alt)) out.insert(k);
    return out;
  }
  if (s.contains("properties"))
    for (const auto& [k, v] : s["properties"].items()) out.insert(k);
  return out;
}

TEST(ConfigKeys, TheSchemaListsTheLoadersKeys) {
  const nlohmann::json sc = schema();
  for (const auto& section : eslabon::config_keys::schema_sections()) {
    const nlohmann::json& at = sc.at(nlohmann::json::json_pointer(section.pointer));
    const std::set<std::string> want(section.keys->begin(), section.keys->end());
    EXPECT_EQ(properties(at), want) << "schema at '" << section.pointer << "'";
    EXPECT_EQ(want.size(), section.keys->size()) << "a key listed twice at '" << section.pointer << "'";
  }
}

TEST(ConfigKeys, TheLoaderRefusesAnyOtherKey) {
  // Every section names its allowed keys, from the same list, when given an unknown one.
  try {
    eslabon::load_model_text("run: {horizon: 10, warmp: 1}\nunits: {a: {servers: 1}}\n", "k.yaml");
    FAIL() << "accepted an unknown key";
  } catch (const eslabon::ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("run.warmp: unknown key (did you mean 'warmup'?)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("expected one of horizon, warmup, replications, seed"), std::string::npos) << msg;
  }
}

}  // namespace
