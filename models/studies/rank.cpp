#include <models/studies/rank.hpp>

#include <models/config/loader.hpp>
#include <models/engine/links.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace eslabon {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string change_text(const std::vector<Override>& fix) {
  std::string change;
  for (const auto& o : fix) change += (change.empty() ? "" : ", ") + o.path + "=" + o.value;
  return change;
}

// What one variant gave, replication by replication.
struct Runs {
  std::vector<double> kpi, throughput;
};

Runs runs_of(const RunResult& r, Kpi kpi) {
  Runs x;
  for (const auto& rep : r.replications) {
    x.kpi.push_back(rep.kpi[static_cast<int>(kpi)]);
    x.throughput.push_back(rep.kpi[static_cast<int>(Kpi::Throughput)]);
  }
  return x;
}

// Runs variants of the base model by their overrides, each once (the singletons of the
// Shapley attribution are the one-at-a-time rows).
class Variants {
 public:
  Variants(const Model& base, const RunOptions& options, Kpi kpi, std::function<void()> step)
      : base_(base), options_(options), kpi_(kpi), step_(std::move(step)) {}
  const Runs& get(const std::vector<Override>& fix) {
    const std::string key = change_text(fix);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    const RunResult r = fix.empty() ? run_model(base_, options_)
                                    : run_model(load_model_text(base_.config_text, base_.source, fix), options_);
    if (fix.empty()) base_result_ = r;
    if (step_) step_();
    return cache_.emplace(key, runs_of(r, kpi_)).first->second;
  }
  const RunResult& base_result() {
    get({});
    return base_result_;
  }

 private:
  const Model& base_;
  const RunOptions& options_;
  Kpi kpi_;
  std::function<void()> step_;
  std::map<std::string, Runs> cache_;
  RunResult base_result_;
};

// Per-replication saving per time unit of a change, when the KPI is money: a cost per order
// (copq_per_order) saves (base - fixed) on each of the base's orders delivered per time
// unit; a gain per time unit (revenue) gains fixed - base.
std::vector<double> savings(Kpi kpi, const Runs& b, const Runs& v) {
  std::vector<double> s;
  for (std::size_t r = 0; r < b.kpi.size() && r < v.kpi.size(); ++r) {
    if (kpi == Kpi::CopqPerOrder)
      s.push_back((b.kpi[r] - v.kpi[r]) * b.throughput[r]);
    else
      s.push_back(v.kpi[r] - b.kpi[r]);
  }
  return s;
}

// The copq per delivered order the base run's ledger books on row `name` (NaN: no such row).
double ledger_of(const RunResult& b, const std::string& name) {
  auto it = std::find(b.origin_names.begin(), b.origin_names.end(), name);
  if (name.empty() || it == b.origin_names.end()) return kNaN;
  return b.origin_stat(static_cast<std::size_t>(it - b.origin_names.begin()), OriginStat::CopqPerOrder).mean;
}

std::vector<double> diffs(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d;
  for (std::size_t r = 0; r < a.size() && r < b.size(); ++r)
    d.push_back(std::isfinite(a[r]) && std::isfinite(b[r]) ? a[r] - b[r] : kNaN);
  return d;
}

}  // namespace

// Staffing a unit with shifts: one more server in every rule that has servers (README "Shifts
// and calendars"); a closed period stays closed. A YAML flow map for the override.
std::string shifts_plus_one(const Unit& u) {
  std::string s = "{";
  for (const auto& [rule, servers] : u.shift_rules) {
    if (s.size() > 1) s += ", ";
    s += "\"" + rule + "\": " + std::to_string(servers > 0 ? servers + 1 : 0);
  }
  return s + "}";
}

