// The config contract: what loads, and what each bad input says.
#include <models/config/loader.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace eslabon;

namespace {

const char* kGood = R"(name: tiny
time_unit: hour
run: {horizon: 100, warmup: 10, replications: 3, seed: 5}
units:
  sales: {servers: 2}
  production: {servers: 1, discipline: edf, capacity: 8}
flows:
  standard:
    arrivals: {poisson: 0.5}
    due: 1d
    priority: 2
    tasks:
      take: {unit: sales, service: {exponential: {mean: 30min}}}
      make: {unit: production, service: {lognormal: {mean: 1.5, cv: 0.5}}, after: take}
)";

// Replaces the first occurrence of `from` in kGood.
std::string good_with(const std::string& from, const std::string& to) {
  std::string s = kGood;
  auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

std::string error_of(const std::string& text, const std::vector<Override>& ov = {}) {
  try {
    load_model_text(text, "m.yaml", ov);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(Config, LoadsTheContract) {
  Model m = load_model_text(kGood, "m.yaml");
  EXPECT_EQ(m.name, "tiny");
  EXPECT_EQ(m.run.horizon, 100);
  EXPECT_EQ(m.run.warmup, 10);
  EXPECT_EQ(m.run.replications, 3);
  EXPECT_EQ(m.run.seed, 5u);
  ASSERT_EQ(m.units.size(), 2u);
  EXPECT_EQ(m.units[1].discipline, Discipline::Edf);
  EXPECT_EQ(m.units[1].capacity, 8);
  EXPECT_EQ(m.units[0].capacity, -1);
  ASSERT_EQ(m.flows.size(), 1u);
  const Flow& f = m.flows[0];
  EXPECT_DOUBLE_EQ(f.interarrival.mean(), 2.0);
  EXPECT_DOUBLE_EQ(f.due, 24.0);
  EXPECT_EQ(f.priority, 2);
  ASSERT_EQ(f.tasks.size(), 2u);
  EXPECT_DOUBLE_EQ(f.tasks[0].service.mean(), 0.5);  // 30min in hours
  EXPECT_EQ(f.tasks[1].after, std::vector<int>{0});
  EXPECT_EQ(f.tasks[0].next, std::vector<int>{1});
  EXPECT_EQ(f.sources, std::vector<int>{0});
  EXPECT_EQ(f.sinks, 1);
  EXPECT_EQ(m.config_text, kGood);
}

TEST(Config, ExampleConfigsLoad) {
  for (const char* name : {"chain.yaml", "fork_join.yaml", "two_flows.yaml"}) {
    Model m = load_model_file(std::string(ESLABON_SOURCE_DIR) + "/configs/" + name);
    EXPECT_FALSE(m.flows.empty()) << name;
  }
}

TEST(Config, Durations) {
  EXPECT_DOUBLE_EQ(parse_duration("30min", "hour"), 0.5);
  EXPECT_DOUBLE_EQ(parse_duration("8h", "hour"), 8);
  EXPECT_DOUBLE_EQ(parse_duration("2d", "hour"), 48);
  EXPECT_DOUBLE_EQ(parse_duration("2d", "day"), 2);
  EXPECT_DOUBLE_EQ(parse_duration("1w", "day"), 7);
  EXPECT_DOUBLE_EQ(parse_duration("90s", "minute"), 1.5);
  EXPECT_DOUBLE_EQ(parse_duration("1.5", "minute"), 1.5);
  EXPECT_DOUBLE_EQ(parse_duration(" 2 h ", "minute"), 120);
  EXPECT_TRUE(std::isinf(parse_duration("inf", "hour")));
  EXPECT_THROW(parse_duration("8 parsecs", "hour"), std::invalid_argument);
  EXPECT_THROW(parse_duration("soon", "hour"), std::invalid_argument);
  // A duration-valued key in the model's time unit.
  Model m = load_model_text(good_with("time_unit: hour", "time_unit: minute"), "m.yaml");
  EXPECT_DOUBLE_EQ(m.flows[0].tasks[0].service.mean(), 30);
  EXPECT_DOUBLE_EQ(m.flows[0].due, 24 * 60);
}

TEST(Config, AllDistributionsParse) {
  const char* services[] = {
      "3",
      "20min",
      "{deterministic: 2}",
      "{deterministic: {value: 2h}}",
      "{exponential: {mean: 2}}",
      "{uniform: {min: 1, max: 3}}",
      "{triangular: {min: 1, mode: 2, max: 3}}",
      "{lognormal: {mean: 2, cv: 0.3}}",
      "{gamma: {mean: 2, cv: 1.3}}",
      "{erlang: {k: 4, mean: 2}}",
      "{weibull: {shape: 2, scale: 2.2567583341910256}}",
      "{empirical: [1, 2, 3]}",
      "{pert: {min: 1, mode: 2, max: 3}}",
  };
  for (const char* s : services) {
    Model m = load_model_text(good_with("{exponential: {mean: 30min}}", s), "m.yaml");
    EXPECT_NEAR(m.flows[0].tasks[0].service.mean(),
                std::string(s) == "20min" ? 1.0 / 3 : (std::string(s) == "3" ? 3 : 2), 1e-9)
        << s;
  }
}

TEST(Config, Overrides) {
  Model m = load_model_text(kGood, "m.yaml",
                            {{"units.production.servers", "3"}, {"run.horizon", "2w"}, {"flows.standard.due", "8h"}});
  EXPECT_EQ(m.units[1].servers, 3);
  EXPECT_DOUBLE_EQ(m.run.horizon, 336);
  EXPECT_DOUBLE_EQ(m.flows[0].due, 8);
  // The stored config text is the YAML after overrides, and loads to the same model.
  Model again = load_model_text(m.config_text, "again.yaml");
  EXPECT_EQ(again.units[1].servers, 3);
  EXPECT_DOUBLE_EQ(again.run.horizon, 336);
  // Distribution values can be replaced wholesale.
  Model d = load_model_text(kGood, "m.yaml", {{"flows.standard.tasks.take.service", "{deterministic: 1}"}});
  EXPECT_DOUBLE_EQ(d.flows[0].tasks[0].service.mean(), 1);
}

struct BadCase {
  const char* name;
  std::string text;
  std::string expected;  // the whole message
};

TEST(Config, BadInputMessages) {
  std::vector<BadCase> cases = {
      {"zero servers", good_with("sales: {servers: 2}", "sales: {servers: 0}"),
       "m.yaml:5:20: units.sales.servers: expected an integer from 1 to 1000000, got 0"},
      {"text servers", good_with("sales: {servers: 2}", "sales: {servers: two}"),
       "m.yaml:5:20: units.sales.servers: expected an integer from 1 to 1000000, got 'two'"},
      {"huge servers", good_with("sales: {servers: 2}", "sales: {servers: 99999999999}"),
       "m.yaml:5:20: units.sales.servers: expected an integer from 1 to 1000000, got 99999999999"},
      {"overflowing seed", good_with("seed: 5", "seed: 99999999999999999999999"),
       "m.yaml:3:56: run.seed: expected an integer >= 0, got 99999999999999999999999"},
      {"fractional priority", good_with("priority: 2", "priority: 2.5"),
       "m.yaml:11:15: flows.standard.priority: expected an integer (32-bit), got 2.5"},
      {"unknown key with hint", good_with("sales: {servers: 2}", "sales: {severs: 2}"),
       "m.yaml:5:11: units.sales.severs: unknown key (did you mean 'servers'?); expected one of servers, discipline, capacity, cost_per_hour, outages, staff, shifts, shift_end, "
       "pressure"},
      {"unknown top key", good_with("time_unit: hour", "time_unt: hour"),
       "m.yaml:2:1: time_unt: unknown key (did you mean 'time_unit'?); expected one of name, time_unit, run, units, flows, links, defect_types, complaints, costs, scenarios"},
      {"unknown unit", good_with("unit: production", "unit: prodution"),
       "m.yaml:14:20: flows.standard.tasks.make.unit: unknown unit 'prodution' (did you mean 'production'?)"},
      {"unknown after", good_with("after: take", "after: tak"),
       "m.yaml:14:83: flows.standard.tasks.make.after: unknown task 'tak' in flow standard (did you mean 'take'?)"},
      {"negative mean", good_with("mean: 30min", "mean: -2"),
       "m.yaml:13:57: flows.standard.tasks.take.service.exponential.mean: expected a number > 0, got -2"},
      {"unknown distribution", good_with("{exponential: {mean: 30min}}", "{exponentail: {mean: 30min}}"),
       "m.yaml:13:37: flows.standard.tasks.take.service.exponentail: unknown distribution (did you mean 'exponential'?); "
       "expected one of deterministic, exponential, uniform, triangular, lognormal, gamma, erlang, weibull, empirical, pert"},
      {"bad duration", good_with("due: 1d", "due: 1 fortnight"),
       "m.yaml:10:10: flows.standard.due: unknown time unit 'fortnight' (expected s, min, h, d or w), got '1 fortnight'"},
      {"warmup after horizon", good_with("warmup: 10", "warmup: 200"),
       "m.yaml:3:29: run.warmup: expected a duration shorter than run.horizon (100), got 200"},
      {"missing horizon", good_with("horizon: 100, ", ""),
       "m.yaml:3:6: run.horizon: missing; expected the simulated time span, e.g. horizon: 20000"},
      {"bad discipline", good_with("discipline: edf", "discipline: lifo"),
       "m.yaml:6:40: units.production.discipline: expected fifo, priority, edf, spt or preemptive, got 'lifo' (did you mean 'fifo'?)"},
      {"capacity below servers", good_with("capacity: 8", "capacity: 0"),
       "m.yaml:6:55: units.production.capacity: expected an integer >= 1, got 0"},
      {"poisson rate zero", good_with("poisson: 0.5", "poisson: 0"),
       "m.yaml:9:25: flows.standard.arrivals.poisson: expected a rate > 0 (arrivals per hour), got 0"},
      {"both arrival kinds", good_with("{poisson: 0.5}", "{poisson: 0.5, interarrival: 2}"),
       "m.yaml:9:15: flows.standard.arrivals: expected exactly one of poisson or interarrival, got 2 keys"},
      {"cycle", good_with("take: {unit: sales,", "take: {unit: sales, after: make,"),
       "m.yaml:13:34: flows.standard.tasks: expected the tasks to form an acyclic graph, found the cycle take -> make -> take"},
      {"self loop", good_with("after: take", "after: make"),
       "m.yaml:14:83: flows.standard.tasks.make.after: a task cannot come after itself"},
      {"duplicate key", good_with("  sales: {servers: 2}\n", "  sales: {servers: 2}\n  sales: {servers: 3}\n"),
       "m.yaml:6:3: units.sales: duplicate key"},
      {"syntax error", good_with("sales: {servers: 2}", "sales: {servers: 2"), ""},
      {"missing flows", good_with("flows:", "flaws:"), ""},
      {"triangular order", good_with("{exponential: {mean: 30min}}", "{triangular: {min: 3, mode: 2, max: 4}}"),
       "m.yaml:13:64: flows.standard.tasks.take.service.triangular.mode: expected a number >= min (3), got 2"},
      {"empty document", "", "m.yaml:1:1: expected a mapping with units and flows, got an empty document"},
      {"not a mapping", "[1, 2]", "m.yaml:1:1: expected a mapping with units and flows, got a list"},
      {"empty units",
       good_with("units:\n  sales: {servers: 2}\n  production: {servers: 1, discipline: edf, capacity: 8}",
                 "units: {}"),
       "m.yaml:4:8: units: expected at least one unit, got an empty mapping"},
      {"service missing", good_with(", service: {exponential: {mean: 30min}}", ""),
       "m.yaml:13:13: flows.standard.tasks.take.service: missing; expected a distribution such as {exponential: {mean: 1.5}}"},
      {"negative seed", good_with("seed: 5", "seed: -5"), "m.yaml:3:56: run.seed: expected an integer >= 0, got -5"},
      {"bad time unit", good_with("time_unit: hour", "time_unit: fortnight"),
       "m.yaml:2:12: time_unit: expected one of second, minute, hour, day, week, got 'fortnight'"},
  };
  for (const auto& c : cases) {
    std::string msg = error_of(c.text);
    EXPECT_NE(msg, "(no error)") << c.name;
    EXPECT_EQ(msg.rfind("m.yaml", 0), 0u) << c.name << ": " << msg;
    if (!c.expected.empty()) {
      EXPECT_EQ(msg, c.expected) << c.name;
    }
  }
}

TEST(Config, SyntaxErrorIsPositioned) {
  std::string msg = error_of(good_with("sales: {servers: 2}", "sales: {servers: 2"));
  EXPECT_NE(msg.find("m.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("flow"), std::string::npos) << msg;  // yaml-cpp: "end of map flow not found"
}

TEST(Config, OverrideErrorsNameTheOverride) {
  EXPECT_EQ(error_of(kGood, {{"units.production.servers", "0"}}),
            "--set units.production.servers=0: units.production.servers: expected an integer from 1 to 1000000, got 0");
  EXPECT_EQ(error_of(kGood, {{"units.prodution.servers", "3"}}),
            "--set units.prodution.servers=3: units.prodution: no such key in the config (did you mean 'production'?)");
  EXPECT_EQ(
      error_of(kGood, {{"run.horizn", "3"}}),
      "--set run.horizn=3: run.horizn: unknown key (did you mean 'horizon'?); expected one of horizon, warmup, replications, seed, calendar_start, max_wip, max_events");
  EXPECT_EQ(error_of(kGood, {{"units.sales.servers.x", "3"}}),
            "--set units.sales.servers.x=3: units.sales.servers.x: units.sales.servers is not a mapping (it is 2)");
  EXPECT_THROW(parse_override("novalue"), ConfigError);
  Override o = parse_override("links.purchase->produce.defect=0.05");
  EXPECT_EQ(o.path, "links.purchase->produce.defect");
  EXPECT_EQ(o.value, "0.05");
}

TEST(Config, MissingFile) {
  try {
    load_model_file("/nonexistent/model.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/model.yaml: cannot read the file (does it exist?)");
  }
}

TEST(Config, DidYouMean) {
  EXPECT_EQ(did_you_mean("prodution", {"sales", "production"}), "production");
  EXPECT_EQ(did_you_mean("xyz", {"sales", "production"}), "");
  EXPECT_EQ(did_you_mean("Sales", {"sales", "production"}), "sales");
  EXPECT_EQ(did_you_mean("slaes", {"sales", "production"}), "sales");  // two letters swapped: one slip
}
