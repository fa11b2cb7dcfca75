#pragma once
// The weak-link vocabulary, spelled once: the fault kinds a link injects into the handoffs it
// covers (each with its config keys and what it means), the keys every link has around them,
// and what a receiver does with a defect it catches (on_detect). The config loader takes a
// link's allowed keys (and its did-you-mean) and on_detect's choices from here, to_string
// its names, and a test checks the JSON Schema's `link` against both lists. The engine's part
// of each fault kind is the header models/engine/faults/NAME.hpp, struct eslabon::fault::Type,
// found through the same list. models/README.md, "Add a fault kind", has the whole recipe.

#include <array>
#include <initializer_list>
#include <string>
#include <vector>

namespace eslabon {

// X(Type, name, meaning, keys...): one line per fault kind, in the order of the keys in
// messages ("expected one of from, to, defect, ..."); add new kinds at the end. A kind's
// first key is its name, a probability or distribution that switches it off when 0 (rank
// fixes a link by setting each of its faults' names to 0).
#define ESLABON_LINK_FAULTS(X)                                                                                     \
  X(Defect, "defect", "a handoff attempt is defective; the receiver may catch what the order carries", "defect",   \
    "detect", "on_detect", "rework_service", "fix_service")                                                        \
  X(Delay, "delay", "the handoff takes time to reach the receiver", "delay")                                       \
  X(Lost, "lost", "the handed-over request is lost; noticed `timeout` later, the supplier task is redone", "lost", \
    "timeout")                                                                                                     \
  X(FalseAlarm, "false_alarm",                                                                                     \
    "the receiver sends back an attempt in which it caught nothing, as it would a defect", "false_alarm")          \
  /* one X(...) line per fault kind, above this one */

// X(Type, name, meaning): what the receiver does with the defects it catches.
#define ESLABON_ON_DETECT(X)                                                                                         \
  X(Rework, "rework", "the supplier task goes to the end of its unit's queue (rework_service) and hands over again") \
  X(Fix, "fix", "the receiver fixes them: fix_service is added to the receiving task's work")                        \
  X(Scrap, "scrap", "the supplier task is redone in full and costs.scrap is charged")

#define ESLABON_LINK_ENUM_ENTRY(Type, ...) Type,
enum class LinkFault : int { ESLABON_LINK_FAULTS(ESLABON_LINK_ENUM_ENTRY) Count };
enum class OnDetect : int { ESLABON_ON_DETECT(ESLABON_LINK_ENUM_ENTRY) Count };
#undef ESLABON_LINK_ENUM_ENTRY

struct LinkFaultInfo {
  const char* name;
  const char* meaning;
  std::vector<const char*> keys;
};

struct OnDetectInfo {
  const char* name;
  const char* meaning;
};

inline const std::vector<LinkFaultInfo>& link_faults() {
#define ESLABON_LINK_FAULT_INFO(Type, name, meaning, ...) LinkFaultInfo{name, meaning, {__VA_ARGS__}},
  static const std::vector<LinkFaultInfo> faults = {ESLABON_LINK_FAULTS(ESLABON_LINK_FAULT_INFO)};
#undef ESLABON_LINK_FAULT_INFO
  return faults;
}

inline const std::array<OnDetectInfo, static_cast<int>(OnDetect::Count)>& on_detect_outcomes() {
#define ESLABON_ON_DETECT_INFO(Type, name, meaning) OnDetectInfo{name, meaning},
  static const std::array<OnDetectInfo, static_cast<int>(OnDetect::Count)> outcomes = {
      {ESLABON_ON_DETECT(ESLABON_ON_DETECT_INFO)}};
#undef ESLABON_ON_DETECT_INFO
  return outcomes;
}

// Every key of a link, in message order: where it is (from, to), its faults' keys, then what
// is measured of it (sla) and when its faults are on (active).
inline std::vector<std::string> link_keys() {
  std::vector<std::string> keys = {"from", "to"};
  for (const auto& f : link_faults()) keys.insert(keys.end(), f.keys.begin(), f.keys.end());
  for (const char* k : {"sla", "inspection_cost", "active"}) keys.emplace_back(k);
  return keys;
}

inline std::vector<std::string> on_detect_names() {
  std::vector<std::string> names;
  for (const auto& d : on_detect_outcomes()) names.emplace_back(d.name);
  return names;
}

}  // namespace eslabon
