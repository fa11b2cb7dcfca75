// The config vocabulary (models/config/vocabulary.cpp) against the loader: the loader accepts
// exactly its keys, the link section is the weak-link list's, every key says what it is, the
// generated schema resolves, and the defaults the reference shows are the ones the loader
// applies. (That configs/*.schema.json and the README's tables are what the vocabulary
// generates is the ctest config_reference: tests/reference/config_reference.cpp.)

#include <models/config/keys.hpp>
#include <models/config/loader.hpp>
#include <models/config/reference.hpp>
#include <models/config/sweep_file.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <unistd.h>

namespace {

using namespace eslabon;
using config_keys::Json;

std::string num(double x) {
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (x == std::floor(x) && std::fabs(x) < 1e15) return std::to_string(static_cast<long long>(x));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.12g", x);
  return buf;
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
  try {  // a contract's keys come from the vocabulary's `sla` section
    eslabon::load_model_text(
        "run: {horizon: 10}\nunits: {u: {}}\nflows: {f: {arrivals: {poisson: 1}, tasks: {a: {unit: u, service: 1}, "
        "b: {unit: u, service: 1, after: a}}}}\nlinks: [{from: a, to: b, sla: {within: 2, shares: 0.9}}]\n",
        "k.yaml");
    FAIL() << "accepted an unknown key";
  } catch (const eslabon::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("links.a->b.sla.shares: unknown key (did you mean 'share'?)"),
              std::string::npos)
        << e.what();
  }
}

TEST(ConfigKeys, TheLinkSectionIsTheWeakLinkList) {
  // models/model/link_faults.hpp spells a link's keys (from, to, each fault kind's, sla, ...);
  // the vocabulary describes the same keys, in the same order.
  EXPECT_EQ(config_keys::names("link"), eslabon::link_keys());
  const Json on_detect = config_keys::schema("model").at("$defs").at("link").at("properties").at("on_detect");
  EXPECT_EQ(on_detect.at("enum").get<std::vector<std::string>>(), eslabon::on_detect_names());
}

TEST(ConfigKeys, EveryKeySaysWhatItIs) {
  std::ifstream in(std::string(ESLABON_SOURCE_DIR) + "/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  for (const auto& s : config_keys::sections()) {
    std::set<std::string> names;
    for (const auto& k : s.keys) {
      const std::string at = s.id + "." + k.name;
      EXPECT_TRUE(names.insert(k.name).second) << at << " listed twice";
      EXPECT_FALSE(k.type.text.empty()) << at;
      EXPECT_FALSE(k.default_value.empty()) << at << ": say the default (or required, or none)";
      EXPECT_GT(k.description.size(), 10u) << at;
      EXPECT_EQ(k.description.find('\n'), std::string::npos) << at << ": one line";
      for (const auto& id : k.type.sections) EXPECT_NO_THROW(config_keys::section(id)) << at;
      if (!k.see.empty()) {  // the reference links it: a heading of the README
        EXPECT_TRUE(readme.str().find("## " + k.see + "\n") != std::string::npos) << at << ": no heading " << k.see;
      }
    }
    for (const auto& group : s.alternatives)
      for (const auto& key : group) EXPECT_TRUE(names.count(key)) << s.id << ": alternative " << key;
  }
  // Every section is reached from a root (a section nobody names would be documented nowhere).
  std::set<std::string> sections_reached;
  for (const auto& root : config_keys::kRoots) {
    std::function<void(const std::string&)> walk = [&](const std::string& id) {
      if (!sections_reached.insert(id).second) return;
      for (const auto& k : config_keys::section(id).keys)
        for (const auto& child : k.type.sections) walk(child);
    };
    walk(root);
  }
  for (const auto& s : config_keys::sections()) EXPECT_TRUE(sections_reached.count(s.id)) << s.id;
}

// Every "$ref" of the generated schemas points at a definition they hold.
void refs(const Json& j, const Json& root, const std::string& where) {
  if (j.is_object()) {
    if (j.contains("$ref")) {
      const std::string ref = j.at("$ref");
      ASSERT_EQ(ref.rfind("#/", 0), 0u) << where;
      EXPECT_TRUE(root.contains(Json::json_pointer(ref.substr(1)))) << where << ": " << ref;
    }
    for (auto it = j.begin(); it != j.end(); ++it) refs(it.value(), root, where + "/" + it.key());
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) refs(j[i], root, where + "/" + std::to_string(i));
  }
}

