#pragma once
// Customers who remember (README "Customers who remember"): with `complaints.memory`, the
// finite base of a flow is a set of individuals. Each has a satisfaction score that every
// contact moves, s <- (1 - w) s + w x; this part holds the scores, which customer placed each
// order, how many of their orders were delivered, the ledger weights of each customer's most
// recent bad contact (for a loss that follows a good one), and the satisfaction measures
// (time averages over the window). State and decisions only; the dispatcher acts on them
// (delivery.cpp, memory.cpp). A model without memory holds nothing here.

#include <models/engine/kpis.hpp>
#include <models/engine/simulate.hpp>
#include <models/model/model.hpp>

#include <eslabon/core/statistics.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace eslabon {

// The score bands of the satisfaction table: band b holds the scores s with floor(10 s) = b,
// the last one (0.9-1.0) also s = 1.
inline constexpr int kSatisfactionBands = 10;
inline int satisfaction_band(double s) {
  const int b = static_cast<int>(s * kSatisfactionBands);
  return b < 0 ? 0 : b >= kSatisfactionBands ? kSatisfactionBands - 1 : b;
}
inline std::vector<std::string> satisfaction_band_names() {
  std::vector<std::string> names;
  char buf[16];
  for (int b = 0; b < kSatisfactionBands; ++b) {
    std::snprintf(buf, sizeof buf, "%.1f-%.1f", b / 10.0, (b + 1) / 10.0);
    names.emplace_back(buf);
  }
  return names;
}
// Whether a model has customers who remember: memory on and a flow with a finite base.
inline bool remembers(const Model& m) {
  if (!m.complaints.memory.on) return false;
  return std::any_of(m.flows.begin(), m.flows.end(), [](const Flow& f) { return f.customers > 0; });
}

class CustomerMemory {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  // `slots`: the cost ledger's rows (weights are held per row).
  CustomerMemory(const Model& m, double warmup, double horizon, std::size_t slots)
      : mem_(m.complaints.memory), slots_(slots), on_(m.flows.size(), 0) {
    if (!remembers(m)) return;
    any_ = true;
    active_.resize(m.flows.size());
    sum_.window(warmup, horizon);
    count_.window(warmup, horizon);
    for (TimeWeighted& b : bands_) b.window(warmup, horizon);
    scratch_.assign(slots_, 0.0);
    for (std::size_t f = 0; f < m.flows.size(); ++f) {
      if (m.flows[f].customers <= 0) continue;
      on_[f] = 1;
      for (std::int64_t i = 0; i < m.flows[f].customers; ++i) join(static_cast<std::uint32_t>(f), 0.0);
    }
  }

  bool any() const { return any_; }
  bool on(std::uint32_t flow) const { return on_[flow] != 0; }

