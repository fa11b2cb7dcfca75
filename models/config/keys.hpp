#pragma once
// The loader's allowed keys, section by section (in this order in its "expected one of ..."
// messages, with a did-you-mean among them). Each list is read from the config vocabulary
// (vocabulary.cpp), where every key also has its type, default, unit and meaning, and from
// which the JSON Schemas and the README's tables of keys are generated. A link's keys are the
// weak-link vocabulary's (models/model/link_faults.hpp, link_keys()); the vocabulary's `link`
// section is checked against them (tests/models/test_config_keys.cpp).

#include <string>
#include <vector>

namespace eslabon::config_keys {

// The names of a section's keys, in order (placeholders such as a shift's RULE left out);
// throws std::out_of_range for a section the vocabulary does not have.
const std::vector<std::string>& names(const std::string& section_id);

inline const std::vector<std::string>& root = names("model");
inline const std::vector<std::string>& run = names("run");
// run.replications as a mapping: the stopping rule (README "Warm-up and replications without guessing").
inline const std::vector<std::string>& until = names("until");
inline const std::vector<std::string>& unit = names("unit");
inline const std::vector<std::string>& staff = names("staff");
inline const std::vector<std::string>& outages = names("outages");
inline const std::vector<std::string>& pressure = names("pressure");
inline const std::vector<std::string>& flow = names("flow");
inline const std::vector<std::string>& arrivals = names("arrivals");
// arrivals.poisson as a mapping (a rate that changes over time): {rates, every} or {schedule}.
inline const std::vector<std::string>& poisson_profile = names("poisson_profile");
inline const std::vector<std::string>& task = names("task");
// a link's sla as a contract: {within, share, penalty}.
inline const std::vector<std::string>& sla = names("sla");
inline const std::vector<std::string>& complaints = names("complaints");
// complaints.memory (customers who remember) and its outcomes.
inline const std::vector<std::string>& memory = names("memory");
inline const std::vector<std::string>& memory_outcomes = names("memory_outcomes");
// defect_types.TYPE (README "Weak links"): what a defect of that type does; each key optional.
inline const std::vector<std::string>& defect_type = names("defect_type");
inline const std::vector<std::string>& costs = names("costs");
// A scenario's reserved keys beside its changes (config paths, which never start with these).
inline const std::vector<std::string>& scenario = names("scenario");
inline const std::vector<std::string>& sweep = names("sweep");

}  // namespace eslabon::config_keys