TEST(ConfigKeys, TheSchemasResolveEveryReference) {
  for (const auto& root : config_keys::kRoots) {
    const Json s = config_keys::schema(root);
    refs(s, s, root);
    EXPECT_EQ(s.at("additionalProperties"), false) << root;
  }
  // Required keys are the schema's; a key within alternatives is required in its group only.
  const Json m = config_keys::schema("model");
  EXPECT_EQ(m.at("required"), Json({"run", "units", "flows"}));
  EXPECT_EQ(m.at("$defs").at("link").at("required"), Json({"from", "to"}));
  EXPECT_EQ(m.at("$defs").at("arrivals").at("oneOf").at(2).at("required"), Json({"customers", "rate_per_customer"}));
  EXPECT_EQ(m.at("$defs").at("unit").at("properties").at("servers").at("default"), 1);
  EXPECT_EQ(m.at("$defs").at("link").at("properties").at("on_detect").at("default"), "rework");
}

TEST(ConfigKeys, TheReferenceNamesEveryKeyByItsPath) {
  std::map<std::string, config_keys::Row> by_key;
  for (const auto& r : config_keys::rows("model")) by_key[r.key] = r;
  for (const char* key : {"run.horizon", "run.replications.until", "units.UNIT.servers", "units.UNIT.shifts.RULE",
                          "units.UNIT.outages.mttr", "flows.FLOW.arrivals.poisson.schedule",
                          "flows.FLOW.tasks.TASK.skip", "links[].sla.penalty", "defect_types.TYPE.cost",
                          "complaints.memory.outcomes.resolved", "costs.late_penalty", "scenarios.NAME.PATH"})
    EXPECT_TRUE(by_key.count(key)) << key;
  EXPECT_EQ(by_key["costs.late_penalty"].unit, "money per late order");
  EXPECT_EQ(by_key["units.UNIT.cost_per_hour"].unit, "money per hour");
  EXPECT_EQ(by_key["links[].detect"].unit, "probability");
  EXPECT_EQ(by_key["run.warmup"].unit, "time unit");
  const std::string md = config_keys::markdown("model");
  EXPECT_NE(md.find("| `links[].on_detect` | `rework`, `fix` or `scrap` | `rework` |"), std::string::npos);
  EXPECT_NE(md.find("(see [Shifts and calendars](#shifts-and-calendars))"), std::string::npos);
  EXPECT_EQ(config_keys::anchor("What fixing is worth (rank)"), "what-fixing-is-worth-rank");
}

// --- the defaults ----------------------------------------------------------------------------
// Minimal configs, then each key's value in the model against the default the reference shows:
// its literal value (0, fifo, inf), or the phrase itself where the model is in the state the
// phrase names (a `none` feature switched off).

Model load(const std::string& text, const std::string& source = "<defaults>") { return load_model_text(text, source); }

const char* kMinimal = R"(run: {horizon: 100}
units:
  u: {}
  v: {shifts: {else: 1}}
  w: {pressure: {measure: queue, levels: [0, 5]}, staff: {}}
flows:
  f:
    arrivals: {poisson: 1}
    tasks:
      a: {unit: u, service: 1}
      b: {unit: u, service: 1, after: a}
  g:
    arrivals: {customers: 10, rate_per_customer: 0.1}
    tasks: {c: {unit: v, service: 1}}
links:
  - {from: a, to: b, sla: {within: 5}}
complaints: {unit: u, service: 1, memory: {weight: 0.5}}
costs: {}
scenarios: {s: {run.seed: 1}}
)";

// No optional section at all; run.replications as a stopping rule.
const char* kBare = R"(run: {horizon: 100, replications: {until: 0.1}}
units: {u: }
flows: {f: {arrivals: {poisson: 1}, tasks: {a: {unit: u, service: 1}}}}
)";

