#include <models/studies/compare.hpp>

#include <models/config/loader.hpp>
#include <models/engine/links.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

namespace eslabon {

Table compare_runs(const RunResult& base, const RunResult& variant) {
  Table t("comparison");
  const std::size_t n = std::min(base.replications.size(), variant.replications.size());
  for (int k = 0; k < kKpiCount; ++k) {
    std::vector<double> a, b, d;
    for (std::size_t i = 0; i < n; ++i) {
      const double x = base.replications[i].kpi[k], y = variant.replications[i].kpi[k];
      a.push_back(x);
      b.push_back(y);
      d.push_back(std::isfinite(x) && std::isfinite(y) ? y - x : std::numeric_limits<double>::quiet_NaN());
    }
    const Interval ia = confidence_interval(a), ib = confidence_interval(b), id = confidence_interval(d);
    // Welch's interval for two independent samples of these sizes and spreads: what the
    // same replications would have given without common random numbers.
    double unpaired = std::numeric_limits<double>::quiet_NaN();
    if (ia.n > 1 && ib.n > 1) {
      const double va = ia.std * ia.std / static_cast<double>(ia.n), vb = ib.std * ib.std / static_cast<double>(ib.n);
      const double se = std::sqrt(va + vb);
      const double dof = se > 0
                             ? (va + vb) * (va + vb) /
                                   (va * va / static_cast<double>(ia.n - 1) + vb * vb / static_cast<double>(ib.n - 1))
                             : static_cast<double>(ia.n + ib.n - 2);
      unpaired = se > 0 ? student_t_quantile(0.95, dof) * se : 0.0;
    }
    t.str("kpi").push_back(kpi_names()[k]);
    t.str("measured_in").push_back(unit_of("comparison", kpi_names()[k], base.measures));
    t.f64("base_mean").push_back(ia.mean);
    t.f64("variant_mean").push_back(ib.mean);
    t.f64("diff_mean").push_back(id.mean);
    t.f64("diff_ci_low").push_back(id.low);
    t.f64("diff_ci_high").push_back(id.high);
    t.f64("paired_half_width").push_back(id.n > 1 ? id.half_width() : std::numeric_limits<double>::quiet_NaN());
    t.f64("unpaired_half_width").push_back(unpaired);
    t.i64("n").push_back(id.n);
  }
  return t;
}

Model scenario_model(const Model& base, const std::string& name, const std::vector<Override>& extra) {
  std::vector<std::string> names;
  for (const auto& s : base.scenarios) {
    names.push_back(s.name);
    if (s.name != name) continue;
    std::vector<Override> ov = extra;
    ov.insert(ov.end(), s.changes.begin(), s.changes.end());
    return load_model_text(base.config_text, base.source, ov);
  }
  std::string hint = did_you_mean(name, names);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw ConfigError("--scenario " + name + ": no such scenario in " + base.source +
                    (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                    (list.empty() ? "; the config has no scenarios section" : "; expected one of " + list));
}

namespace {

void differ(std::vector<std::string>& out, const std::string& what, const std::vector<std::string>& a,
            const std::vector<std::string>& b) {
  for (const auto& [side, x, y] : {std::tuple{"base", &a, &b}, std::tuple{"variant", &b, &a}}) {
    std::string only;
    for (const std::string& n : *x)
      if (std::find(y->begin(), y->end(), n) == y->end()) only += (only.empty() ? "" : ", ") + n;
    if (!only.empty()) out.push_back(what + " only in " + side + ": " + only);
  }
}

std::vector<std::string> names(const auto& items) {
  std::vector<std::string> v;
  for (const auto& x : items) v.push_back(x.name);
  return v;
}

}  // namespace

std::vector<std::string> structure_differences(const Model& base, const Model& variant) {
  std::vector<std::string> out;
  differ(out, "units", names(base.units), names(variant.units));
  differ(out, "flows", names(base.flows), names(variant.flows));
  for (const auto& f : base.flows)
    for (const auto& g : variant.flows)
      if (f.name == g.name) differ(out, "tasks of flow " + f.name, names(f.tasks), names(g.tasks));
  std::vector<std::string> a, b;
  for (const auto& l : base.links) a.push_back(l.key);
  for (const auto& l : variant.links) b.push_back(l.key);
  differ(out, "links", a, b);
  return out;
}

Kpi kpi_from_name(const std::string& name) {
  std::vector<std::string> names;
  for (int k = 0; k < kKpiCount; ++k) {
    if (name == kpi_names()[k]) return static_cast<Kpi>(k);
    names.push_back(kpi_names()[k]);
  }
  std::string hint = did_you_mean(name, names);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw ConfigError("--kpi " + name + ": unknown KPI" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                    "; expected one of " + list);
}

Table rank_links(const Model& base, const RunOptions& options, Kpi kpi, const std::function<void(double)>& progress) {
  struct Weak {
    std::string name, kind;
    std::vector<Override> fix;
  };
  std::vector<Weak> weak;
  for (const auto& l : base.links) {
    // Fixing a link sets each of its faults that is on (defect, delay, lost: the list in
    // link_faults.hpp) to zero by its name.
    Weak w{l.key, "link", {}};
#define ESLABON_FIX_FAULT(Type, name, ...) \
  if (fault::Type::on(l)) w.fix.push_back(Override{"links." + l.key + "." + name, "0", ""});
    ESLABON_LINK_FAULTS(ESLABON_FIX_FAULT)
#undef ESLABON_FIX_FAULT
    if (!w.fix.empty()) weak.push_back(std::move(w));
  }
  for (const auto& f : base.flows)
    for (const auto& t : f.tasks)
      if (t.skip > 0)
        weak.push_back({base.origins[static_cast<std::size_t>(t.skip_origin)].name,
                        "skip",
                        {Override{"flows." + f.name + ".tasks." + t.name + ".skip", "0", ""}}});
  const double steps = static_cast<double>(weak.size() + 1);
  RunResult b = run_model(base, options);
  if (progress) progress(1.0 / steps);
  struct Row {
    Weak w;
    Interval base, fixed, effect;
  };
  std::vector<Row> rows;
  const int k = static_cast<int>(kpi);
  for (std::size_t i = 0; i < weak.size(); ++i) {
    Model fixed_model = load_model_text(base.config_text, base.source, weak[i].fix);
    RunResult v = run_model(fixed_model, options);
    std::vector<double> xs, ys, ds;
    for (std::size_t r = 0; r < b.replications.size() && r < v.replications.size(); ++r) {
      const double x = b.replications[r].kpi[k], y = v.replications[r].kpi[k];
      xs.push_back(x);
      ys.push_back(y);
      ds.push_back(std::isfinite(x) && std::isfinite(y) ? x - y : std::numeric_limits<double>::quiet_NaN());
    }
    rows.push_back({weak[i], confidence_interval(xs), confidence_interval(ys), confidence_interval(ds)});
    if (progress) progress(static_cast<double>(i + 2) / steps);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& c) {
    const double x = std::isfinite(a.effect.mean) ? std::fabs(a.effect.mean) : -1;
    const double y = std::isfinite(c.effect.mean) ? std::fabs(c.effect.mean) : -1;
    return x > y;
  });
  Table t("ranking");
  t.str("link");
  t.str("kind");
  t.str("change");
  for (const char* c : {"base_mean", "fixed_mean", "effect_mean", "effect_ci_low", "effect_ci_high"}) t.f64(c);
  t.i64("n");
  for (const auto& r : rows) {
    t.str("link").push_back(r.w.name);
    t.str("kind").push_back(r.w.kind);
    std::string change;
    for (const auto& o : r.w.fix) change += (change.empty() ? "" : ", ") + o.path + "=" + o.value;
    t.str("change").push_back(change);
    t.f64("base_mean").push_back(r.base.mean);
    t.f64("fixed_mean").push_back(r.fixed.mean);
    t.f64("effect_mean").push_back(r.effect.mean);
    t.f64("effect_ci_low").push_back(r.effect.low);
    t.f64("effect_ci_high").push_back(r.effect.high);
    t.i64("n").push_back(r.effect.n);
  }
  return t;
}

namespace {
nlohmann::ordered_json row_json(const Table& t, std::size_t r, const std::string& skip = "") {
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  for (const auto& c : t.columns()) {
    if (c.name == skip) continue;
    std::visit(
        [&](const auto& v) {
          using T = typename std::decay_t<decltype(v)>::value_type;
          if constexpr (std::is_same_v<T, double>) {
            if (std::isfinite(v[r]))
              o[c.name] = v[r];
            else
              o[c.name] = nullptr;
          } else {
            o[c.name] = v[r];
          }
        },
        c.data);
  }
  return o;
}
}  // namespace

std::string comparison_json(const std::string& name, const std::string& scenario, std::size_t replications,
                            std::uint64_t seed, const Table& t) {
  nlohmann::ordered_json j;
  j["name"] = name;
  j["scenario"] = scenario;
  j["replications"] = replications;
  j["seed"] = seed;
  nlohmann::ordered_json kpis = nlohmann::ordered_json::object();
  const auto& names = std::get<std::vector<std::string>>(t.find("kpi")->data);
  for (std::size_t r = 0; r < t.rows(); ++r) kpis[names[r]] = row_json(t, r, "kpi");
  j["kpis"] = kpis;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {
nlohmann::ordered_json interval_json(const Interval& iv) {
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  auto num = [](double x) { return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr); };
  o["mean"] = num(iv.mean);
  o["ci_low"] = num(iv.low);
  o["ci_high"] = num(iv.high);
  o["n"] = iv.n;
  return o;
}
}  // namespace

std::string rank_extras_json(const Ranking& ranking) {
  nlohmann::ordered_json j = {{"shapley", nullptr}, {"budget", nullptr}};
  if (ranking.shapley) {
    nlohmann::ordered_json s;
    s["method"] = ranking.attribution.method;
    s["coalitions"] = ranking.attribution.coalitions;
    s["permutations"] = ranking.attribution.permutations;
    s["total"] = interval_json(ranking.attribution.total);
    j["shapley"] = s;
  }
  if (ranking.planned) {
    nlohmann::ordered_json b;
    b["budget"] = ranking.budget;
    b["method"] = ranking.plan.method;
    b["chosen"] = ranking.plan_names;
    b["cost"] = ranking.plan.cost;
    b["net"] = ranking.plan.net;
    b["combined_net"] = interval_json(ranking.plan_combined);
    b["note"] = ranking.plan_note;
    j["budget"] = b;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string rank_json(const std::string& name, const std::string& kpi, std::size_t replications, std::uint64_t seed,
                      const Ranking& ranking) {
  const Table& t = ranking.table;
  nlohmann::ordered_json j;
  j["name"] = name;
  j["kpi"] = kpi;
  j["replications"] = replications;
  j["seed"] = seed;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array(), links = nlohmann::ordered_json::array();
  const auto& kinds = std::get<std::vector<std::string>>(t.find("kind")->data);
  const auto& names = std::get<std::vector<std::string>>(t.find("name")->data);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    nlohmann::ordered_json row = row_json(t, r);
    rows.push_back(row);
    const std::string& k = kinds[r];
    if (k == "defects" || k == "delay" || k == "lost" || k == "false_alarm" || k == "skip") {
      nlohmann::ordered_json legacy = nlohmann::ordered_json::object();
      legacy["link"] = names[r];
      for (auto it = row.begin(); it != row.end(); ++it) legacy[it.key()] = it.value();
      links.push_back(legacy);
    }
  }
  j["weak_points"] = rows;
  j["links"] = links;
  // What the columns are measured in (results/measure_units.hpp), the columns that have a unit.
  j["time_unit"] = ranking.measures.time;
  j["currency"] = ranking.measures.currency;
  nlohmann::ordered_json units = nlohmann::ordered_json::object();
  for (const Column& c : t.columns())
    if (std::string u = unit_of("ranking", c.name, ranking.measures, kpi); !u.empty()) units[c.name] = u;
  j["units"] = units;
  const nlohmann::ordered_json extras = nlohmann::ordered_json::parse(rank_extras_json(ranking));
  for (const char* key : {"shapley", "budget"})
    if (!extras[key].is_null()) j[key] = extras[key];
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace eslabon
