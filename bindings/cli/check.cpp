// eslabon check: validate a model and show, without simulating, its offered load per unit, its
// flows and links, and what would make it unstable (README "Before you simulate: check"). One
// function per section; --json prints the same report as one JSON object (output/check_json.hpp).

#include "check_estimates.hpp"
#include "command.hpp"
#include "format.hpp"
#include "options.hpp"

#include <models/config/loader.hpp>
#include <models/output/check_json.hpp>
#include <models/studies/check.hpp>
#include <models/studies/contracts.hpp>
#include <models/studies/pressure.hpp>
#include <models/studies/routes.hpp>

#include <fmt/core.h>
#include <cmath>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace eslabon::cli {
namespace {

struct CheckArgs {
  std::string config;
  std::vector<std::string> sets;
  bool json = false;
};

void print_units(const Model& m, const CheckReport& r) {
  const double units = static_cast<double>(m.units.size()), flows = static_cast<double>(m.flows.size());
  fmt::print("{}: {} {}, {} {}; time unit {}\n\n", m.name, m.units.size(), noun(units, "unit"), m.flows.size(),
             noun(flows, "flow"), m.time_unit);
  fmt::print("{:<16} {:>8} {:>10} {:>14} {:>12}\n", "unit", "servers", "discipline", "arrival rate", "utilisation");
  for (std::size_t u = 0; u < m.units.size(); ++u) {
    const UnitLoad& l = r.analysis.units[u];
    fmt::print("{:<16} {:>8} {:>10} {:>14} {:>12}{}\n", m.units[u].name, m.units[u].servers,
               to_string(m.units[u].discipline), fmt_num(l.arrival_rate), fmt_num(l.utilisation),
               l.utilisation >= 1 && m.units[u].capacity < 0 ? "  UNSTABLE" : "");
  }
}

void print_shifts(const Model& m) {
  for (const auto& un : m.units) {  // servers above is the largest level; utilisation is over the week's average
    if (!un.has_shifts()) continue;
    std::string rules;
    for (const auto& [rule, n] : un.shift_rules) rules += (rules.empty() ? "" : ", ") + rule + ": " + std::to_string(n);
    fmt::print("\nunit {}: shifts {{{}}} from {}, {} on average over a week, shift_end {}\n", un.name, rules,
               m.run.calendar_start, quantity(un.mean_servers(), "server"), un.shift_preempt ? "preempt" : "finish");
  }
}

void print_pressure(const Model& m) {
  const char* measures[] = {"queue", "wip", "utilisation"};
  auto list = [](const std::vector<double>& v) {
    std::string s;
    for (double x : v) s += (s.empty() ? "" : ", ") + fmt_num(x);
    return "[" + s + "]";
  };
  for (const PressureLoad& p : pressure_loads(m)) {  // README "Pressure": offered load by level, with staff
    const Unit::Pressure& q = m.units[p.unit].pressure;
    fmt::print(
        "\nunit {}: pressure by {}{}, levels {}, speedup {}, errors {}; offered load {} at level 0, at most {} "
        "(level {})\n",
        m.units[p.unit].name, measures[static_cast<int>(q.measure)],
        q.window > 0 ? " over a window of " + fmt_num(q.window) : "", list(q.levels), list(q.speedup), list(q.errors),
        fmt_num(p.low), fmt_num(p.high), p.level);
  }
}

// What the traffic equations say about a flow's orders (README "Before you simulate: check").
void print_flow_traffic(const Model& m, const Flow& f, const FlowLoad& fl) {
  std::string base;
  if (f.customers > 0)
    base = fl.base_steady ? fmt::format(" (customer base {} of {} at its steady state)", fmt_num(fl.customer_base),
                                        f.customers)
                          : fmt::format(" (customer base of {}, which only shrinks)", f.customers);
  fmt::print("  orders per {}: {}{}\n", m.time_unit, fmt_num(fl.arrival_rate), base);
  const CustomerFigures& c = fl.customers;
  fmt::print("  per order: redos {}, defects escaped {}, noticed {}, dissatisfied {}, complaints {}, churn {}{}\n",
             fmt_num(fl.reworks), fmt_num(c.defect_escape), fmt_num(c.visible_defect), fmt_num(c.dissatisfied),
             fmt_num(c.complaint), fmt_num(c.churn), fl.late > 0 ? " (late share " + fmt_num(fl.late) + ")" : "");
}

void print_flows(const Model& m, const CheckReport& r) {
  for (std::size_t i = 0; i < m.flows.size(); ++i) {
    const Flow& f = m.flows[i];
    fmt::print("\nflow {}: {}, due {}\n", f.name,
               f.profile.on() ? "arrivals " + f.profile.describe() : "interarrival " + f.interarrival.describe(),
               fmt_num(f.due));
    // With routing (`next`): each routing task's choices, and each task's share of the orders.
    bool routes = false;
    for (const auto& t : f.tasks) routes = routes || t.routes;
    const RouteShares shares = route_shares(f);
    for (std::size_t k = 0; k < f.tasks.size(); ++k) {
      const Task& t = f.tasks[k];
      std::string after, next;
      for (int a : t.after) after += (after.empty() ? "" : ", ") + f.tasks[a].name;
      if (t.routes)
        for (int e : t.out)
          next += (next.empty() ? "" : ", ") + f.tasks[f.edges[e].to].name + " " + fmt_num(f.route[e]);
      fmt::print(
          "  {:<16} at {:<14} {}{}{}{}\n", t.name, m.units[t.unit].name, t.service.describe(),
          after.empty() ? "" : "  after " + after, next.empty() ? "" : "  next " + next,
          routes ? fmt::format("  ({} of orders{})", format_percent(shares.task[k]), shares.exact ? "" : ", approx.")
                 : "");
    }
    print_flow_traffic(m, f, r.analysis.flows[i]);
  }
}

void print_complaints(const Model& m, const CheckReport& r) {
  const Complaints& cs = m.complaints;
  if (!cs.enabled || cs.unit < 0) return;
  fmt::print("\ncomplaints: {} per {} at {} (each {}), {} of work per {}\n", fmt_num(r.analysis.complaint_rate),
             m.time_unit, m.units[static_cast<std::size_t>(cs.unit)].name, cs.service.describe(),
             fmt_num(r.analysis.complaint_rate * cs.service.mean()), m.time_unit);
}

void print_links(const Model& m, const CheckReport& r) {
  for (std::size_t i = 0; i < m.links.size(); ++i) {
    const Link& L = m.links[i];
    std::string types;  // defect types, least severe first
    for (const auto& d : L.defect_types)
      types +=
          (types.empty() ? " (" : ", ") + m.defect_types[static_cast<std::size_t>(d.type)].name + " " + fmt_num(d.p);
    if (!types.empty()) types += ")";
    fmt::print("\nlink {}: defect {}{}, detect {}, on_detect {}{}{}", L.key, fmt_num(L.defect), types,
               fmt_num(L.detect), to_string(L.on_detect), L.has_delay ? ", delay " + L.delay.describe() : "",
               L.lost > 0 ? ", lost " + fmt_num(L.lost) + ", timeout " + fmt_num(L.timeout) : "");
    const LinkLoad& l = r.analysis.links[i];
    fmt::print("\n  per {}: handoffs {}, defects {}, caught {}, lost {}, false alarms {}", m.time_unit,
               fmt_num(l.handoffs), fmt_num(l.defects), fmt_num(l.caught), fmt_num(l.lost), fmt_num(l.false_alarms));
  }
  if (!m.links.empty()) fmt::print("\n");
}

// Internal service contracts against the promise to the customer (studies/contracts.hpp).
void print_contracts(const Model& m) {
  for (const ContractPath& p : contract_paths(m)) {
    std::string path, parts;
    for (const auto& t : p.tasks) path += (path.empty() ? "" : " -> ") + t;
    for (const auto& s : p.parts) parts += (parts.empty() ? "" : " + ") + s;
    fmt::print("\ncontracts of flow {}: worst path {}\n  {} = {}{}", p.flow, path, parts,
               p.lower_bound ? "at least " : "", quantity(p.total, m.time_unit));
    if (std::isfinite(p.due))
      fmt::print(" {} due {}: {}\n", p.fits() ? "<=" : ">", fmt_num(p.due),
                 p.fits() ? "the internal targets fit the promise"
                          : "the internal targets cannot keep the promise (they add up to more than due)");
    else
      fmt::print(" (the flow has no due date to compare with)\n");
    if (std::isfinite(p.all_met))
      fmt::print("  every contract on it met for an order with probability at least {} (1 - the sum of the misses "
                 "their shares allow)\n",
                 fmt_num(p.all_met));
  }
}

// What is approximate, then the warnings: the overloaded units (each with the servers it would
// need), then the units that can tip under pressure.
void print_warnings(const CheckReport& r) {
  for (const std::string& n : r.analysis.notes) fmt::print("\nnote: {}\n", n);
  const std::size_t overloaded = r.overloaded.size();
  if (overloaded > 0) {
    fmt::print("\nwarning: a unit has utilisation >= 1; its queue grows without bound\n");
    for (std::size_t i = 0; i < overloaded; ++i) fmt::print("{}\n", r.warnings[i]);
  }
  for (std::size_t i = overloaded; i < r.warnings.size(); ++i) fmt::print("\n{}\n", r.warnings[i]);
}

int cmd_check(const CheckArgs& a) {
  Model m;
  try {
    std::vector<Override> ov;
    for (const auto& s : a.sets) ov.push_back(parse_override(s));
    m = load_config(a.config, ov);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  }
  const CheckReport report = check_model(m);
  if (a.json) {
    fmt::print("{}\n", check_json(m, report));
  } else {
    print_units(m, report);
    print_shifts(m);
    print_pressure(m);
    print_flows(m, report);
    print_complaints(m, report);
    print_links(m, report);
    print_contracts(m);
    print_estimates(m, report.lead_times);  // lead times, critical paths and blast radii (check_estimates.cpp)
    print_warnings(report);
  }
  return report.unstable() ? kUnstable : 0;
}

}  // namespace

void add_check_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<CheckArgs>();
  auto* check = app.add_subcommand("check", "Validate a model and show its offered load per unit");
  check->add_option("config", a->config, "Model config (YAML; - reads it from standard input)")->required();
  check->add_option("--set", a->sets, "Override a config value by path")->type_name("PATH=VALUE");
  check->add_flag("--json", a->json, "Print one JSON object (units, flows, links, warnings) instead of the text");
  commands.push_back({check, [a] { return cmd_check(*a); }});
}

}  // namespace eslabon::cli
