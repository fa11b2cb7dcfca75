#include <models/config/did_you_mean.hpp>
#include <models/config/distribution_spec.hpp>
#include <models/config/flows.hpp>
#include <models/config/keys.hpp>
#include <models/config/rate_profile.hpp>
#include <models/config/units.hpp>
#include <models/model/task_graph.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>
#include <utility>

namespace eslabon {
namespace {

// A number as an error message quotes it: every digit, as few as read back the same (1e+300, 2.5).
std::string in_full(double x) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, ec == std::errc() ? end : buf);
}

// A task's `next: {TASK: probability, ...}` (README "Routing with probabilities"): the tasks
// of the flow it routes to, with their probabilities, which sum to 1.
std::vector<std::pair<int, double>> read_next(const YamlReader& r, const YAML::Node& nx, const std::string& tp,
                                              const std::string& self, const std::vector<std::string>& names,
                                              const Flow& f) {
  const std::string what = "a mapping of task names to probabilities, e.g. {expedite: 0.2, standard: 0.8}";
  if (!nx.IsMap()) r.fail(nx, tp + ".next", "expected " + what + ", got " + found(nx));
  if (nx.size() == 0) r.fail(nx, tp + ".next", "expected at least one task, got an empty mapping");
  r.unique_keys(nx, tp + ".next");
  std::vector<std::pair<int, double>> routes;
  double sum = 0;
  for (auto it = nx.begin(); it != nx.end(); ++it) {
    const std::string name = it->first.Scalar();
    auto pos = std::find(names.begin(), names.end(), name);
    if (pos == names.end()) {
      std::string hint = did_you_mean(name, names);
      r.fail(it->first, tp + ".next",
             "unknown task '" + name + "' in flow " + f.name + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    if (name == self) r.fail(it->first, tp + ".next", "a task cannot route to itself");
    const double p = r.probability(it->second, tp + ".next." + name);
    sum += p;
    routes.emplace_back(static_cast<int>(pos - names.begin()), p);
  }
  if (!(std::abs(sum - 1.0) <= 1e-9)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.12g", sum);
    r.fail(nx, tp + ".next", std::string("expected probabilities that sum to 1, got a sum of ") + buf);
  }
  return routes;
}

void load_tasks(const YamlReader& r, const YAML::Node& n, const std::string& p, Flow& f, const Model& m) {
  const YAML::Node tasks = n["tasks"];
  if (!tasks) r.fail(n, p + ".tasks", "missing; expected a mapping of task names to {unit, service, after}");
  r.map(tasks, p + ".tasks", "a mapping of task names to {unit, service, after}");
  if (tasks.size() == 0) r.fail(tasks, p + ".tasks", "expected at least one task, got an empty mapping");
  r.unique_keys(tasks, p + ".tasks");
  if (tasks.size() > 65535)
    r.fail(tasks, p + ".tasks", "expected at most 65535 tasks, got " + std::to_string(tasks.size()));
  std::vector<std::string> names;
  for (auto it = tasks.begin(); it != tasks.end(); ++it) names.push_back(it->first.Scalar());
  std::vector<std::vector<YAML::Node>> after_nodes;
  std::vector<std::vector<std::pair<int, double>>> routes;  // per task: its `next`
  for (auto it = tasks.begin(); it != tasks.end(); ++it) {
    Task t;
    t.name = it->first.Scalar();
    const std::string tp = p + ".tasks." + t.name;
    const YAML::Node tn = it->second;
    r.keys(tn, tp, config_keys::task);
    if (tn["skip"]) t.skip = r.probability(tn["skip"], tp + ".skip");
    if (tn["skip_defect"]) t.skip_defect = r.probability(tn["skip_defect"], tp + ".skip_defect");
    if (!tn["unit"]) r.fail(tn, tp + ".unit", "missing; expected the name of a unit");
    t.unit = unit_ref(r, tn["unit"], tp + ".unit", m);
    if (!tn["service"])
      r.fail(tn, tp + ".service", "missing; expected a distribution such as {exponential: {mean: 1.5}}");
    t.service = read_distribution(r, tn["service"], tp + ".service");
    std::vector<YAML::Node> an;
    if (const YAML::Node af = tn["after"]) {
      if (af.IsScalar())
        an.push_back(af);
      else if (af.IsSequence())
        for (std::size_t i = 0; i < af.size(); ++i) an.push_back(af[i]);
      else
        r.fail(af, tp + ".after", "expected a task name or a list of task names, got " + found(af));
      std::set<int> seen;
      for (const auto& x : an) {
        std::string name = r.str(x, tp + ".after");
        auto pos = std::find(names.begin(), names.end(), name);
        if (pos == names.end()) {
          std::string hint = did_you_mean(name, names);
          r.fail(x, tp + ".after",
                 "unknown task '" + name + "' in flow " + f.name +
                     (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        }
        int idx = static_cast<int>(pos - names.begin());
        if (name == t.name) r.fail(x, tp + ".after", "a task cannot come after itself");
        if (!seen.insert(idx).second) r.fail(x, tp + ".after", "task '" + name + "' is listed twice");
        t.after.push_back(idx);
      }
    }
    after_nodes.push_back(an);
    routes.push_back(tn["next"] ? read_next(r, tn["next"], tp, t.name, names, f)
                                : std::vector<std::pair<int, double>>{});
    t.routes = tn["next"].IsDefined();
    f.tasks.push_back(std::move(t));
  }
  // A task with `next` hands over to those tasks only: one that names it in `after` must be
  // among them (naming it there too adds nothing). The tasks it routes to have it as a predecessor.
  auto routes_to = [&](int from, int to) {
    for (const auto& [k, prob] : routes[static_cast<std::size_t>(from)])
      if (k == to) return true;
    return false;
  };
  for (std::size_t k = 0; k < f.tasks.size(); ++k)
    for (std::size_t i = 0; i < f.tasks[k].after.size(); ++i) {
      const int a = f.tasks[k].after[i];
      if (f.tasks[a].routes && !routes_to(a, static_cast<int>(k)))
        r.fail(after_nodes[k][i], p + ".tasks." + f.tasks[k].name + ".after",
               "task '" + f.tasks[a].name + "' chooses its successor with next, which does not name " +
                   f.tasks[k].name + " (add it to " + p + ".tasks." + f.tasks[a].name + ".next, or take '" +
                   f.tasks[a].name + "' out of after)");
    }
  for (std::size_t k = 0; k < f.tasks.size(); ++k)
    for (const auto& [to, prob] : routes[k]) {
      std::vector<int>& after = f.tasks[static_cast<std::size_t>(to)].after;
      if (std::find(after.begin(), after.end(), static_cast<int>(k)) == after.end())
        after.push_back(static_cast<int>(k));
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
    auto at = [&]() -> YAML::Node {  // its `after`, or (a cycle through routes) its `next`
      if (first["after"]) return first["after"];
      return first["next"] ? first["next"] : first;
    };
    r.fail(at(), p + ".tasks", "expected the tasks to form an acyclic graph, found the cycle " + chain);
  }
  for (std::size_t k = 0; k < f.tasks.size(); ++k) {
    if (f.tasks[k].after.empty()) f.sources.push_back(static_cast<int>(k));
    for (int a : f.tasks[k].after) f.tasks[a].next.push_back(static_cast<int>(k));
  }
  for (auto& t : f.tasks) {
    if (t.next.empty()) ++f.sinks;
    // The customer meets the first and the last tasks (order taking, delivery): README "People".
    t.contact = (t.after.empty() || t.next.empty()) && m.units[static_cast<std::size_t>(t.unit)].courtesy < 1;
  }
  for (std::size_t k = 0; k < f.tasks.size(); ++k)
    for (int nx : f.tasks[k].next) {
      f.tasks[k].out.push_back(static_cast<int>(f.edges.size()));
      f.edges.push_back(Edge{static_cast<int>(k), nx, -1});
      double share = 1.0;
      for (const auto& [to, prob] : routes[k])
        if (to == nx) share = prob;
      f.route.push_back(share);
    }
}

}  // namespace

void load_flows(const YamlReader& r, const YAML::Node& root, Model& m) {
  const YAML::Node flows = root["flows"];
  if (!flows) r.fail(root, "flows", "missing; expected a mapping of flow names to {arrivals, tasks}");
  r.map(flows, "flows", "a mapping of flow names to {arrivals, tasks}");
  if (flows.size() == 0) r.fail(flows, "flows", "expected at least one flow, got an empty mapping");
  r.unique_keys(flows, "flows");
  for (auto it = flows.begin(); it != flows.end(); ++it) {
    Flow f;
    f.name = it->first.Scalar();
    const std::string p = "flows." + f.name;
    const YAML::Node n = it->second;
    r.keys(n, p, config_keys::flow);
    if (n["value"]) {
      f.value = r.number(n["value"], p + ".value");
      if (!(f.value >= 0) || !std::isfinite(f.value))
        r.fail(n["value"], p + ".value", "expected a value >= 0, got " + found(n["value"]));
    }
    // arrivals
    const YAML::Node a = n["arrivals"];
    if (!a) r.fail(n, p + ".arrivals", "missing; expected {poisson: RATE} or {interarrival: DISTRIBUTION}");
    r.keys(a, p + ".arrivals", config_keys::arrivals);
    if (a["customers"] || a["rate_per_customer"] || a["acquisition"]) {
      if (a["poisson"] || a["interarrival"] || !a["customers"] || !a["rate_per_customer"] ||
          a.size() != (a["acquisition"] ? 3u : 2u))
        r.fail(a, p + ".arrivals",
               "expected {customers: N, rate_per_customer: R} (and optionally acquisition: RATE) alone, or {poisson: "
               "RATE}, or {interarrival: DISTRIBUTION}");
      f.customers = r.integer(a["customers"], p + ".arrivals.customers", 1, 1000000000);
      f.rate_per_customer = r.number(a["rate_per_customer"], p + ".arrivals.rate_per_customer");
      if (!(f.rate_per_customer > 0) || !std::isfinite(f.rate_per_customer))
        r.fail(a["rate_per_customer"], p + ".arrivals.rate_per_customer",
               "expected a rate > 0 (orders per customer per " + r.time_unit() + "), got " +
                   found(a["rate_per_customer"]));
      if (a["acquisition"]) {
        f.acquisition = r.number(a["acquisition"], p + ".arrivals.acquisition");
        if (!(f.acquisition >= 0) || !std::isfinite(f.acquisition))
          r.fail(a["acquisition"], p + ".arrivals.acquisition",
                 "expected a rate >= 0 (new customers per " + r.time_unit() + "), got " + found(a["acquisition"]));
      }
      f.interarrival = dist::Exponential(1.0 / (static_cast<double>(f.customers) * f.rate_per_customer));
    } else if (a.size() != 1) {
      r.fail(a, p + ".arrivals",
             "expected exactly one of poisson or interarrival, got " + std::to_string(a.size()) + " keys");
    } else if (a["poisson"] && a["poisson"].IsMap()) {
      f.profile = read_rate_profile(r, a["poisson"], p + ".arrivals.poisson");
      f.interarrival = dist::Exponential(1.0 / f.profile.max);  // the candidates of thinning
    } else if (a["poisson"]) {
      double rate = r.number(a["poisson"], p + ".arrivals.poisson");
      if (!(rate > 0) || !std::isfinite(rate))
        r.fail(a["poisson"], p + ".arrivals.poisson",
               "expected a rate > 0 (arrivals per " + r.time_unit() + "), got " + found(a["poisson"]));
      if (!std::isfinite(1.0 / rate))
        r.fail(a["poisson"], p + ".arrivals.poisson",
               "expected a rate whose inverse is finite, got " + found(a["poisson"]));
      f.interarrival = dist::Exponential(1.0 / rate);
    } else {
      f.interarrival = read_distribution(r, a["interarrival"], p + ".arrivals.interarrival");
      if (!(f.interarrival.mean() > 0))
        r.fail(a["interarrival"], p + ".arrivals.interarrival",
               "expected a distribution with a mean > 0, got " + f.interarrival.describe());
    }
    if (n["due"]) {
      f.due = r.duration(n["due"], p + ".due", true);
      if (!(f.due > 0)) r.fail(n["due"], p + ".due", "expected a duration > 0, got " + found(n["due"]));
    }
    if (n["priority"]) {
      const YAML::Node pr = n["priority"];
      f.priority = static_cast<int>(
          r.integer(pr, p + ".priority", std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
    }
    // `patience: null` is infinite patience, as if the key were absent (for --set and scenarios).
    if (const YAML::Node pt = n["patience"]; pt && !pt.IsNull()) {
      f.patience = read_distribution(r, pt, p + ".patience");
      f.has_patience = true;
    }
    if (f.interarrival.mean() * 1e12 < m.run.horizon)
      r.fail(a, p + ".arrivals",
             "expected fewer than 10^12 arrivals over the horizon (" + in_full(m.run.horizon) +
                 "), got a mean interarrival time of " + in_full(f.interarrival.mean()));
    load_tasks(r, n, p, f, m);
    m.flows.push_back(std::move(f));
  }
}

void add_skip_origins(Model& m) {
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
}

}  // namespace eslabon
