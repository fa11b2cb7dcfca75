#include <models/studies/customers.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

// The engine's delivery (README "Weak links", Delivery; "Defect types"; "People"; "Customers who
// remember"): each carried defect is noticed with its class's `visible`; the customer is
// dissatisfied by a noticed defect, a late delivery when `late_dissatisfies`, or an offending
// contact. The most severe noticed type governs the reaction (untyped defects, lateness and
// discourtesy take the complaints section's values): complain with `complain`, then leave with
// churn_if_resolved or churn_if_unresolved (resolved with `resolve` times the desk's courtesy),
// or, silent, with churn_if_silent. Without a complaints section nobody complains or leaves.

namespace eslabon {
namespace {

struct Reaction {
  double complain, resolved, unresolved, silent;
};

// One way a delivery can go: its probability, the contact's outcome x (README "Customers who
// remember") and the reaction level that governs (-1: the customer is satisfied).
struct Contact {
  double p, x;
  int level;
};

}  // namespace

double truncated_poisson_mean(double a, std::int64_t n) {
  if (!(a > 0) || n <= 0) return 0;
  // The terms that matter lie within 40 standard deviations of the largest one.
  const double nd = static_cast<double>(n);
  const double top = std::min(nd, std::floor(a)), width = 40 * std::sqrt(a) + 50;
  const double lo = std::max(0.0, top - width), hi = std::min(nd, top + width);
  const double la = std::log(a), at_top = top * la - std::lgamma(top + 1);
  double sum = 0, weighted = 0;
  for (double k = lo; k <= hi; k += 1) {
    const double w = std::exp(k * la - std::lgamma(k + 1) - at_top);
    sum += w;
    weighted += k * w;
  }
  return weighted / sum;
}

CustomerFigures customer_figures(const Model& m, const Flow& f, const FlowTraffic& t, double late) {
  const Complaints& cs = m.complaints;
  const std::size_t classes = t.class_type.size();
  std::vector<Reaction> react{{cs.complain, cs.churn_if_resolved, cs.churn_if_unresolved, cs.churn_if_silent}};
  std::vector<double> visible(classes, cs.visible);
  for (std::size_t c = 1; c < classes; ++c) {
    const DefectType& d = m.defect_types[static_cast<std::size_t>(t.class_type[c])];
    visible[c] = d.visible;
    react.push_back({d.complain, d.churn_if_resolved, d.churn_if_unresolved, d.churn_if_silent});
  }
  const double lateness = cs.late_dissatisfies ? late : 0.0;
  const double desk = cs.enabled && cs.unit >= 0 ? m.units[static_cast<std::size_t>(cs.unit)].courtesy : 1.0;
  const double resolve = cs.resolve * desk;  // a discourteous desk leaves the complaint unresolved
  CustomerFigures out;
  std::vector<Contact> contacts;
  double total = 0;
  for (const Delivered& d : t.delivered) {
    total += d.p;
    std::vector<double> none(classes, 1.0);  // per class: the customer notices none of them
    double none_all = 1;
    int carried = 0;
    for (std::size_t c = 0; c < classes; ++c) {
      none[c] = std::pow(1 - visible[c], d.carried[c]);
      none_all *= none[c];
      carried += d.carried[c];
    }
    const double off = d.offended ? 1.0 : 0.0;
    out.defect_escape += d.p * (carried > 0);
    out.visible_defect += d.p * (1 - none_all);
    out.discourtesy += d.p * off;
    out.dissatisfied += d.p * (1 - none_all * (1 - lateness) * (1 - off));
    // Who governs: the most severe type noticed (class c is type c - 1, least severe first),
    // else the complaints section (an untyped defect noticed, or nothing noticed).
    std::vector<std::pair<std::size_t, double>> noticed;  // (reaction level, probability)
    double above = 1;
    for (std::size_t c = classes; c-- > 1;) {
      noticed.push_back({c, above * (1 - none[c])});
      above *= none[c];
    }
    noticed.push_back({0, above * (1 - none[0])});
    for (const auto& [level, p] : noticed) {
      if (!(p > 0)) continue;
      for (int l = 0; l < 2; ++l) {  // a noticed defect, with and without lateness
        const double q = l ? lateness : 1 - lateness;
        if (!(q > 0)) continue;
        double x = std::min(cs.memory.defect, l ? cs.memory.late : 1.0);
        if (d.offended) x = std::min(x, cs.memory.offended);
        contacts.push_back({d.p * p * q, x, static_cast<int>(level)});
      }
    }
    for (int l = 0; l < 2; ++l) {  // nothing noticed: dissatisfied only when late or offended
      const double q = above * none[0] * (l ? lateness : 1 - lateness);
      if (!(q > 0)) continue;
      const bool unhappy = l || d.offended;
      double x = 1;
      if (l) x = std::min(x, cs.memory.late);
      if (d.offended) x = std::min(x, cs.memory.offended);
      contacts.push_back({d.p * q, unhappy ? x : 1.0, unhappy ? 0 : -1});
    }
  }
  if (total > 0) {
    out.defect_escape /= total;
    out.visible_defect /= total;
    out.discourtesy /= total;
    out.dissatisfied /= total;
  }
  if (!cs.enabled || !(total > 0)) return out;
  double complain = 0, churn = 0;
  for (const Contact& c : contacts) {
    if (c.level < 0) continue;
    const Reaction& r = react[static_cast<std::size_t>(c.level)];
    complain += c.p * r.complain;
    churn += c.p * (r.complain * (resolve * r.resolved + (1 - resolve) * r.unresolved) + (1 - r.complain) * r.silent);
  }
  out.complaint = complain / total;
  out.churn = churn / total;
  if (!(cs.memory.on && f.customers > 0)) return out;
  // Customers who remember: after each contact the score is s <- (1 - w) s + w x and the customer
  // leaves with p(s). The score before a delivery is taken at its long-run mean, the mean outcome
  // of a contact (exact when w = 1, where only the last contact counts).
  const Memory& mem = cs.memory;
  const double w = mem.weight;
  double sum_x = 0, sum_n = 0;
  for (const Contact& c : contacts) {
    const double k = c.level < 0 ? 0.0 : react[static_cast<std::size_t>(c.level)].complain;
    sum_x += c.p * (c.x + k * (resolve * mem.resolved + (1 - resolve) * mem.unresolved));
    sum_n += c.p * (1 + k);
  }
  const double mean = sum_x / sum_n;
  churn = 0;
  for (const Contact& c : contacts) {
    const double k = c.level < 0 ? 0.0 : react[static_cast<std::size_t>(c.level)].complain;
    const double s1 = (1 - w) * mean + w * c.x;
    churn += c.p * ((1 - k) * mem.churn_probability(s1) +
                    k * (resolve * mem.churn_probability((1 - w) * s1 + w * mem.resolved) +
                         (1 - resolve) * mem.churn_probability((1 - w) * s1 + w * mem.unresolved)));
  }
  out.churn = churn / total;
  out.churn_exact = w >= 1;
  return out;
}

}  // namespace eslabon
