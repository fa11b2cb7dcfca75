// eslabon check: lead times per flow, critical paths and blast radii, without simulating.

#include "check_estimates.hpp"

#include "format.hpp"

#include <models/studies/blast_radius.hpp>
#include <models/studies/lead_time.hpp>

#include <fmt/core.h>

#include <cmath>
#include <string>

namespace eslabon::cli {
namespace {

std::string percent(double share) { return format_percent(share); }

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::string customers(const Model& m, const BlastFlow& f) {
  if (f.customers > 0) return fmt::format("{} {}", f.customers, noun(static_cast<double>(f.customers), "customer"));
  return "open demand, " + quantity(f.order_rate, "order") + " per " + m.time_unit;
}

}  // namespace

void print_estimates(const Model& m, const LeadTimes& lt) {
  // Lines start with "unit", not the unit's name: the offered-load table above is found by the name.
  fmt::print("\nwithout simulating (M/M/c when exact, else QNA's GI/G/c): the mean wait in line per visit\n");
  for (std::size_t u = 0; u < m.units.size(); ++u) {
    const UnitQueue& q = lt.units[u];
    fmt::print("  unit {}: wait {} ({}; arrival scv {}, service scv {}{})\n", m.units[u].name, fmt_num(q.wait),
               q.method(), fmt_num(q.arrival_scv), fmt_num(q.service_scv),
               q.interruption_wait > 0 ? ", of which outages and closed hours " + fmt_num(q.interruption_wait) : "");
  }
  for (std::size_t fi = 0; fi < m.flows.size(); ++fi) {
    const FlowLeadTime& f = lt.flows[fi];
    fmt::print("\nflow {}: lead time about {} ({}; sd {}){}\n", f.flow, quantity(f.estimate, m.time_unit),
               f.method(), fmt_num(f.sd),
               std::isfinite(f.due) ? ", due " + fmt_num(f.due) + ", late about " + percent(f.late) : "");
    std::string path;
    for (const PathStep& s : f.critical_path)
      path += (path.empty() ? "" : " -> ") + s.name + " " + fmt_num(s.time) + " (" + percent(s.share) + ")";
    fmt::print("  critical path, {}, taken by {} of orders: {}\n", quantity(f.critical_time, m.time_unit),
               percent(f.critical_share), path);
    for (const std::string& n : f.notes) fmt::print("  approximate: {}\n", n);
  }
  const std::vector<BlastRadius> blast = blast_radius(m);
  if (!blast.empty()) fmt::print("\nblast radius of each weak point (what lies downstream of it):\n");
  for (const BlastRadius& b : blast) {
    std::string reach;
    for (const BlastFlow& f : b.flows)
      reach += fmt::format("{}flow {}, {} of orders{} ({}): {}", reach.empty() ? "" : "; ", f.flow, percent(f.share),
                           f.share_exact ? "" : " or more", customers(m, f), join(f.tasks, ", "));
    const std::string what = b.kind == "skip" ? b.name : b.kind + " " + b.name + " (" + join(b.faults, ", ") + ")";
    fmt::print("  {}: {}\n", what, reach.empty() ? "no task" : reach);
  }
}

}  // namespace eslabon::cli