  // Order o comes from one of the flow's customers, chosen uniformly (u in [0, 1)).
  void pick(std::uint32_t o, std::uint32_t flow, double u) {
    const std::vector<std::uint32_t>& a = active_[flow];
    const std::size_t n = a.size();  // >= 1: thinning admits no order from an empty base
    const std::size_t i = std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)));
    if (o >= of_order_.size()) of_order_.resize(static_cast<std::size_t>(o) + 1);
    of_order_[o] = {a[i], people_[a[i]].gen};
  }
  // Order o's customer, or kNone when they have left the base since.
  std::uint32_t customer(std::uint32_t o) const {
    const auto [c, gen] = of_order_[o];
    const Person& p = people_[c];
    return p.gen == gen && p.where != kNone ? c : kNone;
  }

  double score(std::uint32_t c) const { return people_[c].score; }
  // A contact with outcome x: the score moves to (1 - w) s + w x.
  void contact(std::uint32_t c, double x, double now) {
    Person& p = people_[c];
    const double s = (1 - mem_.weight) * p.score + mem_.weight * x;
    move(p.score, s, now);
    p.score = s;
  }
  double leave_probability(std::uint32_t c) const { return mem_.churn_probability(people_[c].score); }
  void count_order(std::uint32_t c) { ++people_[c].orders; }

  // The ledger weights (per row) of customer c's most recent bad contact, kept until the next
  // one; nullptr weights record a contact with no causes.
  void record_bad(std::uint32_t c, const double* weights) {
    std::uint32_t& h = people_[c].bad;
    if (h == kNone) {
      if (free_records_.empty()) {
        h = static_cast<std::uint32_t>(records_.size());
        records_.emplace_back();
      } else {
        h = free_records_.back();
        free_records_.pop_back();
      }
    }
    std::vector<std::pair<std::uint32_t, double>>& r = records_[h];
    r.clear();
    if (weights)
      for (std::size_t s = 0; s < slots_; ++s)
        if (weights[s] > 0) r.emplace_back(static_cast<std::uint32_t>(s), weights[s]);
  }
  // Those weights, in a buffer the next call overwrites; nullptr when c had no bad contact on record.
  const double* last_bad(std::uint32_t c) {
    const std::uint32_t h = people_[c].bad;
    if (h == kNone) return nullptr;
    std::fill(scratch_.begin(), scratch_.end(), 0.0);
    for (const auto& [s, w] : records_[h]) scratch_[s] = w;
    return scratch_.data();
  }

  // Customer c leaves the flow's base (`tagged`: on a tagged order, counted in
  // orders_before_leaving_mean); their record is free for a new customer.
  void leave(std::uint32_t c, std::uint32_t flow, double now, bool tagged) {
    Person& p = people_[c];
    if (tagged) {
      lost_orders_ += p.orders;
      ++lost_;
    }
    std::vector<std::uint32_t>& a = active_[flow];
    people_[a.back()].where = p.where;
    a[p.where] = a.back();
    a.pop_back();
    p.where = kNone;
    if (p.bad != kNone) {
      free_records_.push_back(p.bad);
      p.bad = kNone;
    }
    sum_.add(now, -p.score);
    count_.add(now, -1.0);
    bands_[static_cast<std::size_t>(satisfaction_band(p.score))].add(now, -1.0);
    free_.push_back(c);
  }
  // A new customer joins the flow's base with the score `start`.
  void join(std::uint32_t flow, double now) {
    std::uint32_t c;
    if (free_.empty()) {
      c = static_cast<std::uint32_t>(people_.size());
      people_.emplace_back();
    } else {
      c = free_.back();
      free_.pop_back();
    }
    Person& p = people_[c];
    ++p.gen;
    p.score = mem_.start;
    p.orders = 0;
    p.where = static_cast<std::uint32_t>(active_[flow].size());
    active_[flow].push_back(c);
    sum_.add(now, p.score);
    count_.add(now, 1.0);
    bands_[static_cast<std::size_t>(satisfaction_band(p.score))].add(now, 1.0);
  }

  // satisfaction_mean, orders_before_leaving_mean and the satisfaction table (empty without memory).
  void fill(ReplicationResult& r, double horizon) const {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    r.kpi[static_cast<int>(Kpi::SatisfactionMean)] = nan;
    r.kpi[static_cast<int>(Kpi::OrdersBeforeLeavingMean)] = nan;
    if (!any_) return;
    const double customers = count_.mean(horizon);
    r.kpi[static_cast<int>(Kpi::SatisfactionMean)] = customers > 0 ? sum_.mean(horizon) / customers : nan;
    if (lost_ > 0)
      r.kpi[static_cast<int>(Kpi::OrdersBeforeLeavingMean)] =
          static_cast<double>(lost_orders_) / static_cast<double>(lost_);
    r.satisfaction.resize(kSatisfactionBands);
    for (int b = 0; b < kSatisfactionBands; ++b) {
      const double n = bands_[static_cast<std::size_t>(b)].mean(horizon);
      r.satisfaction[static_cast<std::size_t>(b)][static_cast<int>(SatisfactionStat::Customers)] = n;
      r.satisfaction[static_cast<std::size_t>(b)][static_cast<int>(SatisfactionStat::Share)] =
          customers > 0 ? n / customers : nan;
    }
  }

 private:
  struct Person {
    double score = 0;
    std::uint32_t gen = 0;        // which customer of this record (a record is reused after a loss)
    std::uint32_t where = kNone;  // position in the flow's base, kNone once left
    std::uint32_t orders = 0;     // delivered to them so far
    std::uint32_t bad = kNone;    // their most recent bad contact's weights (records_), or none
  };

  // A score moves from `from` to `to` (the sum and the bands follow).
  void move(double from, double to, double now) {
    sum_.add(now, to - from);
    const int b0 = satisfaction_band(from), b1 = satisfaction_band(to);
    if (b0 == b1) return;
    bands_[static_cast<std::size_t>(b0)].add(now, -1.0);
    bands_[static_cast<std::size_t>(b1)].add(now, 1.0);
  }

  const Memory& mem_;
  std::size_t slots_;
  bool any_ = false;
  std::vector<char> on_;                                                // per flow
  std::vector<std::vector<std::uint32_t>> active_;                      // per flow: the customers in its base
  std::vector<Person> people_;                                          // by record
  std::vector<std::uint32_t> free_;                                     // records of customers who left
  std::vector<std::pair<std::uint32_t, std::uint32_t>> of_order_;       // per order index: record, gen
  std::vector<std::vector<std::pair<std::uint32_t, double>>> records_;  // bad contacts' weights (sparse)
  std::vector<std::uint32_t> free_records_;
  std::vector<double> scratch_;
  TimeWeighted sum_, count_;  // sum of the scores, and customers, in the bases with memory
  std::array<TimeWeighted, kSatisfactionBands> bands_;
  std::uint64_t lost_orders_ = 0, lost_ = 0;
};

}  // namespace eslabon
