// The distribution registry against the JSON Schema, and each kind against its theory.
#include <eslabon/core/distributions.hpp>
#include <eslabon/core/statistics.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

using namespace eslabon;
using Json = nlohmann::ordered_json;

namespace {

Json schema_distributions() {
  std::ifstream in(std::string(ESLABON_SOURCE_DIR) + "/configs/eslabon.schema.json");
  const Json schema = Json::parse(in);
  return schema.at("$defs").at("distribution").at("oneOf");
}

// What the schema says of one parameter, as the registry would spell it.
std::string schema_param(const Json& p) {
  if (p.contains("$ref")) return p.at("$ref") == "#/$defs/duration" ? "duration" : "ref " + p.at("$ref").dump();
  const std::string type = p.at("type");
  if (type == "integer") return "integer " + p.at("minimum").dump() + ".." + p.at("maximum").dump();
  return type;
}

std::string registry_param(const dist::Param& p) {
  switch (p.type) {
    case dist::ParamType::Duration:
      return "duration";
    case dist::ParamType::Number:
      return "number";
    case dist::ParamType::Integer:
      return "integer " + std::to_string(p.min) + ".." + std::to_string(p.max);
  }
  return "?";
}

// "kind(param:type, ...)" from a schema alternative {KIND: {...}} (or [..] for a list kind,
// or {KIND: VALUE | {...}} for a kind that takes its single parameter directly).
std::string schema_kind(const Json& alt) {
  EXPECT_EQ(alt.at("properties").size(), 1u) << alt.dump();
  const std::string name = alt.at("properties").begin().key();
  Json body = alt.at("properties").begin().value();
  std::string form = "params";
  if (body.contains("anyOf")) {  // VALUE or {PARAM: VALUE}
    EXPECT_EQ(body.at("anyOf").size(), 2u) << name;
    EXPECT_EQ(body.at("anyOf")[0], Json({{"$ref", "#/$defs/duration"}})) << name;
    body = body.at("anyOf")[1];
    form = "params-or-value";
  }
  std::string s = name + " " + form + "(";
  if (body.at("type") == "array") {
    EXPECT_EQ(body.at("minItems"), 1) << name;
    return name + " list(" + schema_param(body.at("items")) + ")";
  }
  EXPECT_EQ(body.at("additionalProperties"), false) << name;
  std::vector<std::string> required = body.at("required");
  std::vector<std::string> props;
  for (auto it = body.at("properties").begin(); it != body.at("properties").end(); ++it) {
    s += (props.empty() ? "" : ", ") + it.key() + ":" + schema_param(it.value());
    props.push_back(it.key());
  }
  EXPECT_EQ(required, props) << name << ": every parameter is required";
  return s + ")";
}

std::string registry_kind(const DistributionKindInfo& k) {
  if (k.form == dist::Form::List) return std::string(k.name) + " list(" + registry_param(k.params[0]) + ")";
  std::string s = std::string(k.name) + (k.form == dist::Form::ParamsOrValue ? " params-or-value(" : " params(");
  for (std::size_t i = 0; i < k.params.size(); ++i)
    s += (i ? ", " : "") + std::string(k.params[i].name) + ":" + registry_param(k.params[i]);
  return s + ")";
}

}  // namespace

// The schema lists the same kinds, in the same order, with the same parameters, forms and
// types as the registry (core/include/eslabon/core/distributions/registry.hpp).
TEST(DistributionRegistry, AgreesWithTheJsonSchema) {
  const Json alts = schema_distributions();
  ASSERT_GE(alts.size(), 1u);
  EXPECT_EQ(alts[0], Json({{"$ref", "#/$defs/duration"}})) << "a plain duration is a distribution";
  std::vector<std::string> from_schema, from_registry;
  for (std::size_t i = 1; i < alts.size(); ++i) from_schema.push_back(schema_kind(alts[i]));
  for (const auto& k : Distribution::kinds()) from_registry.push_back(registry_kind(k));
  EXPECT_EQ(from_schema, from_registry);
}

// Every kind's parameters round-trip: from_values(values()) describes the same distribution,
// and scaling multiplies exactly the duration parameters.
TEST(DistributionRegistry, KindsRoundTripThroughTheirValues) {
  const std::vector<Distribution> ds = {
      dist::Deterministic(2),     dist::Exponential(1.5), dist::Uniform(1, 4), dist::Triangular(1, 2, 6),
      dist::LogNormal(3.2, 0.5),  dist::Gamma(2, 0.5),    dist::Erlang(3, 6),  dist::Weibull(1.5, 2),
      dist::Empirical({1, 2, 7}), dist::Pert(1, 2, 6)};
  std::vector<bool> seen(Distribution::kinds().size(), false);
  for (const auto& d : ds) {
    seen[static_cast<std::size_t>(d.kind())] = true;
    const std::vector<double> v = d.visit([](const auto& k) {
      const auto given = k.values();
      return std::vector<double>(given.begin(), given.end());
    });
    EXPECT_EQ(Distribution::from_values(d.kind(), v).describe(), d.describe());
    EXPECT_DOUBLE_EQ(d.scaled(60).mean(), 60 * d.mean()) << d.describe();
    EXPECT_STREQ(d.name(), Distribution::kinds()[static_cast<std::size_t>(d.kind())].name);
  }
  for (std::size_t k = 0; k < seen.size(); ++k)
    EXPECT_TRUE(seen[k]) << Distribution::kinds()[k].name << " is not checked here";
}

