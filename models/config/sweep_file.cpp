#include <models/config/input_limits.hpp>
#include <models/config/keys.hpp>
#include <models/config/loader.hpp>
#include <models/config/sweep_file.hpp>
#include <models/config/yaml_reader.hpp>

#include <eslabon/core/number_format.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>

namespace eslabon {
namespace {

// FNV-1a over strings, each closed by a 0xFF byte (which no UTF-8 text holds).
class Fnv {
 public:
  void mix(const std::string& s) {
    for (unsigned char c : s) {
      h_ ^= c;
      h_ *= 1099511628211ULL;
    }
    h_ ^= 0xFF;
    h_ *= 1099511628211ULL;
  }
  std::string hex() const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h_));
    return buf;
  }

 private:
  std::uint64_t h_ = 1469598103934665603ULL;
};

// The fingerprint's start: the sweep's own text, seed and replications; the points' models follow.
Fnv fingerprint_start(const Sweep& s) {
  Fnv f;
  f.mix(s.text);
  f.mix(std::to_string(s.seed));
  f.mix(std::to_string(s.replications));
  return f;
}

// `dir` resolves the sweep file's relative model path. With `given`, (path, text) of the model as
// read before (a shard file keeps them): no file is read.
Sweep read_sweep(const YamlReader& r, const std::string& text, const std::string& dir,
                 const std::pair<std::string, std::string>* given = nullptr) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(r.at(e.mark) + ": " + e.msg);
  }
  if (!root || !root.IsMap())  // quoting nothing of it: it may be any file (README "Limits")
    throw ConfigError(r.at(root ? root.Mark() : YAML::Mark()) +
                      ": expected a mapping with model, replications, seed, grid, got " + kind(root));
  r.keys(root, "", config_keys::sweep);
  Sweep s;
  s.source = r.source();
  s.text = text;
  if (!root["model"])
    r.fail(root, "model", "missing; expected the path of the model config, e.g. model: ../weak_link.yaml");
  std::string mp = r.str(root["model"], "model");
  std::filesystem::path model_path(mp);
  if (model_path.is_relative()) model_path = std::filesystem::path(dir) / model_path;
  s.model_path = given ? given->first : model_path.lexically_normal().string();
  std::error_code ec;
  if (!given && !std::filesystem::exists(s.model_path, ec))
    r.fail(root["model"], "model", "expected a model config file, found no file " + s.model_path);
  if (!given && !std::filesystem::is_regular_file(s.model_path, ec))  // a device, a directory: not read
    r.fail(root["model"], "model", "expected a model config file, found " + s.model_path + ", which is not a regular file");
  // Its own errors name its own file.
  const Model base = given ? load_model_text(given->second, s.model_path) : load_model_file(s.model_path);
  s.model_text = base.config_text;
  const ModelTemplate model(base.config_text, s.model_path);  // parsed once for every point
  s.replications = root["replications"]
                       ? static_cast<int>(r.integer(root["replications"], "replications", 1, kMaxReplications))
                       : base.run.replications;
  s.seed = root["seed"] ? static_cast<std::uint64_t>(r.integer(root["seed"], "seed", 0)) : base.run.seed;
  auto value_text = [](const YAML::Node& v) {
    YAML::Emitter out;
    out << YAML::Flow << v;
    return std::string(out.c_str());
  };
  auto try_model = [&](const std::vector<Override>& ov, const YAML::Node& where, const std::string& path) {
    try {
      return model.build(ov);
    } catch (const ConfigError& e) {
      std::string msg = e.what();
      if (!ov.empty()) {
        const std::string prefix = "--set " + ov.back().path + "=" + ov.back().value + ": ";
        if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
      }
      r.fail(where, path, "this does not give a valid model: " + msg);
    }
  };
  // The grid: each path with a non-empty list of values. Every point is built below; a point the
  // model refuses fails with the error of its first value that the model refuses alone, at that
  // value, or else names the grid. So a value valid only beside another factor's (a horizon below
  // the model's warm-up beside a warm-up factor) is kept.
  std::vector<std::vector<Override>> axes;
  std::vector<YAML::Node> axis_values;  // each axis's list, for the place of a value's error
  if (const YAML::Node grid = root["grid"]; grid && !grid.IsNull()) {
    r.map(grid, "grid", "a mapping of config paths to lists of values");
    r.unique_keys(grid, "grid");
    for (auto it = grid.begin(); it != grid.end(); ++it) {
      const std::string path = it->first.Scalar();
      const std::string gp = "grid." + path;
      const YAML::Node values = it->second;
      if (!values.IsSequence() || values.size() == 0)
        r.fail(values, gp,
               "expected a non-empty list of values, got " +
                   (values.IsSequence() ? std::string("an empty list") : found(values)));
      std::vector<Override> axis;
      for (std::size_t i = 0; i < values.size(); ++i) axis.push_back(Override{path, value_text(values[i]), ""});
      s.factors.push_back(path);
      axes.push_back(std::move(axis));
      axis_values.push_back(values);
    }
  }
  const YAML::Node sc = root["scenarios"];
  if (axes.empty() && (!sc || sc.IsNull() || (sc.IsMap() && sc.size() == 0)))
    r.fail(root["grid"] ? root["grid"] : root, "grid",
           "expected at least one path with a list of values (or scenarios), got an empty grid");
  Fnv fingerprint = fingerprint_start(s);
  auto add_point = [&](const std::string& scenario, std::vector<Override> changes, const YAML::Node& where,
                       const std::string& path) {
    SweepPoint p;
    char id[16];
    std::snprintf(id, sizeof id, "p%04zu", s.points.size());
    p.id = id;
    p.scenario = scenario;
    fingerprint.mix(try_model(changes, where, path).config_text);  // checked, then dropped
    p.changes = std::move(changes);
    s.points.push_back(std::move(p));
  };
  if (!axes.empty()) {
    std::uint64_t total = 1;  // the product of the axes' sizes, checked for overflow
    double approx = 1;
    bool overflow = false;
    for (const auto& a : axes) {
      overflow = overflow || __builtin_mul_overflow(total, std::uint64_t{a.size()}, &total);
      approx *= static_cast<double>(a.size());
    }
    if (overflow || total > kMaxSweepPoints)
      r.fail(root["grid"], "grid",
             "expected at most " + std::to_string(kMaxSweepPoints) + " points, got " +
                 (overflow ? format_number(approx) : std::to_string(total)) + " (see README \"Limits\")");
    for (std::size_t n = 0; n < total; ++n) {  // full factorial, the last factor varying fastest
      std::vector<Override> changes(axes.size());
      std::vector<std::size_t> at(axes.size());
      std::size_t rest = n;
      for (std::size_t a = axes.size(); a-- > 0;) {
        at[a] = rest % axes[a].size();
        changes[a] = axes[a][at[a]];
        rest /= axes[a].size();
      }
      try {
        add_point("", std::move(changes), root["grid"], "grid");
      } catch (const ConfigError&) {
        for (std::size_t a = 0; a < axes.size(); ++a)  // the first value refused alone throws its own error
          try_model({axes[a][at[a]]}, axis_values[a][at[a]], "grid." + s.factors[a] + "." + std::to_string(at[a]));
        throw;
      }
    }
  }
  if (sc && !sc.IsNull()) {
    r.map(sc, "scenarios", "a mapping of scenario names to {PATH: VALUE, ...}");
    r.unique_keys(sc, "scenarios");
    for (auto it = sc.begin(); it != sc.end(); ++it) {
      const std::string name = it->first.Scalar();
      const std::string p = "scenarios." + name;
      r.map(it->second, p, "a mapping of config paths to values");
      std::vector<Override> changes;
      for (auto c = it->second.begin(); c != it->second.end(); ++c)
        changes.push_back(Override{c->first.Scalar(), value_text(c->second), ""});
      add_point(name, std::move(changes), it->second, p);
    }
  }
  s.loaded_fingerprint.value = fingerprint.hex();
  s.loaded_fingerprint.text_hash = std::hash<std::string>()(s.text);
  s.loaded_fingerprint.points = s.points.size();
  s.loaded_fingerprint.seed = s.seed;
  s.loaded_fingerprint.replications = s.replications;
  return s;
}