std::vector<WeakPoint> weak_points(const Model& m) {
  std::vector<WeakPoint> w;
  for (const auto& l : m.links) {
    const std::string origin = l.origin >= 0 ? m.origins[static_cast<std::size_t>(l.origin)].name : "";
    // Each fault that is on, set to 0 by its name. A link's defects, lost handoffs and false
    // alarms share its origin in the ledger: its copq goes to the defects row, else to lost, else
    // to false_alarm. Defects with types are one row per type instead (kind defect_type, below),
    // each on its own origin FROM->TO:TYPE, so the link's origin goes to lost or false_alarm.
    const bool untyped = fault::Defect::on(l) && l.defect_types.empty();
#define ESLABON_FIX_FAULT(Type, fname, ...)                                                                     \
  if (fault::Type::on(l) && !(std::string(fname) == "defect" && !untyped)) {                                    \
    const std::string n = fname;                                                                                \
    WeakPoint p{                                                                                                \
        l.key, n == "defect" ? "defects" : n, {Override{"links." + l.key + "." + n, "0", ""}}, kNaN, true, ""}; \
    if (n == "defect" || (n == "lost" && !untyped) || (n == "false_alarm" && !untyped && !fault::Lost::on(l)))  \
      p.origin = origin;                                                                                        \
    else if (n != "lost" && n != "false_alarm")                                                                 \
      p.origin = n + ":" + l.key;                                                                               \
    w.push_back(std::move(p));                                                                                  \
  }
    ESLABON_LINK_FAULTS(ESLABON_FIX_FAULT)
#undef ESLABON_FIX_FAULT
    for (const TypedDefect& d : l.defect_types)
      if (d.p > 0) {
        const std::string type = m.defect_types[static_cast<std::size_t>(d.type)].name;
        const std::string name = m.origins[static_cast<std::size_t>(d.origin)].name;
        w.push_back({name, "defect_type", {Override{"links." + l.key + ".defect." + type, "0", ""}}, kNaN, true, name});
      }
  }
  for (const auto& f : m.flows)
    for (const auto& t : f.tasks)
      if (t.skip > 0) {
        const std::string origin = m.origins[static_cast<std::size_t>(t.skip_origin)].name;
        w.push_back({origin,
                     "skip",
                     {Override{"flows." + f.name + ".tasks." + t.name + ".skip", "0", ""}},
                     kNaN,
                     true,
                     origin});
      }
  for (const auto& u : m.units)
    if (u.outages)
      w.push_back(
          {u.name, "outages", {Override{"units." + u.name + ".outages", "null", ""}}, kNaN, true, "outage:" + u.name});
  // People below the level the config's rates describe: train them, motivate them.
  for (const auto& u : m.units) {
    if (u.training < 1)
      w.push_back({u.name, "training", {Override{"units." + u.name + ".staff.training", "1", ""}}, kNaN, true, ""});
    if (u.motivation < 1)
      w.push_back(
          {u.name, "motivation", {Override{"units." + u.name + ".staff.motivation", "1", ""}}, kNaN, true, ""});
    if (u.courtesy < 1)
      w.push_back({u.name,
                   "courtesy",
                   {Override{"units." + u.name + ".staff.courtesy", "1", ""}},
                   kNaN,
                   true,
                   "courtesy:" + u.name});
  }
  // Pressure that raises errors or slows a unit down at some level (README "Pressure"): off.
  for (const auto& u : m.units) {
    bool harms = false;
    for (std::size_t i = 0; i < u.pressure.levels.size(); ++i)
      harms = harms || u.pressure.errors[i] > 1 || u.pressure.speedup[i] < 1;
    if (harms)
      w.push_back({u.name, "pressure", {Override{"units." + u.name + ".pressure", "null", ""}}, kNaN, true, ""});
  }
  for (const auto& u : m.units)
    w.push_back({u.name,
                 "staffing",
                 {u.has_shifts() ? Override{"units." + u.name + ".shifts", shifts_plus_one(u), ""}
                                 : Override{"units." + u.name + ".servers", std::to_string(u.servers + 1), ""}},
                 kNaN,
                 false,
                 "queue:" + u.name});
  if (m.complaints.enabled && m.complaints.resolve < 1)
    w.push_back({"complaints", "complaints", {Override{"complaints.resolve", "1", ""}}, kNaN, false, ""});
  for (const auto& s : m.scenarios) w.push_back({s.name, "scenario", s.changes, s.cost, false, ""});
  return w;
}

