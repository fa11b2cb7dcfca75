#include <models/config/did_you_mean.hpp>
#include <models/config/distribution_spec.hpp>

#include <algorithm>
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

}  // namespace

Distribution read_distribution(const YamlReader& r, const YAML::Node& n, const std::string& path) {
  static const std::vector<std::string> kinds = {"deterministic", "exponential", "uniform", "triangular", "lognormal",
                                                 "gamma",         "erlang",      "weibull", "empirical"};
  if (n.IsScalar()) {  // a plain duration: deterministic
    return make(r, n, path, [&] { return Distribution::deterministic(r.param(n, path)); });
  }
  if (!n.IsMap() || n.size() != 1)
    r.fail(n, path, "expected one distribution such as {exponential: {mean: 1.5}}, got " + found(n) +
                      (n.IsMap() ? " with " + std::to_string(n.size()) + " keys" : ""));
  auto it = n.begin();
  const std::string kind = it->first.Scalar();
  const std::string kp = path + "." + kind;
  const YAML::Node a = it->second;
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
    std::string hint = did_you_mean(kind, kinds);
    r.fail(it->first, kp, "unknown distribution" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                            "; expected one of deterministic, exponential, uniform, triangular, lognormal, gamma, erlang, weibull, empirical");
  }
  auto need = [&](const char* key) -> YAML::Node {
    if (!a[key]) r.fail(a, kp + "." + key, std::string("missing; ") + kind + " needs " + key);
    return a[key];
  };
  if (kind == "deterministic") {
    if (a.IsScalar()) return make(r, a, kp, [&] { return Distribution::deterministic(r.param(a, kp)); });
    r.keys(a, kp, {"value"});
    return make(r, a, kp, [&] { return Distribution::deterministic(r.param(need("value"), kp + ".value")); });
  }
  if (kind == "empirical") {
    if (!a.IsSequence() || a.size() == 0) r.fail(a, kp, "expected a non-empty list of durations, got " + found(a));
    std::vector<double> v;
    for (std::size_t i = 0; i < a.size(); ++i) v.push_back(r.param(a[i], kp + "." + std::to_string(i)));
    return make(r, a, kp, [&] { return Distribution::empirical(v); });
  }
  if (kind == "exponential") {
    r.keys(a, kp, {"mean"});
    return make(r, a, kp, [&] { return Distribution::exponential(r.param(need("mean"), kp + ".mean")); });
  }
  if (kind == "uniform") {
    r.keys(a, kp, {"min", "max"});
    return make(r, a, kp, [&] { return Distribution::uniform(r.param(need("min"), kp + ".min"), r.param(need("max"), kp + ".max")); });
  }
  if (kind == "triangular") {
    r.keys(a, kp, {"min", "mode", "max"});
    return make(r, a, kp, [&] {
      return Distribution::triangular(r.param(need("min"), kp + ".min"), r.param(need("mode"), kp + ".mode"),
                                      r.param(need("max"), kp + ".max"));
    });
  }
  if (kind == "lognormal" || kind == "gamma") {
    r.keys(a, kp, {"mean", "cv"});
    return make(r, a, kp, [&] {
      double mean = r.param(need("mean"), kp + ".mean");
      double cv = r.number(need("cv"), kp + ".cv");
      return kind == "gamma" ? Distribution::gamma(mean, cv) : Distribution::lognormal(mean, cv);
    });
  }
  if (kind == "erlang") {
    r.keys(a, kp, {"k", "mean"});
    return make(r, a, kp, [&] {
      return Distribution::erlang(static_cast<int>(r.integer(need("k"), kp + ".k", 1, 10000)), r.param(need("mean"), kp + ".mean"));
    });
  }
  // weibull
  r.keys(a, kp, {"shape", "scale"});
  return make(r, a, kp, [&] { return Distribution::weibull(r.number(need("shape"), kp + ".shape"), r.param(need("scale"), kp + ".scale")); });
}

}  // namespace eslabon