bool same_changes(const std::vector<Override>& a, const std::vector<Override>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].path != b[i].path || a[i].value != b[i].value || a[i].label != b[i].label) return false;
  return true;
}

}  // namespace

Sweep load_sweep_file(const std::string& path) {
  return load_sweep_text(read_config_file(path, "a sweep file"), path,
                         std::filesystem::path(path).parent_path().string());
}

Sweep load_sweep_text(const std::string& given, const std::string& source, const std::string& dir) {
  const std::string text = config_text(given, source);
  check_yaml_shape(text, source);
  const YamlReader reader(source, {});
  return read_sweep(reader, text, dir);
}

Sweep rebuild_sweep(const std::string& source, const std::string& given, const std::string& model_path,
                    const std::string& model_text) {
  const std::string text = config_text(given, source);
  check_yaml_shape(text, source);
  const YamlReader reader(source, {});
  const std::pair<std::string, std::string> model{model_path, model_text};
  return read_sweep(reader, text, "", &model);
}

const Model& point_model(const Sweep& sweep, std::size_t point) {
  struct Last {
    std::unique_ptr<ModelTemplate> model;  // the sweep's model text, parsed
    bool built = false;
    std::vector<Override> changes;
    Model point;
    bool auto_warmup = false;  // the point's model says run.warmup: auto
  };
  thread_local Last last;  // per thread: no yaml-cpp tree is shared between threads
  const SweepPoint& p = sweep.points.at(point);
  if (!last.model || last.model->text() != sweep.model_text || last.model->source() != sweep.model_path) {
    last.built = false;
    last.model = std::make_unique<ModelTemplate>(sweep.model_text, sweep.model_path);
  }
  if (!last.built || !same_changes(last.changes, p.changes)) {
    last.built = false;
    last.point = last.model->build(p.changes, false, false);  // checked at load, scenarios included
    last.changes = p.changes;
    last.auto_warmup = last.point.run.warmup_auto;
    last.built = true;
  }
  if (last.auto_warmup && sweep.auto_warmup >= 0) {  // the warm-up decided for the whole sweep
    last.point.run.warmup = sweep.auto_warmup;
    last.point.run.warmup_auto = false;
  }
  return last.point;
}