Ranking rank_weak_points(const Model& base, const RunOptions& options, const RankSettings& settings,
                         const std::function<void(double)>& progress) {
  const std::vector<WeakPoint> points = weak_points(base);
  std::vector<std::size_t> players;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (points[i].fault) players.push_back(i);
  // The sampled orders follow the run's seed, so a ranking is reproduced by its seed alone.
  const std::uint64_t seed = options.seed >= 0 ? static_cast<std::uint64_t>(options.seed) : base.run.seed;
  std::vector<std::uint64_t> masks;
  if (settings.shapley) masks = shapley_coalitions(players.size(), settings.exact_limit, settings.permutations, seed);
  // Progress by runs; cached runs (base and singletons inside the coalitions) are not run
  // twice, so the bar may jump at the end.
  const double planned = static_cast<double>(1 + points.size() + masks.size() + 1);
  double done = 0;
  Variants variants(base, options, settings.kpi, [&] {
    if (progress) progress(std::min(1.0, ++done / planned));
  });

  Ranking out;
  out.money = settings.kpi == Kpi::CopqPerOrder || settings.kpi == Kpi::Revenue;
  out.measures = {base.time_unit, base.costs.currency};
  const Runs b = variants.get({});
  const RunResult& base_result = variants.base_result();
  struct Row {
    const WeakPoint* p;
    Interval base, fixed, effect, net;
    double saving, ledger;
    Interval shapley{kNaN, kNaN, kNaN, kNaN, 0};
  };
  std::vector<Row> rows;
  for (const auto& p : points) {
    const Runs& v = variants.get(p.fix);
    Row r{&p,
          confidence_interval(b.kpi),
          confidence_interval(v.kpi),
          confidence_interval(diffs(b.kpi, v.kpi)),
          Interval{kNaN, kNaN, kNaN, kNaN, 0},
          kNaN,
          kNaN};
    if (out.money) {
      std::vector<double> s = savings(settings.kpi, b, v);
      r.saving = confidence_interval(s).mean;
      if (std::isfinite(p.cost)) {
        for (double& x : s) x -= p.cost;
        r.net = confidence_interval(s);
      }
    }
    if (settings.kpi == Kpi::CopqPerOrder) r.ledger = ledger_of(base_result, p.origin);
    rows.push_back(r);
  }

  if (settings.shapley) {
    out.shapley = true;
    out.attribution = shapley(
        players.size(),
        [&](std::uint64_t mask) {
          std::vector<Override> fix;
          for (std::size_t i = 0; i < players.size(); ++i)
            if (mask >> i & 1) fix.insert(fix.end(), points[players[i]].fix.begin(), points[players[i]].fix.end());
          return variants.get(fix).kpi;
        },
        settings.exact_limit, settings.permutations, seed);
    for (std::size_t i = 0; i < players.size(); ++i) rows[players[i]].shapley = out.attribution.contribution[i];
  }

  if (std::isfinite(settings.budget)) {
    out.planned = true;
    out.budget = settings.budget;
    std::vector<std::size_t> costed;
    std::vector<double> cost, net;
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (std::isfinite(rows[i].p->cost)) {
        costed.push_back(i);
        cost.push_back(rows[i].p->cost);
        net.push_back(rows[i].net.mean);
      }
    out.plan = choose_within_budget(cost, net, settings.budget);
    std::vector<Override> together;
    std::set<std::string> paths;
    bool clash = false;
    for (std::size_t c : out.plan.chosen) {
      const WeakPoint& p = *rows[costed[c]].p;
      out.plan_names.push_back(p.name);
      for (const auto& o : p.fix) clash = !paths.insert(o.path).second || clash;
      together.insert(together.end(), p.fix.begin(), p.fix.end());
    }
    out.plan_combined = Interval{kNaN, kNaN, kNaN, kNaN, 0};
    if (!out.money)
      out.plan_note = "the KPI is not money, so no net benefit: nothing chosen";
    else if (out.plan.chosen.size() < 2)
      out.plan_note = "";
    else if (clash)
      out.plan_note = "the chosen scenarios change the same config path: not run together";
    else {
      std::vector<double> s = savings(settings.kpi, b, variants.get(together));
      for (double& x : s) x -= out.plan.cost;
      out.plan_combined = confidence_interval(s);
    }
  }

  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& c) {
    const double x = std::isfinite(a.effect.mean) ? std::fabs(a.effect.mean) : -1;
    const double y = std::isfinite(c.effect.mean) ? std::fabs(c.effect.mean) : -1;
    return x > y;
  });
  Table& t = out.table;
  t = Table("ranking");
  for (const char* c : {"name", "kind", "change"}) t.str(c);
  for (const char* c : {"base_mean", "fixed_mean", "effect_mean", "effect_ci_low", "effect_ci_high"}) t.f64(c);
  t.i64("n");
  for (const char* c : {"cost", "saving_mean", "net_mean", "net_ci_low", "net_ci_high", "return_mean", "shapley_mean",
                        "shapley_ci_low", "shapley_ci_high", "ledger"})
    t.f64(c);
  for (const auto& r : rows) {
    t.str("name").push_back(r.p->name);
    t.str("kind").push_back(r.p->kind);
    t.str("change").push_back(change_text(r.p->fix));
    t.f64("base_mean").push_back(r.base.mean);
    t.f64("fixed_mean").push_back(r.fixed.mean);
    t.f64("effect_mean").push_back(r.effect.mean);
    t.f64("effect_ci_low").push_back(r.effect.low);
    t.f64("effect_ci_high").push_back(r.effect.high);
    t.i64("n").push_back(r.effect.n);
    t.f64("cost").push_back(r.p->cost);
    t.f64("saving_mean").push_back(r.saving);
    t.f64("net_mean").push_back(r.net.mean);
    t.f64("net_ci_low").push_back(r.net.low);
    t.f64("net_ci_high").push_back(r.net.high);
    t.f64("return_mean").push_back(std::isfinite(r.p->cost) && r.p->cost > 0 ? r.net.mean / r.p->cost : kNaN);
    t.f64("shapley_mean").push_back(r.shapley.mean);
    t.f64("shapley_ci_low").push_back(r.shapley.low);
    t.f64("shapley_ci_high").push_back(r.shapley.high);
    t.f64("ledger").push_back(r.ledger);
  }
  if (progress) progress(1.0);
  return out;
}

}  // namespace eslabon
