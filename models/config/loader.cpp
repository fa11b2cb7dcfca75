// The YAML config loader: parses the text, applies the overrides, then reads the sections in
// order (each in its own file), so that later sections can name what earlier ones defined.
#include <models/config/complaints_costs.hpp>
#include <models/config/defect_types.hpp>
#include <models/config/flows.hpp>
#include <models/config/input_limits.hpp>
#include <models/config/keys.hpp>
#include <models/config/links.hpp>
#include <models/config/loader.hpp>
#include <models/config/overrides.hpp>
#include <models/config/precision.hpp>
#include <models/config/scenarios.hpp>
#include <models/config/shifts.hpp>
#include <models/config/units.hpp>


namespace eslabon {
namespace {

void load_run(const YamlReader& r, const YAML::Node& root, Model& m) {
  const YAML::Node run = root["run"];
  if (!run) r.fail(root, "run", "missing; expected run: {horizon: ..., warmup: ..., replications: ..., seed: ...}");
  r.keys(run, "run", config_keys::run);
  if (!run["horizon"]) r.fail(run, "run.horizon", "missing; expected the simulated time span, e.g. horizon: 20000");
  m.run.horizon = r.duration(run["horizon"], "run.horizon");
  if (!(m.run.horizon > 0))
    r.fail(run["horizon"], "run.horizon", "expected a duration > 0, got " + found(run["horizon"]));
  if (run["warmup"]) load_warmup(r, run, m.run);
  if (run["replications"]) load_replications(r, run["replications"], m.run);
  if (run["seed"]) m.run.seed = static_cast<std::uint64_t>(r.integer(run["seed"], "run.seed", 0));
  if (run["calendar_start"]) load_calendar_start(r, run["calendar_start"], m.run);
  if (run["max_wip"]) load_max_wip(r, run["max_wip"], m.run);
  if (run["max_events"]) load_max_events(r, run["max_events"], m.run);
}

enum class Scenarios { skip, read, check };

YAML::Node parse(const YamlReader& r, const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(r.at(e.mark) + ": " + e.msg);
  }
  if (!root || root.IsNull())
    throw ConfigError(r.source() + ":1:1: expected a mapping with units and flows, got an empty document");
  if (!root.IsMap())  // quoting nothing of it: it may be any file (README "Limits")
    throw ConfigError(r.at(root.Mark()) + ": expected a mapping with units and flows, got " + kind(root) +
                      (root.IsScalar() ? " (is this a YAML config?)" : ""));
  return root;
}

// Reads the model from `root`, the text as parsed (the reader's overrides not yet applied).
// Scenarios::skip when checking a scenario's changes: the scenarios of the model they change are
// checked once, by the outer load, through `check`.
Model read(YAML::Node root, YamlReader& r, const std::string& text, Scenarios scenarios, const CheckChanges& check,
           bool keep_text = true) {
  apply_overrides(root, r);

  Model m;
  m.source = r.source();
  if (!keep_text) {
    // left empty
  } else if (r.overrides().empty()) {
    m.config_text = text;
  } else {
    YAML::Emitter out;
    out << root;
    m.config_text = std::string(out.c_str()) + "\n";
  }
  r.keys(root, "", config_keys::root);
  if (root["name"]) {
    m.name = r.str(root["name"], "name");
  } else {  // the file's stem, or "model"
    const std::string& source = r.source();
    auto slash = source.find_last_of('/');
    std::string stem = slash == std::string::npos ? source : source.substr(slash + 1);
    auto dot = stem.find_last_of('.');
    if (dot != std::string::npos && dot > 0) stem = stem.substr(0, dot);
    m.name = stem.empty() || stem.front() == '<' ? "model" : stem;
  }
  if (root["time_unit"]) {
    m.time_unit = r.str(root["time_unit"], "time_unit");
    if (unit_in_hours(m.time_unit) == 0.0)
      r.fail(root["time_unit"], "time_unit",
             "expected one of second, minute, hour, day, week, got " + found(root["time_unit"]));
  }
  m.time_unit = canonical_unit(m.time_unit);
  m.time_unit_hours = unit_in_hours(m.time_unit);
  r.set_time_unit(m.time_unit);
  load_run(r, root, m);
  load_units(r, root, m);
  load_flows(r, root, m);
  load_defect_types(r, root, m);  // before the links, which name them
  load_links(r, root, m);
  add_skip_origins(m);  // after the links: their origins come first
  if (m.origins.size() > 250)
    r.fail(root, "links",
           "expected at most 250 links and skipped steps in all, got " + std::to_string(m.origins.size()));
  load_complaints(r, root, m);
  resolve_defect_types(r, root, m);  // their defaults are the complaints section's
  load_costs(r, root, m);
  if (scenarios == Scenarios::check) load_scenarios(r, root, m, check);
  if (scenarios == Scenarios::read) load_scenarios(r, root, m, [](const std::vector<Override>&) {});
  return m;
}

Model load(const std::string& text, const std::string& source, const std::vector<Override>& overrides,
           Scenarios scenarios, bool keep_text = true) {
  YamlReader r(source, overrides);
  return read(
      parse(r, text), r, text, scenarios,
      [&](const std::vector<Override>& changes) { load(text, source, changes, Scenarios::skip, false); }, keep_text);
}

// load() from a copy of the parsed tree. The copy has no line numbers (YAML::Clone drops them),
// so it serves models that load; ModelTemplate::build takes the slow way for the message of one that does not.
Model load_copy(const YAML::Node& parsed, const std::string& text, const std::string& source,
                const std::vector<Override>& overrides, Scenarios scenarios, bool keep_text) {
  YamlReader r(source, overrides);
  return read(
      YAML::Clone(parsed), r, text, scenarios,
      [&](const std::vector<Override>& changes) { load_copy(parsed, text, source, changes, Scenarios::skip, false); },
      keep_text);
}

}  // namespace

Model load_model_text(const std::string& given, const std::string& source, const std::vector<Override>& overrides) {
  const std::string text = config_text(given, source);
  check_yaml_shape(text, source);
  return load(text, source, overrides, Scenarios::check);
}

ModelTemplate::ModelTemplate(std::string text, std::string source)
    : text_(config_text(std::move(text), source)), source_(std::move(source)) {
  check_yaml_shape(text_, source_);
  const YamlReader r(source_, {});
  root_ = std::make_unique<YAML::Node>(parse(r, text_));
}

ModelTemplate::~ModelTemplate() = default;

Model ModelTemplate::build(const std::vector<Override>& overrides, bool check_scenarios, bool config_text) const {
  const Scenarios scenarios = check_scenarios ? Scenarios::check : Scenarios::read;
  try {
    return load_copy(*root_, text_, source_, overrides, scenarios, config_text);
  } catch (...) {
    // Whatever went wrong, the text parsed again says it, with its line numbers.
  }
  return load(text_, source_, overrides, scenarios, config_text);
}

Model load_model_file(const std::string& path, const std::vector<Override>& overrides) {
  return load_model_text(read_config_file(path), path, overrides);
}

}  // namespace eslabon