std::string sweep_fingerprint(const Sweep& sweep) {
  const Sweep::Fingerprint& f = sweep.loaded_fingerprint;
  if (!f.value.empty() && f.seed == sweep.seed && f.replications == sweep.replications &&
      f.points == sweep.points.size() && f.text_hash == std::hash<std::string>()(sweep.text))
    return f.value;
  Fnv h = fingerprint_start(sweep);
  const ModelTemplate model(sweep.model_text, sweep.model_path);
  for (const SweepPoint& p : sweep.points) h.mix(model.build(p.changes, false).config_text);
  return h.hex();
}

namespace {

// A YAML value that is a plain decimal number ("4", "0.02", "1e-3"), as a double; nullopt for
// anything else (a duration "8h", a map, true).
std::optional<double> decimal(const std::string& v) {
  double x = 0;
  const char* end = v.data() + v.size();
  auto [ptr, ec] = std::from_chars(v.data(), end, x);
  if (ec != std::errc() || ptr != end || !std::isfinite(x)) return std::nullopt;
  return x;
}

bool integral(const std::string& v) {
  std::int64_t x = 0;
  const char* end = v.data() + v.size();
  auto [ptr, ec] = std::from_chars(v.data(), end, x);
  return ec == std::errc() && ptr == end;
}

}  // namespace

Table Sweep::points_table() const {
  Table t("scenarios");
  t.i64("point");
  t.str("id");
  t.str("scenario");
  for (std::size_t p = 0; p < points.size(); ++p) {
    const SweepPoint& pt = points[p];
    t.i64("point").push_back(static_cast<std::int64_t>(p));
    t.str("id").push_back(pt.id);
    t.str("scenario").push_back(pt.scenario);
  }
  // Each factor's column: integers when every point sets it to one, numbers when every value
  // given is a number (NaN where a scenario does not set it), else the values as written ("").
  for (const auto& f : factors) {
    std::vector<std::string> values;
    for (const SweepPoint& pt : points) {
      std::string v;
      for (const auto& c : pt.changes)
        if (c.path == f) v = c.value;
      values.push_back(v);
    }
    const bool numbers = std::all_of(values.begin(), values.end(),
                                     [](const std::string& v) { return v.empty() || decimal(v).has_value(); });
    if (numbers && std::all_of(values.begin(), values.end(), integral)) {
      auto& col = t.i64(f);
      for (const auto& v : values) col.push_back(std::strtoll(v.c_str(), nullptr, 10));
    } else if (numbers) {
      auto& col = t.f64(f);
      for (const auto& v : values) col.push_back(v.empty() ? std::nan("") : *decimal(v));
    } else {
      t.str(f) = std::move(values);
    }
  }
  return t;
}

}  // namespace eslabon
