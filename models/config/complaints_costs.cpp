#include <models/config/complaints_costs.hpp>
#include <models/config/distribution_spec.hpp>
#include <models/config/keys.hpp>
#include <models/config/memory.hpp>
#include <models/config/units.hpp>

namespace eslabon {

void load_complaints(const YamlReader& r, const YAML::Node& root, Model& m) {
  const YAML::Node c = root["complaints"];
  if (!c || c.IsNull()) return;
  const std::string p = "complaints";
  r.keys(c, p, config_keys::complaints);
  Complaints& k = m.complaints;
  k.enabled = true;
  if (!c["unit"]) r.fail(c, p + ".unit", "missing; expected the unit that handles complaints");
  k.unit = unit_ref(r, c["unit"], p + ".unit", m);
  if (!c["service"])
    r.fail(c, p + ".service", "missing; expected the handling time distribution, e.g. {exponential: {mean: 2h}}");
  k.service = read_distribution(r, c["service"], p + ".service");
  if (c["visible"]) k.visible = r.probability(c["visible"], p + ".visible");
  if (c["late_dissatisfies"]) k.late_dissatisfies = r.boolean(c["late_dissatisfies"], p + ".late_dissatisfies");
  if (c["complain"]) k.complain = r.probability(c["complain"], p + ".complain");
  if (c["resolve"]) k.resolve = r.probability(c["resolve"], p + ".resolve");
  if (c["churn_if_resolved"]) k.churn_if_resolved = r.probability(c["churn_if_resolved"], p + ".churn_if_resolved");
  if (c["churn_if_unresolved"])
    k.churn_if_unresolved = r.probability(c["churn_if_unresolved"], p + ".churn_if_unresolved");
  if (c["churn_if_silent"]) k.churn_if_silent = r.probability(c["churn_if_silent"], p + ".churn_if_silent");
  // `memory: null` is no memory, as if the key were absent.
  if (const YAML::Node mem = c["memory"]; mem && !mem.IsNull()) k.memory = read_memory(r, mem, p + ".memory", m);
}

// scenarios: {NAME: {PATH: VALUE, ...}}: each is checked by loading the model with its

void load_costs(const YamlReader& r, const YAML::Node& root, Model& m) {
  const YAML::Node c = root["costs"];
  if (!c || c.IsNull()) return;
  r.keys(c, "costs", config_keys::costs);
  if (c["late_penalty"]) m.costs.late_penalty = r.cost(c["late_penalty"], "costs.late_penalty");
  if (c["scrap"]) m.costs.scrap = r.cost(c["scrap"], "costs.scrap");
  if (c["complaint"]) m.costs.complaint = r.cost(c["complaint"], "costs.complaint");
  if (c["lost_customer"]) m.costs.lost_customer = r.cost(c["lost_customer"], "costs.lost_customer");
  if (c["prevention"]) m.costs.prevention = r.cost(c["prevention"], "costs.prevention");
  if (c["abandoned"]) m.costs.abandoned = r.cost(c["abandoned"], "costs.abandoned");
  if (c["currency"]) {  // a name for labels (README "The model"): any text but an empty one
    m.costs.currency = r.str(c["currency"], "costs.currency");
    if (m.costs.currency.find_first_not_of(" \t") == std::string::npos)
      r.fail(c["currency"], "costs.currency", "expected the name of a currency (EUR, USD, k€), got an empty text");
  }
}

std::string source_;
std::vector<Override> overrides_;
std::vector<std::pair<std::string, std::size_t>> override_aliases_;  // FROM->TO paths of overrides by index
bool skip_scenarios_ = false;

}  // namespace eslabon