// A defect type whose reactions default to a complaints section's (non-default) values.
const char* kTyped = R"(run: {horizon: 100}
units: {u: {}}
flows: {f: {arrivals: {poisson: 1}, tasks: {a: {unit: u, service: 1}, b: {unit: u, service: 1, after: a}}}}
defect_types: {t: }
links: [{from: a, to: b, defect: {t: 0.1}}]
complaints: {unit: u, service: 1, visible: 0.9, complain: 0.3, churn_if_resolved: 0.1, churn_if_unresolved: 0.4,
             churn_if_silent: 0.2}
)";

using Actual = std::function<std::string()>;

std::map<std::string, Actual> model_actuals(const Model& m, const Model& bare, const Model& typed, const Model& named) {
  const Unit &u = m.units[0], &v = m.units[1], &w = m.units[2];
  const Flow &f = m.flows[0], &g = m.flows[1];
  const Task& a = f.tasks[0];
  const Link& l = m.links[0];
  const Complaints& c = m.complaints;
  const Memory& mem = c.memory;
  const DefectType& t = typed.defect_types[0];
  const Complaints& tc = typed.complaints;
  auto same = [](double x, double y, const char* phrase) { return x == y ? std::string(phrase) : num(x); };
  auto ones = [](const std::vector<double>& xs) {
    for (double x : xs)
      if (x != 1) return std::string("not all 1");
    return std::string("1 at every level");
  };
  return {
      {"name",
       [&] {
         return named.name == "shop" ? "the file's name without its extension (`model` for a config given as text)"
                                     : named.name;
       }},
      {"time_unit", [&] { return m.time_unit; }},
      {"run.warmup", [&] { return num(m.run.warmup); }},
      {"run.replications", [&] { return std::to_string(m.run.replications); }},
      {"run.replications.kpi", [&] { return bare.run.until_kpi; }},
      {"run.replications.min", [&] { return std::to_string(bare.run.until_min); }},
      {"run.replications.max", [&] { return std::to_string(bare.run.until_max); }},
      {"run.seed", [&] { return std::to_string(m.run.seed); }},
      {"run.calendar_start", [&] { return m.run.calendar_start; }},
      {"run.max_wip", [&] { return std::to_string(m.run.max_wip); }},
      {"run.max_events", [&] { return std::to_string(m.run.max_events); }},
      {"units.UNIT.servers", [&] { return std::to_string(u.servers); }},
      {"units.UNIT.discipline", [&] { return std::string(to_string(u.discipline)); }},
      {"units.UNIT.capacity", [&] { return u.capacity < 0 ? std::string("inf") : std::to_string(u.capacity); }},
      {"units.UNIT.cost_per_hour", [&] { return num(u.cost_per_time); }},
      {"units.UNIT.outages", [&] { return u.outages ? "on" : "none"; }},
      {"units.UNIT.staff", [&] { return u.speed() == 1 && u.courtesy == 1 ? "none (every level 1)" : "set"; }},
      {"units.UNIT.staff.training", [&] { return num(w.training); }},
      {"units.UNIT.staff.motivation", [&] { return num(w.motivation); }},
      {"units.UNIT.staff.courtesy", [&] { return num(w.courtesy); }},
      {"units.UNIT.shifts", [&] { return u.has_shifts() ? "on" : "none (`servers` at every hour)"; }},
      {"units.UNIT.shift_end", [&] { return v.shift_preempt ? "preempt" : "finish"; }},
      {"units.UNIT.pressure", [&] { return u.has_pressure() ? "on" : "none"; }},
      {"units.UNIT.pressure.speedup", [&] { return ones(w.pressure.speedup); }},
      {"units.UNIT.pressure.errors", [&] { return ones(w.pressure.errors); }},
      {"flows.FLOW.arrivals.acquisition", [&] { return num(g.acquisition); }},
      {"flows.FLOW.due", [&] { return std::isinf(f.due) ? "none" : num(f.due); }},
      {"flows.FLOW.priority", [&] { return std::to_string(f.priority); }},
      {"flows.FLOW.value", [&] { return num(f.value); }},
      {"flows.FLOW.patience", [&] { return f.has_patience ? "on" : "none (waits for ever)"; }},
      {"flows.FLOW.tasks.TASK.after",
       [&] { return a.after.empty() ? "none (starts when the order arrives)" : "some"; }},
      {"flows.FLOW.tasks.TASK.next",
       [&] { return a.routes ? "routes" : "none (hands over to every task that names it in `after`)"; }},
      {"flows.FLOW.tasks.TASK.skip", [&] { return num(a.skip); }},
      {"flows.FLOW.tasks.TASK.skip_defect", [&] { return num(a.skip_defect); }},
      {"links", [&] { return bare.links.empty() ? "none" : "some"; }},
      {"links[].defect", [&] { return num(l.defect); }},
      {"links[].detect", [&] { return num(l.detect); }},
      {"links[].on_detect", [&] { return std::string(to_string(l.on_detect)); }},
      {"links[].rework_service", [&] { return l.has_rework_service ? "given" : "the supplier task's `service`"; }},
      {"links[].fix_service", [&] { return l.has_fix_service ? "given" : "none; required with `on_detect: fix`"; }},
      {"links[].delay", [&] { return l.has_delay ? "on" : "none"; }},
      {"links[].lost", [&] { return num(l.lost); }},
      {"links[].timeout", [&] { return l.timeout == 0 ? "none; required when `lost` > 0" : num(l.timeout); }},
      {"links[].false_alarm", [&] { return num(l.false_alarm); }},
      {"links[].sla", [&] { return std::isinf(typed.links[0].sla) ? "none" : num(typed.links[0].sla); }},
      {"links[].sla.share", [&] { return std::isnan(l.sla_share) ? "none" : num(l.sla_share); }},
      {"links[].sla.penalty", [&] { return num(l.sla_penalty); }},
      {"links[].inspection_cost", [&] { return num(l.inspection_cost); }},
      {"links[].active",
       [&] { return l.active_begin == 0 && std::isinf(l.active_end) ? std::string("always") : num(l.active_begin); }},
      {"defect_types", [&] { return m.defect_types.empty() ? "none (defects are untyped)" : "some"; }},
      {"defect_types.TYPE.visible", [&] { return same(t.visible, tc.visible, "`complaints.visible`"); }},
      {"defect_types.TYPE.detect",
       [&] { return std::isnan(t.detect) ? "the receiving link's `detect`" : num(t.detect); }},
      {"defect_types.TYPE.complain", [&] { return same(t.complain, tc.complain, "`complaints.complain`"); }},
      {"defect_types.TYPE.churn_if_resolved",
       [&] { return same(t.churn_if_resolved, tc.churn_if_resolved, "`complaints.churn_if_resolved`"); }},
      {"defect_types.TYPE.churn_if_unresolved",
       [&] { return same(t.churn_if_unresolved, tc.churn_if_unresolved, "`complaints.churn_if_unresolved`"); }},
      {"defect_types.TYPE.churn_if_silent",
       [&] { return same(t.churn_if_silent, tc.churn_if_silent, "`complaints.churn_if_silent`"); }},
      {"defect_types.TYPE.cost", [&] { return num(t.cost); }},
      {"complaints",
       [&] { return bare.complaints.enabled ? "on" : "none: dissatisfied customers neither complain nor leave"; }},
      {"complaints.visible", [&] { return num(c.visible); }},
      {"complaints.late_dissatisfies", [&] { return std::string(c.late_dissatisfies ? "true" : "false"); }},
      {"complaints.complain", [&] { return num(c.complain); }},
      {"complaints.resolve", [&] { return num(c.resolve); }},
      {"complaints.churn_if_resolved", [&] { return num(c.churn_if_resolved); }},
      {"complaints.churn_if_unresolved", [&] { return num(c.churn_if_unresolved); }},
      {"complaints.churn_if_silent", [&] { return num(c.churn_if_silent); }},
      {"complaints.memory", [&] { return typed.complaints.memory.on ? "on" : "none"; }},
      {"complaints.memory.start", [&] { return num(mem.start); }},
      {"complaints.memory.churn", [&] { return mem.churn.empty() ? "none (nobody leaves)" : "rows"; }},
      {"complaints.memory.outcomes.defect", [&] { return num(mem.defect); }},
      {"complaints.memory.outcomes.late", [&] { return num(mem.late); }},
      {"complaints.memory.outcomes.offended", [&] { return num(mem.offended); }},
      {"complaints.memory.outcomes.resolved", [&] { return num(mem.resolved); }},
      {"complaints.memory.outcomes.unresolved", [&] { return num(mem.unresolved); }},
      {"costs",
       [&] {
         const Costs& k = bare.costs;
         const bool zero = k.late_penalty == 0 && k.scrap == 0 && k.complaint == 0 && k.lost_customer == 0 &&
                           k.prevention == 0 && k.abandoned == 0;
         return zero ? "none: every cost 0" : "some";
       }},
      {"costs.late_penalty", [&] { return num(m.costs.late_penalty); }},
      {"costs.scrap", [&] { return num(m.costs.scrap); }},
      {"costs.complaint", [&] { return num(m.costs.complaint); }},
      {"costs.lost_customer", [&] { return num(m.costs.lost_customer); }},
      {"costs.prevention", [&] { return num(m.costs.prevention); }},
      {"costs.abandoned", [&] { return num(m.costs.abandoned); }},
      {"costs.currency", [&] { return m.costs.currency; }},
      {"scenarios", [&] { return bare.scenarios.empty() ? "none" : "some"; }},
      {"scenarios.NAME.cost", [&] { return std::isnan(m.scenarios[0].cost) ? "none" : num(m.scenarios[0].cost); }},
  };
}

