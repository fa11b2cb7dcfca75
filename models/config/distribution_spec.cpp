#include <models/config/did_you_mean.hpp>
#include <models/config/distribution_spec.hpp>

#include <stdexcept>

namespace eslabon {
namespace {

// Runs a distribution factory, turning its std::invalid_argument ("mean: expected ...")
// into a positioned ConfigError on the named parameter when it can be found.
template <class F>
Distribution make(const YamlReader& r, const YAML::Node& n, const std::string& path, F&& f) {
  try {
    return f();
  } catch (const std::invalid_argument& e) {
    std::string msg = e.what();
    auto colon = msg.find(": ");
    if (colon != std::string::npos && n.IsMap()) {
      std::string key = msg.substr(0, colon);
      if (n[key]) r.fail(n[key], path + "." + key, msg.substr(colon + 2));
    }
    r.fail(n, path, msg);
  }
}

// One parameter, read as its type says (durations take a unit; the kind checks the range).
double read_param(const YamlReader& r, const YAML::Node& n, const std::string& path, const dist::Param& p) {
  switch (p.type) {
    case dist::ParamType::Duration:
      return r.param(n, path);
    case dist::ParamType::Number:
      return r.number(n, path);
    case dist::ParamType::Integer:
      return static_cast<double>(r.integer(n, path, p.min, p.max));
  }
  return 0.0;
}

}  // namespace

// Kind and parameter names all come from the registry (Distribution::kinds()).
Distribution read_distribution(const YamlReader& r, const YAML::Node& n, const std::string& path) {
  const auto& kinds = Distribution::kinds();
  if (n.IsScalar()) {  // a plain duration: deterministic
    return make(r, n, path, [&] { return Distribution(dist::Deterministic(r.param(n, path))); });
  }
  if (!n.IsMap() || n.size() != 1)
    r.fail(n, path,
           "expected one distribution such as {exponential: {mean: 1.5}}, got " + found(n) +
               (n.IsMap() ? " with " + std::to_string(n.size()) + " keys" : ""));
  auto it = n.begin();
  const std::string name = it->first.Scalar();
  const std::string kp = path + "." + name;
  const YAML::Node a = it->second;
  std::size_t index = 0;
  while (index < kinds.size() && name != kinds[index].name) ++index;
  if (index == kinds.size()) {
    std::vector<std::string> names;
    std::string list;
    for (const auto& k : kinds) {
      names.emplace_back(k.name);
      list += (list.empty() ? "" : ", ") + names.back();
    }
    std::string hint = did_you_mean(name, names);
    r.fail(
        it->first, kp,
        "unknown distribution" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; expected one of " + list);
  }
  const DistributionKindInfo& info = kinds[index];
  const auto kind = static_cast<Distribution::Kind>(index);
  if (info.form == dist::Form::List) {
    if (!a.IsSequence() || a.size() == 0) r.fail(a, kp, "expected a non-empty list of durations, got " + found(a));
    std::vector<double> v;
    for (std::size_t i = 0; i < a.size(); ++i)
      v.push_back(read_param(r, a[i], kp + "." + std::to_string(i), info.params[0]));
    return make(r, a, kp, [&] { return Distribution::from_values(kind, v); });
  }
  if (info.form == dist::Form::ParamsOrValue && a.IsScalar()) {
    return make(r, a, kp, [&] { return Distribution::from_values(kind, {read_param(r, a, kp, info.params[0])}); });
  }
  std::vector<std::string> keys;
  for (const auto& p : info.params) keys.emplace_back(p.name);
  r.keys(a, kp, keys);
  return make(r, a, kp, [&] {
    std::vector<double> v;
    for (const auto& p : info.params) {
      const std::string key = p.name;
      if (!a[key]) r.fail(a, kp + "." + key, "missing; " + name + " needs " + key);
      v.push_back(read_param(r, a[key], kp + "." + key, p));
    }
    return Distribution::from_values(kind, v);
  });
}

}  // namespace eslabon