// --- pert --------------------------------------------------------------------------------
// Beta-PERT on [a, b] with mode c is a + (b - a) Beta(alpha, beta), alpha = 1 + 4 (c - a)/(b - a),
// beta = 1 + 4 (b - c)/(b - a). Its moments here come from the beta distribution's own
// formulas, not from the kind's shortcuts ((a + 4c + b)/6 and (mean - a)(b - mean)/7).

struct PertCase {
  double a, c, b;
};

TEST(DistributionPert, MeanAndVarianceMatchTheoryWithinTheirOwnIntervals) {
  const std::vector<PertCase> cases = {{1, 2, 6}, {0, 1, 2}, {2, 2, 5}, {0.5, 4.5, 5}};
  const double z = 3.2905;  // two-sided 99.9% normal quantile
  RandomSource src(2024, 0);
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const auto [a, c, b] = cases[k];
    const double al = 1 + 4 * (c - a) / (b - a), be = 1 + 4 * (b - c) / (b - a), s = al + be;
    const double mean = a + (b - a) * al / s, var = (b - a) * (b - a) * al * be / (s * s * (s + 1));
    const Distribution d = dist::Pert(a, c, b);
    EXPECT_NEAR(d.mean(), mean, 1e-12 * (1 + mean)) << d.describe();
    EXPECT_NEAR(d.variance(), var, 1e-12 * (1 + var)) << d.describe();
    const int n = 200000;
    std::vector<double> xs(n);
    for (int i = 0; i < n; ++i) {
      RandomStream rs = src.stream(4 + (k << 8), static_cast<std::uint64_t>(i) << 16);
      xs[i] = d.sample(rs);
      ASSERT_GE(xs[i], a) << d.describe();
      ASSERT_LE(xs[i], b) << d.describe();
    }
    double m = 0;
    for (double x : xs) m += x / n;
    double m2 = 0, m4 = 0;
    for (double x : xs) {
      const double e = (x - m) * (x - m);
      m2 += e / n;
      m4 += e * e / n;
    }
    const double s2 = m2 * n / (n - 1);
    // The sample mean within z standard errors; the sample variance within z times its own
    // standard error, sqrt((m4 - s2^2) / n), both estimated from the draws.
    EXPECT_NEAR(m, mean, z * std::sqrt(s2 / n)) << d.describe();
    EXPECT_NEAR(s2, var, z * std::sqrt((m4 - s2 * s2) / n)) << d.describe();
  }
}

TEST(DistributionPert, GoldenDraws) {
  const dist::Pert p(1, 2, 6);
  EXPECT_EQ(p.describe(), "Pert(min=1, mode=2, max=6)");
  EXPECT_EQ(Distribution(p).scaled(60).describe(), "Pert(min=60, mode=120, max=360)");
  const RandomSource src(2024, 1);
  RandomStream rs = src.stream(7, 1 << 16), by_hand = src.stream(7, 1 << 16), through = src.stream(7, 1 << 16);
  const Distribution d = p;
  // Pinned bits: a change in how pert consumes uniforms or combines them shows here first.
  const double golden[] = {2.1798052793796443, 1.7593475537416468, 1.329818958832488, 1.5089647863356557,
                           3.9286722554040989};
  for (double want : golden) {
    // The draw is min + (max - min) G1 / (G1 + G2), G1 of shape alpha = 1.8 drawn before G2 (beta = 4.2).
    const double g1 = sample_gamma_shape(by_hand, 1.8), g2 = sample_gamma_shape(by_hand, 4.2);
    const double x = p.sample(rs);
    EXPECT_EQ(x, 1 + 5 * (g1 / (g1 + g2)));
    EXPECT_EQ(d.sample(through), x);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", x);
    EXPECT_EQ(x, want) << "draw " << buf;
  }
}

TEST(DistributionPert, RejectsBadParameters) {
  EXPECT_THROW(dist::Pert(-1, 0, 1), std::invalid_argument);
  EXPECT_THROW(dist::Pert(1, 0.5, 3), std::invalid_argument);
  EXPECT_THROW(dist::Pert(1, 4, 3), std::invalid_argument);
  EXPECT_THROW(dist::Pert(2, 2, 2), std::invalid_argument);
  try {
    dist::Pert(1, 4, 3);
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "max: expected a number >= mode (4), got 3");
  }
}
