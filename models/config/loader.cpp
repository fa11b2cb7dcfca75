// The YAML config loader: strict, positioned errors, overrides by path.
#include <models/config/loader.hpp>
#include <models/config/sweep_file.hpp>
#include <models/model/task_graph.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace eslabon {

// ---------------------------------------------------------------------------------------
// Small helpers that do not need a node.

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string w = lower(word);
  // A word that begins a candidate ("copq" for "copq_per_order") is the likeliest slip.
  if (w.size() >= 3) {
    std::string prefix_best;
    for (const auto& cand : candidates)
      if (lower(cand).rfind(w, 0) == 0 && (prefix_best.empty() || cand.size() < prefix_best.size())) prefix_best = cand;
    if (!prefix_best.empty() && prefix_best.size() > word.size()) return prefix_best;
  }
  std::string best;
  std::size_t best_d = std::numeric_limits<std::size_t>::max();
  for (const auto& cand : candidates) {
    const std::string c = lower(cand);
    std::vector<std::size_t> prev(c.size() + 1), cur(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= w.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (w[i - 1] == c[j - 1] ? 0 : 1)});
      std::swap(prev, cur);
    }
    std::size_t d = prev[c.size()];
    if (d < best_d) {
      best_d = d;
      best = cand;
    }
  }
  // Close enough: at most a third of the longer word, and at least one character.
  std::size_t limit = std::max<std::size_t>(1, std::max(word.size(), best.size()) / 3);
  if (best_d <= limit || (!best.empty() && (best.find(word) == 0 || word.find(best) == 0) && word.size() >= 3))
    return best;
  return "";
}

double unit_in_hours(const std::string& u) {
  static const std::map<std::string, double> units = {
      {"s", 1.0 / 3600}, {"sec", 1.0 / 3600}, {"second", 1.0 / 3600}, {"seconds", 1.0 / 3600},
      {"min", 1.0 / 60}, {"minute", 1.0 / 60}, {"minutes", 1.0 / 60},
      {"h", 1.0},        {"hr", 1.0},          {"hour", 1.0},          {"hours", 1.0},
      {"d", 24.0},       {"day", 24.0},        {"days", 24.0},
      {"w", 168.0},      {"week", 168.0},      {"weeks", 168.0}};
  auto it = units.find(u);
  return it == units.end() ? 0.0 : it->second;
}

double parse_duration(const std::string& text, const std::string& time_unit) {
  static const std::regex re(R"(^\s*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*$)");
  std::string t = text;
  if (t == "inf" || t == ".inf" || t == "infinity") return std::numeric_limits<double>::infinity();
  std::smatch m;
  if (!std::regex_match(t, m, re))
    throw std::invalid_argument("expected a duration such as 30min, 8h, 2d or a number of " + time_unit + "s");
  errno = 0;
  double value = std::strtod(m[1].str().c_str(), nullptr);
  if (errno == ERANGE || !std::isfinite(value))
    throw std::invalid_argument("expected a duration within the range of a double (about 1e-300 to 1e300)");
  std::string unit = m[2].str();
  if (unit.empty()) return value;
  double h = unit_in_hours(unit);
  if (h == 0.0)
    throw std::invalid_argument("unknown time unit '" + unit + "' (expected s, min, h, d or w)");
  return value * h / unit_in_hours(time_unit);
}

Override parse_override(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--set " + text + ": expected PATH=VALUE (e.g. units.production.servers=5), found no '='");
  return Override{text.substr(0, eq), text.substr(eq + 1)};
}

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

bool is_number(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end && *end == '\0';
}

// Describes what was found, for "expected X, got Y".
std::string found(const YAML::Node& n) {
  if (!n || n.IsNull()) return "nothing";
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  const std::string& s = n.Scalar();
  if (is_number(s)) return s;
  return "'" + s + "'";
}

class Loader {
 public:
  Loader(std::string source, std::vector<Override> overrides)
      : source_(std::move(source)), overrides_(std::move(overrides)) {}