// The default as the test compares it: the literal value (without backticks), else the phrase.
std::string shown_default(const config_keys::Key& k) {
  const Json lit = config_keys::literal_default(k);
  if (lit.is_string()) return lit.get<std::string>();
  if (lit.is_boolean()) return lit.get<bool>() ? "true" : "false";
  if (lit.is_number_integer()) return std::to_string(lit.get<long long>());
  if (lit.is_number()) return num(lit.get<double>());
  return k.default_value;
}

void compare_defaults(const std::string& root, const std::map<std::string, Actual>& actual) {
  std::map<std::string, const config_keys::Key*> key_at;  // the reference's paths, to their keys
  std::function<void(const config_keys::Section&, const std::string&)> walk = [&](const auto& s,
                                                                                  const std::string& prefix) {
    for (const auto& k : s.keys) {
      const std::string path = prefix.empty() ? k.name : prefix + "." + k.name;
      key_at[path] = &k;
      for (const auto& id : k.type.sections) walk(config_keys::section(id), path + k.type.item);
    }
  };
  walk(config_keys::section(root), "");
  for (const auto& [path, value] : actual) {
    ASSERT_TRUE(key_at.count(path)) << path << ": no such key in the reference";
    EXPECT_EQ(value(), shown_default(*key_at[path])) << path << ": the loader's default is not the reference's";
  }
  // Every key whose default is a value (a number, true/false, a name) is compared above: a new
  // one needs its line in model_actuals (or sweep_actuals).
  for (const auto& [path, k] : key_at)
    if (!config_keys::literal_default(*k).is_null()) {
      EXPECT_TRUE(actual.count(path)) << path << ": compare its default";
    }
}

TEST(ConfigKeys, DefaultsAreTheLoaders) {
  const Model m = load(kMinimal), bare = load(kBare), typed = load(kTyped);
  const Model named = load(kBare, "configs/shop.yaml");
  compare_defaults("model", model_actuals(m, bare, typed, named));
}

TEST(ConfigKeys, SweepDefaultsAreTheModels) {
  const auto dir = std::filesystem::temp_directory_path() / ("eslabon_sweep_defaults_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "m.yaml") << "run: {horizon: 100, replications: 7, seed: 9}\nunits: {u: {servers: 1}}\n"
                                   "flows: {f: {arrivals: {poisson: 1}, tasks: {a: {unit: u, service: 1}}}}\n";
  std::ofstream(dir / "s.yaml") << "model: m.yaml\ngrid: {units.u.servers: [1, 2]}\n";
  const Sweep s = load_sweep_file((dir / "s.yaml").string());
  compare_defaults(
      "sweep", {
                   {"replications",
                    [&] { return s.replications == 7 ? "the model's `run.replications`" : num(s.replications); }},
                   {"seed", [&] { return s.seed == 9 ? "the model's `run.seed`" : num(static_cast<double>(s.seed)); }},
               });
  std::filesystem::remove_all(dir);
}

}  // namespace