  // A sweep file (see sweep_file.hpp); `dir` resolves its relative model path.
  Sweep load_sweep(const std::string& text, const std::string& dir) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      throw ConfigError(at(e.mark) + ": " + e.msg);
    }
    if (!root || !root.IsMap()) throw ConfigError(source_ + ":1:1: expected a mapping with model, replications, seed, grid, got " + found(root));
    keys(root, "", {"model", "replications", "seed", "grid", "scenarios"});
    Sweep s;
    s.source = source_;
    s.text = text;
    if (!root["model"]) fail(root, "model", "missing; expected the path of the model config, e.g. model: ../weak_link.yaml");
    std::string mp = str(root["model"], "model");
    std::filesystem::path model_path(mp);
    if (model_path.is_relative()) model_path = std::filesystem::path(dir) / model_path;
    s.model_path = model_path.lexically_normal().string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(s.model_path, ec))
      fail(root["model"], "model", "expected a model config file, found no file " + s.model_path);
    Model base = load_model_file(s.model_path);  // its own errors name its own file
    s.replications = root["replications"] ? static_cast<int>(integer(root["replications"], "replications", 1, 1000000))
                                          : base.run.replications;
    s.seed = root["seed"] ? static_cast<std::uint64_t>(integer(root["seed"], "seed", 0)) : base.run.seed;
    auto value_text = [](const YAML::Node& v) {
      YAML::Emitter out;
      out << YAML::Flow << v;
      return std::string(out.c_str());
    };
    auto try_model = [&](const std::vector<Override>& ov, const YAML::Node& where, const std::string& path) {
      try {
        return load_model_text(base.config_text, s.model_path, ov);
      } catch (const ConfigError& e) {
        std::string msg = e.what();
        if (!ov.empty()) {
          const std::string prefix = "--set " + ov.back().path + "=" + ov.back().value + ": ";
          if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
        }
        fail(where, path, "this does not give a valid model: " + msg);
      }
    };
    // The grid: each path with a non-empty list of values, each value checked alone.
    std::vector<std::vector<Override>> axes;
    if (const YAML::Node grid = root["grid"]; grid && !grid.IsNull()) {
      map(grid, "grid", "a mapping of config paths to lists of values");
      unique_keys(grid, "grid");
      for (auto it = grid.begin(); it != grid.end(); ++it) {
        const std::string path = it->first.Scalar();
        const std::string gp = "grid." + path;
        const YAML::Node values = it->second;
        if (!values.IsSequence() || values.size() == 0)
          fail(values, gp, "expected a non-empty list of values, got " + (values.IsSequence() ? std::string("an empty list") : found(values)));
        std::vector<Override> axis;
        for (std::size_t i = 0; i < values.size(); ++i) {
          Override ov{path, value_text(values[i]), ""};
          try_model({ov}, values[i], gp + "." + std::to_string(i));
          axis.push_back(ov);
        }
        s.factors.push_back(path);
        axes.push_back(std::move(axis));
      }
    }
    const YAML::Node sc = root["scenarios"];
    if (axes.empty() && (!sc || sc.IsNull() || (sc.IsMap() && sc.size() == 0)))
      fail(root["grid"] ? root["grid"] : root, "grid", "expected at least one path with a list of values (or scenarios), got an empty grid");
    auto add_point = [&](const std::string& scenario, std::vector<Override> changes, const YAML::Node& where,
                         const std::string& path) {
      SweepPoint p;
      char id[16];
      std::snprintf(id, sizeof id, "p%04zu", s.points.size());
      p.id = id;
      p.scenario = scenario;
      p.model = try_model(changes, where, path);
      p.changes = std::move(changes);
      s.points.push_back(std::move(p));
    };
    if (!axes.empty()) {
      std::size_t total = 1;
      for (const auto& a : axes) total *= a.size();
      if (total > 100000) fail(root["grid"], "grid", "expected at most 100000 points, got " + std::to_string(total));
      for (std::size_t n = 0; n < total; ++n) {  // full factorial, the last factor varying fastest
        std::vector<Override> changes(axes.size());
        std::size_t rest = n;
        for (std::size_t a = axes.size(); a-- > 0;) {
          changes[a] = axes[a][rest % axes[a].size()];
          rest /= axes[a].size();
        }
        add_point("", std::move(changes), root["grid"], "grid");
      }
    }
    if (sc && !sc.IsNull()) {
      map(sc, "scenarios", "a mapping of scenario names to {PATH: VALUE, ...}");
      unique_keys(sc, "scenarios");
      for (auto it = sc.begin(); it != sc.end(); ++it) {
        const std::string name = it->first.Scalar();
        const std::string p = "scenarios." + name;
        map(it->second, p, "a mapping of config paths to values");
        std::vector<Override> changes;
        for (auto c = it->second.begin(); c != it->second.end(); ++c)
          changes.push_back(Override{c->first.Scalar(), value_text(c->second), ""});
        add_point(name, std::move(changes), it->second, p);
      }
    }
    return s;
  }

  Model load(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      throw ConfigError(at(e.mark) + ": " + e.msg);
    }
    if (!root || root.IsNull()) throw ConfigError(source_ + ":1:1: expected a mapping with units and flows, got an empty document");
    if (!root.IsMap()) throw ConfigError(at(root.Mark()) + ": expected a mapping with units and flows, got " + found(root));
    for (const auto& ov : overrides_) apply(root, ov);

    Model m;
    m.source = source_;
    if (overrides_.empty()) {
      m.config_text = text;
    } else {
      YAML::Emitter out;
      out << root;
      m.config_text = std::string(out.c_str()) + "\n";
    }
    keys(root, "", {"name", "time_unit", "run", "units", "flows", "links", "complaints", "costs", "scenarios"});
    if (root["name"]) {
      m.name = str(root["name"], "name");
    } else {  // the file's stem, or "model"
      auto slash = source_.find_last_of('/');
      std::string stem = slash == std::string::npos ? source_ : source_.substr(slash + 1);
      auto dot = stem.find_last_of('.');
      if (dot != std::string::npos && dot > 0) stem = stem.substr(0, dot);
      m.name = stem.empty() || stem.front() == '<' ? "model" : stem;
    }
    if (root["time_unit"]) {
      m.time_unit = str(root["time_unit"], "time_unit");
      if (unit_in_hours(m.time_unit) == 0.0)
        fail(root["time_unit"], "time_unit", "expected one of second, minute, hour, day, week, got " + found(root["time_unit"]));
    }
    {  // canonical name, so messages and outputs say "hour" whether the config said h or hours
      const double h = unit_in_hours(m.time_unit);
      m.time_unit = h == 1.0 / 3600 ? "second" : h == 1.0 / 60 ? "minute" : h == 1.0 ? "hour" : h == 24.0 ? "day" : "week";
    }
    time_unit_ = m.time_unit;
    load_run(root, m);
    load_units(root, m);
    load_flows(root, m);
    load_links(root, m);
    // Skipped steps are origins of defects too, after the links.
    for (std::size_t f = 0; f < m.flows.size(); ++f)
      for (std::size_t k = 0; k < m.flows[f].tasks.size(); ++k) {
        Task& t = m.flows[f].tasks[k];
        if (t.skip <= 0) continue;
        int same = 0;
        for (const auto& g : m.flows)
          for (const auto& u : g.tasks) same += u.name == t.name;
        t.skip_origin = static_cast<int>(m.origins.size());
        m.origins.push_back(Origin{"skip:" + (same > 1 ? m.flows[f].name + "." : std::string()) + t.name, -1,
                                   static_cast<int>(f), static_cast<int>(k)});
      }
    if (m.origins.size() > 250)
      fail(root, "links", "expected at most 250 links and skipped steps in all, got " + std::to_string(m.origins.size()));
    load_complaints(root, m);
    load_costs(root, m);
    if (!skip_scenarios_) load_scenarios(root, m, text);
    return m;
  }

 private:
  // --- error positions ----------------------------------------------------------------
  std::string at(const YAML::Mark& mark) const {
    if (mark.is_null()) return source_;
    return source_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }

  const Override* overridden(const std::string& path) const {
    for (const auto& ov : overrides_)
      if (path == ov.path || path.rfind(ov.path + ".", 0) == 0) return &ov;
    for (const auto& [alias, i] : override_aliases_)
      if (path == alias || path.rfind(alias + ".", 0) == 0) return &overrides_[i];
    return nullptr;
  }

  [[noreturn]] void fail(const YAML::Node& n, const std::string& path, const std::string& what) const {
    std::string where;
    if (const Override* ov = overridden(path))
      where = ov->label.empty() ? "--set " + ov->path + "=" + ov->value : ov->label;
    else
      where = at(n ? n.Mark() : YAML::Mark::null_mark());
    throw ConfigError(where + ": " + path + ": " + what);
  }

  static std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

  // --- overrides ----------------------------------------------------------------------
  void apply(YAML::Node& root, const Override& ov) {
    auto parts = split_path(ov.path);
    const std::string where = ov.label.empty() ? "--set " + ov.path + "=" + ov.value : ov.label;
    YAML::Node value;
    try {
      value = YAML::Load(ov.value);
    } catch (const YAML::Exception& e) {
      throw ConfigError(where + ": " + ov.path + ": " + e.msg);
    }
    YAML::Node cur = root;
    std::string path;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const std::string& key = parts[i];
      if (key.empty()) throw ConfigError(where + ": " + ov.path + ": expected a path like units.production.servers, found an empty key");
      const bool last = i + 1 == parts.size();
      if (cur.IsSequence()) {
        std::size_t idx = cur.size();
        // Items of a list of links are addressed by FROM->TO (or by index).
        std::vector<std::string> item_keys;
        for (std::size_t k = 0; k < cur.size(); ++k) {
          const YAML::Node item = cur[k];
          if (item.IsMap() && item["from"] && item["to"] && item["from"].IsScalar() && item["to"].IsScalar()) {
            item_keys.push_back(item["from"].Scalar() + "->" + item["to"].Scalar());
            if (item_keys.back() == key) idx = k;
          }
        }
        if (idx == cur.size()) {
          try {
            std::size_t used = 0;
            idx = std::stoul(key, &used);
            if (used != key.size()) throw std::invalid_argument(key);
          } catch (...) {
            std::string hint = did_you_mean(key, item_keys);
            throw ConfigError(where + ": " + join(path, key) + ": no such item in " + path + " (expected FROM->TO or an index" +
                              (hint.empty() ? "" : "; did you mean '" + hint + "'?") + ")");
          }
        }
        if (idx >= cur.size())
          throw ConfigError(where + ": " + join(path, key) + ": index out of range (the list has " + std::to_string(cur.size()) + " items)");
        {  // errors name link items FROM->TO: remember that this override is also that path
          const YAML::Node item = cur[idx];
          if (item.IsMap() && item["from"] && item["to"] && item["from"].IsScalar() && item["to"].IsScalar()) {
            std::string alias = join(path, item["from"].Scalar() + "->" + item["to"].Scalar());
            for (std::size_t r = i + 1; r < parts.size(); ++r) alias += "." + parts[r];
            override_aliases_.emplace_back(alias, static_cast<std::size_t>(&ov - overrides_.data()));
          }
        }
        path = join(path, key);
        if (last) {
          cur[idx] = value;
          return;
        }
        cur.reset(cur[idx]);
        continue;
      }
      if (!cur.IsMap())
        throw ConfigError(where + ": " + join(path, key) + ": " + (path.empty() ? "the document" : path) +
                          " is not a mapping (it is " + found(cur) + ")");
      if (last) {
        if (cur[key] && uses(root, cur[key]) > 1)
          throw ConfigError(where + ": " + join(path, key) + ": this value is a YAML alias shared with another place; " +
                            "expected a value of its own (write it out in the config to override it here only)");
        cur[key] = value;
        return;
      }
      if (!cur[key]) {
        std::vector<std::string> names;
        for (auto it = cur.begin(); it != cur.end(); ++it) names.push_back(it->first.Scalar());
        std::string hint = did_you_mean(key, names);
        throw ConfigError(where + ": " + join(path, key) + ": no such key in the config" +
                          (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      }
      path = join(path, key);
      YAML::Node next = cur[key];
      // A node shared through a YAML alias would change everywhere it is used: refuse.
      if (uses(root, next) > 1)
        throw ConfigError(where + ": " + path + ": this part of the config is a YAML alias shared with another place; " +
                          "expected a value of its own (write it out in the config to override it here only)");
      cur.reset(next);
    }
  }

  // How many times `target` appears in the tree under `n` (more than once: a shared alias).
  static int uses(const YAML::Node& n, const YAML::Node& target, int depth = 0) {
    if (n.is(target)) return 1;
    if (depth > 64) return 0;
    int c = 0;
    if (n.IsMap())
      for (auto it = n.begin(); it != n.end(); ++it) c += uses(it->second, target, depth + 1);
    else if (n.IsSequence())
      for (std::size_t i = 0; i < n.size(); ++i) c += uses(n[i], target, depth + 1);
    return c;
  }

  // --- typed access -------------------------------------------------------------------
  void map(const YAML::Node& n, const std::string& path, const std::string& what = "a mapping") const {
    if (!n.IsMap()) fail(n, path, "expected " + what + ", got " + found(n));
  }

  // Checks that every key of map n is allowed, unique and a plain string.
  void keys(const YAML::Node& n, const std::string& path, const std::vector<std::string>& allowed) const {
    map(n, path);
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string k = it->first.Scalar();
      const std::string kp = join(path, k);
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        std::string hint = did_you_mean(k, allowed);
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(it->first, kp, "unknown key" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; expected one of " + list);
      }
      if (!seen.insert(k).second) fail(it->first, kp, "duplicate key");
    }
  }

  void unique_keys(const YAML::Node& n, const std::string& path) const {
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string k = it->first.Scalar();
      if (!it->first.IsScalar() || k.empty()) fail(it->first, path, "expected a name, got " + found(it->first));
      if (!seen.insert(k).second) fail(it->first, join(path, k), "duplicate key");
    }
  }

  std::string str(const YAML::Node& n, const std::string& path) const {
    if (!n.IsScalar()) fail(n, path, "expected a string, got " + found(n));
    return n.Scalar();
  }

  double number(const YAML::Node& n, const std::string& path) const {
    if (!n.IsScalar() || !is_number(n.Scalar())) fail(n, path, "expected a number, got " + found(n));
    return std::strtod(n.Scalar().c_str(), nullptr);
  }

  std::int64_t integer(const YAML::Node& n, const std::string& path, std::int64_t min,
                       std::int64_t max = std::numeric_limits<std::int64_t>::max()) const {
    std::string req = max == std::numeric_limits<std::int64_t>::max()
                          ? "expected an integer >= " + std::to_string(min)
                          : (min == std::numeric_limits<std::int64_t>::min() || min == std::numeric_limits<int>::min()
                                 ? "expected an integer <= " + std::to_string(max)
                                 : "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
    if (min == std::numeric_limits<int>::min() && max == std::numeric_limits<int>::max())
      req = "expected an integer (32-bit)";
    if (!n.IsScalar()) fail(n, path, req + ", got " + found(n));
    const std::string& s = n.Scalar();
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno == ERANGE) fail(n, path, req + ", got " + found(n));
    if (v < min || v > max) fail(n, path, req + ", got " + s);
    return v;
  }

  // A distribution parameter: any finite number (the distribution checks its own range,
  // so the message can say "mean: expected a number > 0").
  double param(const YAML::Node& n, const std::string& path) const {
    if (!n.IsScalar()) fail(n, path, "expected a duration such as 30min, 8h, 2d or a number of " + time_unit_ + "s, got " + found(n));
    double v;
    try {
      v = parse_duration(n.Scalar(), time_unit_);
    } catch (const std::invalid_argument& e) {
      fail(n, path, std::string(e.what()) + ", got " + found(n));
    }
    if (!std::isfinite(v)) fail(n, path, "expected a finite duration, got " + found(n));
    return v;
  }

  double duration(const YAML::Node& n, const std::string& path, bool allow_inf = false) const {
    if (!n.IsScalar()) fail(n, path, "expected a duration such as 30min, 8h, 2d or a number of " + time_unit_ + "s, got " + found(n));
    double v;
    try {
      v = parse_duration(n.Scalar(), time_unit_);
    } catch (const std::invalid_argument& e) {
      fail(n, path, std::string(e.what()) + ", got " + found(n));
    }
    if (std::isinf(v) && !allow_inf) fail(n, path, "expected a finite duration, got " + found(n));
    if (!(v >= 0)) fail(n, path, "expected a duration >= 0, got " + found(n));
    return v;
  }

  // The index of the unit named by node n (an error with a did-you-mean if there is none).
  int unit_ref(const YAML::Node& n, const std::string& path, const Model& m) const {
    const std::string name = str(n, path);
    const int u = m.unit_index(name);
    if (u >= 0) return u;
    std::vector<std::string> names;
    for (const auto& x : m.units) names.push_back(x.name);
    std::string hint = did_you_mean(name, names);
    fail(n, path, "unknown unit '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }

  // The index of node n's value among `names` (an error listing them, with a did-you-mean).
  int choice(const YAML::Node& n, const std::string& path, const std::vector<std::string>& names) const {
    const std::string v = str(n, path);
    for (std::size_t i = 0; i < names.size(); ++i)
      if (v == names[i]) return static_cast<int>(i);
    std::string list;
    for (std::size_t i = 0; i < names.size(); ++i)
      list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    const std::string hint = did_you_mean(v, names);
    fail(n, path, "expected " + list + ", got " + found(n) + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }

  double probability(const YAML::Node& n, const std::string& path) const {
    if (!n.IsScalar() || !is_number(n.Scalar())) fail(n, path, "expected a probability between 0 and 1, got " + found(n));
    double v = std::strtod(n.Scalar().c_str(), nullptr);
    if (!(v >= 0 && v <= 1)) fail(n, path, "expected a probability between 0 and 1, got " + found(n));
    return v;
  }

  bool boolean(const YAML::Node& n, const std::string& path) const {
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      if (s == "true" || s == "yes" || s == "on" || s == "True") return true;
      if (s == "false" || s == "no" || s == "off" || s == "False") return false;
    }
    fail(n, path, "expected true or false, got " + found(n));
  }

  double cost(const YAML::Node& n, const std::string& path) const {
    double c = number(n, path);
    if (!(c >= 0) || !std::isfinite(c)) fail(n, path, "expected a cost >= 0, got " + found(n));
    return c;
  }

  // --- sections -----------------------------------------------------------------------
  void load_run(const YAML::Node& root, Model& m) const {
    const YAML::Node run = root["run"];
    if (!run) fail(root, "run", "missing; expected run: {horizon: ..., warmup: ..., replications: ..., seed: ...}");
    keys(run, "run", {"horizon", "warmup", "replications", "seed"});
    if (!run["horizon"]) fail(run, "run.horizon", "missing; expected the simulated time span, e.g. horizon: 20000");
    m.run.horizon = duration(run["horizon"], "run.horizon");
    if (!(m.run.horizon > 0)) fail(run["horizon"], "run.horizon", "expected a duration > 0, got " + found(run["horizon"]));
    if (run["warmup"]) {
      m.run.warmup = duration(run["warmup"], "run.warmup");
      if (!(m.run.warmup < m.run.horizon))
        fail(run["warmup"], "run.warmup", "expected a duration shorter than run.horizon (" + run["horizon"].Scalar() + "), got " + found(run["warmup"]));
    }
    if (run["replications"]) m.run.replications = static_cast<int>(integer(run["replications"], "run.replications", 1, 1000000));
    if (run["seed"]) m.run.seed = static_cast<std::uint64_t>(integer(run["seed"], "run.seed", 0));
  }

  void load_units(const YAML::Node& root, Model& m) const {
    const YAML::Node units = root["units"];
    if (!units) fail(root, "units", "missing; expected a mapping of unit names to {servers: N}");
    map(units, "units", "a mapping of unit names to {servers: N}");
    if (units.size() == 0) fail(units, "units", "expected at least one unit, got an empty mapping");
    unique_keys(units, "units");
    for (auto it = units.begin(); it != units.end(); ++it) {
      Unit u;
      u.name = it->first.Scalar();
      const std::string p = "units." + u.name;
      const YAML::Node n = it->second;
      if (n && !n.IsNull()) {
        keys(n, p, {"servers", "discipline", "capacity", "cost_per_hour", "outages"});
        if (n["cost_per_hour"]) {
          double c = number(n["cost_per_hour"], p + ".cost_per_hour");
          if (!(c >= 0) || !std::isfinite(c)) fail(n["cost_per_hour"], p + ".cost_per_hour", "expected a cost >= 0, got " + found(n["cost_per_hour"]));
          u.cost_per_time = c * unit_in_hours(time_unit_);
        }
        if (const YAML::Node o = n["outages"]) {
          keys(o, p + ".outages", {"mtbf", "mttr"});
          if (!o["mtbf"]) fail(o, p + ".outages.mtbf", "missing; expected the mean time between failures, e.g. mtbf: 200h");
          if (!o["mttr"]) fail(o, p + ".outages.mttr", "missing; expected the repair time distribution, e.g. mttr: {exponential: {mean: 6h}}");
          u.outages = true;
          u.mtbf = duration(o["mtbf"], p + ".outages.mtbf");
          if (!(u.mtbf > 0)) fail(o["mtbf"], p + ".outages.mtbf", "expected a duration > 0, got " + found(o["mtbf"]));
          u.mttr = distribution(o["mttr"], p + ".outages.mttr");
        }
        if (n["servers"]) u.servers = static_cast<int>(integer(n["servers"], p + ".servers", 1, 1000000));
        if (n["discipline"])
          u.discipline = static_cast<Discipline>(choice(n["discipline"], p + ".discipline", {"fifo", "priority", "edf"}));
        if (n["capacity"]) {
          const YAML::Node c = n["capacity"];
          if (c.IsScalar() && (c.Scalar() == "inf" || c.Scalar() == ".inf")) u.capacity = -1;
          else {
            if (!c.IsScalar() || !is_number(c.Scalar()))
              fail(c, p + ".capacity", "expected an integer >= 1 or inf, got " + found(c));
            u.capacity = integer(c, p + ".capacity", 1);
          }
          if (u.capacity >= 0 && u.capacity < u.servers)
            fail(c, p + ".capacity", "expected at least as many places as servers (" + std::to_string(u.servers) + "), got " + c.Scalar());
        }
      }
      m.units.push_back(std::move(u));
    }
  }

  Distribution distribution(const YAML::Node& n, const std::string& path) const {
    static const std::vector<std::string> kinds = {"deterministic", "exponential", "uniform", "triangular", "lognormal",
                                                   "gamma",         "erlang",      "weibull", "empirical"};
    if (n.IsScalar()) {  // a plain duration: deterministic
      return make(n, path, [&] { return Distribution::deterministic(param(n, path)); });
    }
    if (!n.IsMap() || n.size() != 1)
      fail(n, path, "expected one distribution such as {exponential: {mean: 1.5}}, got " + found(n) +
                        (n.IsMap() ? " with " + std::to_string(n.size()) + " keys" : ""));
    auto it = n.begin();
    const std::string kind = it->first.Scalar();
    const std::string kp = path + "." + kind;
    const YAML::Node a = it->second;
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
      std::string hint = did_you_mean(kind, kinds);
      fail(it->first, kp, "unknown distribution" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                              "; expected one of deterministic, exponential, uniform, triangular, lognormal, gamma, erlang, weibull, empirical");
    }
    auto need = [&](const char* key) -> YAML::Node {
      if (!a[key]) fail(a, kp + "." + key, std::string("missing; ") + kind + " needs " + key);
      return a[key];
    };
    if (kind == "deterministic") {
      if (a.IsScalar()) return make(a, kp, [&] { return Distribution::deterministic(param(a, kp)); });
      keys(a, kp, {"value"});
      return make(a, kp, [&] { return Distribution::deterministic(param(need("value"), kp + ".value")); });
    }
    if (kind == "empirical") {
      if (!a.IsSequence() || a.size() == 0) fail(a, kp, "expected a non-empty list of durations, got " + found(a));
      std::vector<double> v;
      for (std::size_t i = 0; i < a.size(); ++i) v.push_back(param(a[i], kp + "." + std::to_string(i)));
      return make(a, kp, [&] { return Distribution::empirical(v); });
    }
    if (kind == "exponential") {
      keys(a, kp, {"mean"});
      return make(a, kp, [&] { return Distribution::exponential(param(need("mean"), kp + ".mean")); }, "mean");
    }
    if (kind == "uniform") {
      keys(a, kp, {"min", "max"});
      return make(a, kp, [&] { return Distribution::uniform(param(need("min"), kp + ".min"), param(need("max"), kp + ".max")); });
    }
    if (kind == "triangular") {
      keys(a, kp, {"min", "mode", "max"});
      return make(a, kp, [&] {
        return Distribution::triangular(param(need("min"), kp + ".min"), param(need("mode"), kp + ".mode"),
                                        param(need("max"), kp + ".max"));
      });
    }
    if (kind == "lognormal" || kind == "gamma") {
      keys(a, kp, {"mean", "cv"});
      return make(a, kp, [&] {
        double mean = param(need("mean"), kp + ".mean");
        double cv = number(need("cv"), kp + ".cv");
        return kind == "gamma" ? Distribution::gamma(mean, cv) : Distribution::lognormal(mean, cv);
      });
    }
    if (kind == "erlang") {
      keys(a, kp, {"k", "mean"});
      return make(a, kp, [&] {
        return Distribution::erlang(static_cast<int>(integer(need("k"), kp + ".k", 1, 10000)), param(need("mean"), kp + ".mean"));
      });
    }
    // weibull
    keys(a, kp, {"shape", "scale"});
    return make(a, kp, [&] { return Distribution::weibull(number(need("shape"), kp + ".shape"), param(need("scale"), kp + ".scale")); });
  }

  // Runs a distribution factory, turning its std::invalid_argument ("mean: expected ...")
  // into a positioned ConfigError on the named parameter when it can be found.
  template <class F>
  Distribution make(const YAML::Node& n, const std::string& path, F&& f, const char* = nullptr) const {
    try {
      return f();
    } catch (const std::invalid_argument& e) {
      std::string msg = e.what();
      auto colon = msg.find(": ");
      if (colon != std::string::npos && n.IsMap()) {
        std::string key = msg.substr(0, colon);
        if (n[key]) fail(n[key], path + "." + key, msg.substr(colon + 2));
      }
      fail(n, path, msg);
    }
  }

  void load_flows(const YAML::Node& root, Model& m) const {
    const YAML::Node flows = root["flows"];
    if (!flows) fail(root, "flows", "missing; expected a mapping of flow names to {arrivals, tasks}");
    map(flows, "flows", "a mapping of flow names to {arrivals, tasks}");
    if (flows.size() == 0) fail(flows, "flows", "expected at least one flow, got an empty mapping");
    unique_keys(flows, "flows");
    for (auto it = flows.begin(); it != flows.end(); ++it) {
      Flow f;
      f.name = it->first.Scalar();
      const std::string p = "flows." + f.name;
      const YAML::Node n = it->second;
      keys(n, p, {"arrivals", "due", "priority", "value", "tasks"});
      if (n["value"]) {
        f.value = number(n["value"], p + ".value");
        if (!(f.value >= 0) || !std::isfinite(f.value)) fail(n["value"], p + ".value", "expected a value >= 0, got " + found(n["value"]));
      }
      // arrivals
      const YAML::Node a = n["arrivals"];
      if (!a) fail(n, p + ".arrivals", "missing; expected {poisson: RATE} or {interarrival: DISTRIBUTION}");
      keys(a, p + ".arrivals", {"poisson", "interarrival", "customers", "rate_per_customer"});
      if (a["customers"] || a["rate_per_customer"]) {
        if (a["poisson"] || a["interarrival"] || a.size() != 2)
          fail(a, p + ".arrivals", "expected {customers: N, rate_per_customer: R} alone, or {poisson: RATE}, or {interarrival: DISTRIBUTION}");
        f.customers = integer(a["customers"], p + ".arrivals.customers", 1, 1000000000);
        f.rate_per_customer = number(a["rate_per_customer"], p + ".arrivals.rate_per_customer");
        if (!(f.rate_per_customer > 0) || !std::isfinite(f.rate_per_customer))
          fail(a["rate_per_customer"], p + ".arrivals.rate_per_customer",
               "expected a rate > 0 (orders per customer per " + time_unit_ + "), got " + found(a["rate_per_customer"]));
        f.interarrival = Distribution::exponential(1.0 / (static_cast<double>(f.customers) * f.rate_per_customer));
      } else if (a.size() != 1) {
        fail(a, p + ".arrivals", "expected exactly one of poisson or interarrival, got " + std::to_string(a.size()) + " keys");
      } else if (a["poisson"]) {
        double rate = number(a["poisson"], p + ".arrivals.poisson");
        if (!(rate > 0) || !std::isfinite(rate))
          fail(a["poisson"], p + ".arrivals.poisson", "expected a rate > 0 (arrivals per " + time_unit_ + "), got " + found(a["poisson"]));
        if (!std::isfinite(1.0 / rate))
          fail(a["poisson"], p + ".arrivals.poisson", "expected a rate whose inverse is finite, got " + found(a["poisson"]));
        f.interarrival = Distribution::exponential(1.0 / rate);
      } else {
        f.interarrival = distribution(a["interarrival"], p + ".arrivals.interarrival");
        if (!(f.interarrival.mean() > 0))
          fail(a["interarrival"], p + ".arrivals.interarrival", "expected a distribution with a mean > 0, got " + f.interarrival.describe());
      }
      if (n["due"]) {
        f.due = duration(n["due"], p + ".due", true);
        if (!(f.due > 0)) fail(n["due"], p + ".due", "expected a duration > 0, got " + found(n["due"]));
      }
      if (n["priority"]) {
        const YAML::Node pr = n["priority"];
        f.priority = static_cast<int>(integer(pr, p + ".priority", std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
      }
      if (f.interarrival.mean() * 1e12 < m.run.horizon)
        fail(a, p + ".arrivals", "expected fewer than 10^12 arrivals over the horizon (" + std::to_string(m.run.horizon) +
                                      "), got a mean interarrival time of " + std::to_string(f.interarrival.mean()));
      load_tasks(n, p, f, m);
      m.flows.push_back(std::move(f));
    }
  }

  void load_tasks(const YAML::Node& n, const std::string& p, Flow& f, const Model& m) const {
    const YAML::Node tasks = n["tasks"];
    if (!tasks) fail(n, p + ".tasks", "missing; expected a mapping of task names to {unit, service, after}");
    map(tasks, p + ".tasks", "a mapping of task names to {unit, service, after}");
    if (tasks.size() == 0) fail(tasks, p + ".tasks", "expected at least one task, got an empty mapping");
    unique_keys(tasks, p + ".tasks");
    if (tasks.size() > 65535) fail(tasks, p + ".tasks", "expected at most 65535 tasks, got " + std::to_string(tasks.size()));
    std::vector<std::string> names;
    for (auto it = tasks.begin(); it != tasks.end(); ++it) names.push_back(it->first.Scalar());
    std::vector<std::vector<YAML::Node>> after_nodes;
    for (auto it = tasks.begin(); it != tasks.end(); ++it) {
      Task t;
      t.name = it->first.Scalar();
      const std::string tp = p + ".tasks." + t.name;
      const YAML::Node tn = it->second;
      keys(tn, tp, {"unit", "service", "after", "skip", "skip_defect"});
      if (tn["skip"]) t.skip = probability(tn["skip"], tp + ".skip");
      if (tn["skip_defect"]) t.skip_defect = probability(tn["skip_defect"], tp + ".skip_defect");
      if (!tn["unit"]) fail(tn, tp + ".unit", "missing; expected the name of a unit");
      t.unit = unit_ref(tn["unit"], tp + ".unit", m);
      if (!tn["service"]) fail(tn, tp + ".service", "missing; expected a distribution such as {exponential: {mean: 1.5}}");
      t.service = distribution(tn["service"], tp + ".service");
      std::vector<YAML::Node> an;
      if (const YAML::Node af = tn["after"]) {
        if (af.IsScalar()) an.push_back(af);
        else if (af.IsSequence()) for (std::size_t i = 0; i < af.size(); ++i) an.push_back(af[i]);
        else fail(af, tp + ".after", "expected a task name or a list of task names, got " + found(af));
        std::set<int> seen;
        for (const auto& x : an) {
          std::string name = str(x, tp + ".after");
          auto pos = std::find(names.begin(), names.end(), name);
          if (pos == names.end()) {
            std::string hint = did_you_mean(name, names);
            fail(x, tp + ".after", "unknown task '" + name + "' in flow " + f.name + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
          }
          int idx = static_cast<int>(pos - names.begin());
          if (name == t.name) fail(x, tp + ".after", "a task cannot come after itself");
          if (!seen.insert(idx).second) fail(x, tp + ".after", "task '" + name + "' is listed twice");
          t.after.push_back(idx);
        }
      }
      after_nodes.push_back(an);
      f.tasks.push_back(std::move(t));
    }
    // The task graph must be a DAG.
    std::vector<std::pair<int, int>> edges;
    for (std::size_t k = 0; k < f.tasks.size(); ++k)
      for (int a : f.tasks[k].after) edges.emplace_back(a, static_cast<int>(k));
    std::vector<int> cycle = find_cycle(static_cast<int>(f.tasks.size()), edges);
    if (!cycle.empty()) {
      std::string chain;
      for (int c : cycle) chain += (chain.empty() ? "" : " -> ") + f.tasks[c].name;
      chain += " -> " + f.tasks[cycle.front()].name;
      const YAML::Node first = tasks[f.tasks[cycle.front()].name];
      fail(first["after"] ? first["after"] : first, p + ".tasks", "expected the tasks to form an acyclic graph, found the cycle " + chain);
    }
    for (std::size_t k = 0; k < f.tasks.size(); ++k) {
      if (f.tasks[k].after.empty()) f.sources.push_back(static_cast<int>(k));
      for (int a : f.tasks[k].after) f.tasks[a].next.push_back(static_cast<int>(k));
    }
    for (const auto& t : f.tasks)
      if (t.next.empty()) ++f.sinks;
    for (std::size_t k = 0; k < f.tasks.size(); ++k)
      for (int nx : f.tasks[k].next) {
        f.tasks[k].out.push_back(static_cast<int>(f.edges.size()));
        f.edges.push_back(Edge{static_cast<int>(k), nx, -1});
      }
  }

  void load_links(const YAML::Node& root, Model& m) const {
    const YAML::Node links = root["links"];
    if (!links || links.IsNull()) return;
    if (!links.IsSequence()) fail(links, "links", "expected a list of {from, to, defect, detect, ...}, got " + found(links));
    std::vector<std::string> task_names, unit_names, both;
    for (const auto& f : m.flows)
      for (const auto& t : f.tasks)
        if (std::find(task_names.begin(), task_names.end(), t.name) == task_names.end()) task_names.push_back(t.name);
    for (const auto& u : m.units) unit_names.push_back(u.name);
    both = task_names;
    both.insert(both.end(), unit_names.begin(), unit_names.end());
    // Which edge each link covers: edge_link[flow][edge] = link index.
    for (std::size_t i = 0; i < links.size(); ++i) {
      const YAML::Node n = links[i];
      std::string p = "links." + std::to_string(i);
      if (n.IsMap() && n["from"] && n["to"] && n["from"].IsScalar() && n["to"].IsScalar())
        p = "links." + n["from"].Scalar() + "->" + n["to"].Scalar();
      keys(n, p, {"from", "to", "defect", "detect", "on_detect", "rework_service", "fix_service", "delay", "sla", "active"});
      Link L;
      if (!n["from"]) fail(n, p + ".from", "missing; expected the supplier task or unit");
      if (!n["to"]) fail(n, p + ".to", "missing; expected the receiving task or unit");
      L.from = str(n["from"], p + ".from");
      L.to = str(n["to"], p + ".to");
      L.key = L.from + "->" + L.to;
      for (std::size_t j = 0; j < m.links.size(); ++j)
        if (m.links[j].key == L.key) fail(n, p, "duplicate link " + L.key + " (also links item " + std::to_string(j) + ")");
      auto side = [&](const std::string& name, const YAML::Node& node, const std::string& what) {
        bool is_task = std::find(task_names.begin(), task_names.end(), name) != task_names.end();
        bool is_unit = std::find(unit_names.begin(), unit_names.end(), name) != unit_names.end();
        if (!is_task && !is_unit) {
          std::string hint = did_you_mean(name, both);
          fail(node, p + "." + what, "unknown task or unit '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        }
        return is_task;  // a task name wins over a unit of the same name
      };
      const bool from_task = side(L.from, n["from"], "from");
      const bool to_task = side(L.to, n["to"], "to");
      if (n["defect"]) L.defect = probability(n["defect"], p + ".defect");
      if (n["detect"]) L.detect = probability(n["detect"], p + ".detect");
      if (n["on_detect"])
        L.on_detect = static_cast<OnDetect>(choice(n["on_detect"], p + ".on_detect", {"rework", "fix", "scrap"}));
      if (n["rework_service"]) {
        L.has_rework_service = true;
        L.rework_service = distribution(n["rework_service"], p + ".rework_service");
      }
      if (n["fix_service"]) {
        L.has_fix_service = true;
        L.fix_service = distribution(n["fix_service"], p + ".fix_service");
      }
      if (L.on_detect == OnDetect::Fix && !L.has_fix_service)
        fail(n, p + ".fix_service", "missing; on_detect: fix needs fix_service (the extra work at the receiver)");
      if (n["delay"]) {
        L.delay = distribution(n["delay"], p + ".delay");
        // A delay of exactly 0 is no delay: the handoff happens at once, as without the key.
        L.has_delay = !(L.delay.kind() == Distribution::Kind::Deterministic && L.delay.mean() == 0);
      }
      if (n["sla"]) {
        L.sla = duration(n["sla"], p + ".sla", true);
        if (!(L.sla > 0)) fail(n["sla"], p + ".sla", "expected a duration > 0, got " + found(n["sla"]));
      }
      if (const YAML::Node w = n["active"]) {
        if (!w.IsSequence() || w.size() != 2) fail(w, p + ".active", "expected [start, end], got " + found(w));
        L.active_begin = duration(w[0], p + ".active.0");
        L.active_end = duration(w[1], p + ".active.1", true);
        if (!(L.active_end > L.active_begin))
          fail(w[1], p + ".active", "expected a window whose end comes after its start (" + w[0].Scalar() + "), got " + found(w[1]));
      }
      // Cover the handoffs.
      const int li = static_cast<int>(m.links.size());
      int covered = 0;
      for (auto& f : m.flows)
        for (auto& e : f.edges) {
          const Task& a = f.tasks[e.from];
          const Task& b = f.tasks[e.to];
          bool fm = from_task ? a.name == L.from : m.units[a.unit].name == L.from;
          bool tm = to_task ? b.name == L.to : m.units[b.unit].name == L.to;
          if (!fm || !tm) continue;
          if (e.link >= 0)
            fail(n, p, "the handoff " + a.name + " -> " + b.name + " in flow " + f.name + " is already covered by link " + m.links[e.link].key);
          e.link = li;
          ++covered;
        }
      if (covered == 0)
        fail(n, p, "expected a link between a task and one that comes after it, found no handoff from " + L.from + " to " + L.to +
                       " in any flow (is `to` after `from`?)");
      L.origin = static_cast<int>(m.origins.size());
      m.origins.push_back(Origin{L.key, li, -1, -1});
      m.links.push_back(std::move(L));
    }
  }

  void load_complaints(const YAML::Node& root, Model& m) const {
    const YAML::Node c = root["complaints"];
    if (!c || c.IsNull()) return;
    const std::string p = "complaints";
    keys(c, p, {"unit", "service", "visible", "late_dissatisfies", "complain", "resolve", "churn_if_resolved",
                "churn_if_unresolved", "churn_if_silent"});
    Complaints& k = m.complaints;
    k.enabled = true;
    if (!c["unit"]) fail(c, p + ".unit", "missing; expected the unit that handles complaints");
    k.unit = unit_ref(c["unit"], p + ".unit", m);
    if (!c["service"]) fail(c, p + ".service", "missing; expected the handling time distribution, e.g. {exponential: {mean: 2h}}");
    k.service = distribution(c["service"], p + ".service");
    if (c["visible"]) k.visible = probability(c["visible"], p + ".visible");
    if (c["late_dissatisfies"]) k.late_dissatisfies = boolean(c["late_dissatisfies"], p + ".late_dissatisfies");
    if (c["complain"]) k.complain = probability(c["complain"], p + ".complain");
    if (c["resolve"]) k.resolve = probability(c["resolve"], p + ".resolve");
    if (c["churn_if_resolved"]) k.churn_if_resolved = probability(c["churn_if_resolved"], p + ".churn_if_resolved");
    if (c["churn_if_unresolved"]) k.churn_if_unresolved = probability(c["churn_if_unresolved"], p + ".churn_if_unresolved");
    if (c["churn_if_silent"]) k.churn_if_silent = probability(c["churn_if_silent"], p + ".churn_if_silent");
  }

  // scenarios: {NAME: {PATH: VALUE, ...}}: each is checked by loading the model with its
  // changes, so a scenario with an unknown path or a bad value is an error here, on its line.
  void load_scenarios(const YAML::Node& root, Model& m, const std::string& text) const {
    const YAML::Node sc = root["scenarios"];
    if (!sc || sc.IsNull()) return;
    map(sc, "scenarios", "a mapping of scenario names to {PATH: VALUE, ...}");
    unique_keys(sc, "scenarios");
    for (auto it = sc.begin(); it != sc.end(); ++it) {
      const std::string name = it->first.Scalar();
      const std::string p = "scenarios." + name;
      const YAML::Node changes = it->second;
      map(changes, p, "a mapping of config paths to values, e.g. {units.production.servers: 5}");
      Scenario s;
      s.name = name;
      for (auto c = changes.begin(); c != changes.end(); ++c) {
        const std::string path = c->first.Scalar();
        if (path.rfind("scenarios", 0) == 0) fail(c->first, p + "." + path, "a scenario cannot change scenarios");
        YAML::Emitter out;
        out << YAML::Flow << c->second;
        Override ov{path, out.c_str(), ""};
        try {
          std::vector<Override> ovs = overrides_;
          ovs.push_back(ov);
          Loader check(source_, ovs);
          check.skip_scenarios_ = true;
          check.load(text);
        } catch (const ConfigError& e) {
          std::string msg = e.what();
          const std::string prefix = "--set " + ov.path + "=" + ov.value + ": ";
          if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
          fail(c->second, p + "." + path, "this change does not give a valid model: " + msg);
        }
        s.changes.push_back(ov);
      }
      m.scenarios.push_back(std::move(s));
    }
  }

  void load_costs(const YAML::Node& root, Model& m) const {
    const YAML::Node c = root["costs"];
    if (!c || c.IsNull()) return;
    keys(c, "costs", {"late_penalty", "scrap", "complaint", "lost_customer"});
    if (c["late_penalty"]) m.costs.late_penalty = cost(c["late_penalty"], "costs.late_penalty");
    if (c["scrap"]) m.costs.scrap = cost(c["scrap"], "costs.scrap");
    if (c["complaint"]) m.costs.complaint = cost(c["complaint"], "costs.complaint");
    if (c["lost_customer"]) m.costs.lost_customer = cost(c["lost_customer"], "costs.lost_customer");
  }

  std::string source_;
  std::vector<Override> overrides_;
  std::vector<std::pair<std::string, std::size_t>> override_aliases_;  // FROM->TO paths of overrides by index
  bool skip_scenarios_ = false;
  std::string time_unit_ = "hour";
};

}  // namespace

Model load_model_text(const std::string& text, const std::string& source, const std::vector<Override>& overrides) {
  Loader loader(source, overrides);
  return loader.load(text);
}

Sweep load_sweep_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw ConfigError(path + ": expected a sweep file, found a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot read the file (does it exist?)");
  std::ostringstream ss;
  ss << in.rdbuf();
  Loader loader(path, {});
  return loader.load_sweep(ss.str(), std::filesystem::path(path).parent_path().string());
}

Model load_model_file(const std::string& path, const std::vector<Override>& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw ConfigError(path + ": expected a YAML file, found a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot read the file (does it exist?)");
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_model_text(ss.str(), path, overrides);
}

}  // namespace eslabon
