#pragma once
// The cost-of-poor-quality ledger (README "Who pays"): every cost charged to a tagged order is
// booked on its causes. The ledger's rows ("slots"): the origins of defects (links and skipped
// steps), then the causes of delay other than rework (service:, queue:, outage:UNIT and
// delay:LINK, engine/delays.hpp; a rework:ORIGIN delay is its origin's row), then
// "(unattributed)" (the last slot) for a cost with nothing to charge.
//
// Costs are split in proportion to weights: counts per origin (the defects caught at an
// inspection, the defects the customer saw), or times per delay cause (an order's lateness).
// A cost charged later than its weights were known (churn after a complaint is handled) finds
// them held for its order.
//
// Each cost also has a category (the classic prevention-appraisal-failure split of the cost of
// quality): prevention (costs.prevention, per time unit, on its own row "(prevention)"),
// appraisal (inspection), internal failure (rework, fix, scrap, contract penalties) and
// external failure (late penalties, complaints, lost customers). The categories add up to the
// total as the rows do.

#include <models/engine/delays.hpp>

#include <cstdint>
#include <vector>

namespace eslabon {

enum class CostCategory : int { Prevention, Appraisal, InternalFailure, ExternalFailure, Count };

class Ledger {
 public:
  Ledger(std::size_t origins, const DelayCauses& causes, std::size_t courtesy_rows, bool prevention)
      : origins_(origins) {
    std::vector<int> slot(causes.names.size(), -1);
    for (std::size_t g = 0; g < origins && g < causes.rework.size(); ++g)
      slot[static_cast<std::size_t>(causes.rework[g])] = static_cast<int>(g);
    std::size_t next = origins;
    for (int& s : slot)
      if (s < 0) s = static_cast<int>(next++);
    slot_of_cause_ = std::move(slot);
    courtesy_first_ = next;
    next += courtesy_rows;
    prevention_slot_ = prevention ? next++ : kNone;
    slots_ = next + 1;
    copq_.assign(slots_, 0.0);
    scratch_.assign(slots_, 0.0);
  }

  // The rows, in order: `origins` names, the causes other than rework, "(prevention)" when the
  // model pays for prevention, "(unattributed)".
  static std::vector<std::string> row_names(const std::vector<std::string>& origins, const DelayCauses& causes,
                                            const std::vector<std::string>& courtesy_units, bool prevention) {
    std::vector<std::string> names = origins;
    std::vector<bool> rework(causes.names.size(), false);
    for (int c : causes.rework) rework[static_cast<std::size_t>(c)] = true;
    for (std::size_t c = 0; c < causes.names.size(); ++c)
      if (!rework[c]) names.push_back(causes.names[c]);
    for (const auto& u : courtesy_units) names.push_back("courtesy:" + u);
    if (prevention) names.push_back("(prevention)");
    names.push_back("(unattributed)");
    return names;
  }

  std::size_t slots() const { return slots_; }

  // Splits `amount` over the origins in proportion to `weights` (counts per origin), or
  // books it unattributed when the weights are absent or all zero.
  void split(double amount, const std::uint8_t* weights, CostCategory k) {
    total_ += amount;
    category_[static_cast<int>(k)] += amount;
    double sum = 0;
    for (std::size_t g = 0; g < origins_; ++g) sum += weights ? weights[g] : 0;
    if (sum <= 0) {
      copq_[slots_ - 1] += amount;
      return;
    }
    for (std::size_t g = 0; g < origins_; ++g)
      if (weights[g]) copq_[g] += amount * weights[g] / sum;
  }
  // Splits `amount` in proportion to weights per slot (by_origins, by_causes, held), or
  // books it unattributed when they are absent or sum to nothing.
  void split_slots(double amount, const double* weights, CostCategory k) {
    total_ += amount;
    category_[static_cast<int>(k)] += amount;
    double sum = 0;
    if (weights)
      for (std::size_t s = 0; s + 1 < slots_; ++s) sum += weights[s] > 0 ? weights[s] : 0;
    if (!(sum > 0)) {
      copq_[slots_ - 1] += amount;
      return;
    }
    for (std::size_t s = 0; s + 1 < slots_; ++s)
      if (weights[s] > 0) copq_[s] += amount * weights[s] / sum;
  }
  // Books `amount` on one origin (-1: unattributed).
  void book(double amount, int origin, CostCategory k) {
    total_ += amount;
    category_[static_cast<int>(k)] += amount;
    copq_[origin < 0 ? slots_ - 1 : static_cast<std::size_t>(origin)] += amount;
  }

  // Books `amount` on the row of one cause of delay (an abandoned order's queue:UNIT; -1:
  // unattributed).
  void book_cause(double amount, int cause, CostCategory k) {
    total_ += amount;
    category_[static_cast<int>(k)] += amount;
    copq_[cause < 0 ? slots_ - 1 : static_cast<std::size_t>(slot_of_cause_[static_cast<std::size_t>(cause)])] += amount;
  }

  // Weights per slot from counts per origin, or from times per delay cause (a rework:ORIGIN
  // time goes to its origin). In a buffer that the next call overwrites.
  const double* by_origins(const std::uint8_t* counts) {
    std::fill(scratch_.begin(), scratch_.end(), 0.0);
    for (std::size_t g = 0; g < origins_; ++g) scratch_[g] = counts[g];
    return scratch_.data();
  }
  const double* by_causes(const std::vector<double>& times) {
    std::fill(scratch_.begin(), scratch_.end(), 0.0);
    for (std::size_t c = 0; c < times.size(); ++c)
      if (times[c] > 0) scratch_[static_cast<std::size_t>(slot_of_cause_[c])] += times[c];
    return scratch_.data();
  }

  // Holds weights for order o until a later cost (held), then forgets them (release). Kept
  // in a pool of its own, so only orders waiting for such a cost take room.
  void hold(std::uint32_t o, const double* weights) {
    if (o >= held_slot_.size()) held_slot_.resize(static_cast<std::size_t>(o) + 1, kNone);
    std::uint32_t& h = held_slot_[o];
    if (h == kNone) {
      if (free_.empty()) {
        h = static_cast<std::uint32_t>(held_.size() / slots_);
        held_.resize(held_.size() + slots_);
      } else {
        h = free_.back();
        free_.pop_back();
      }
    }
    std::copy(weights, weights + slots_, held_.begin() + static_cast<std::ptrdiff_t>(h * slots_));
  }
  // Adds weight w on `slot` to what is held for order o (a discourteous contact's unit).
  void hold_add(std::uint32_t o, std::size_t slot, double w) {
    if (!held(o)) {
      std::fill(scratch_.begin(), scratch_.end(), 0.0);
      hold(o, scratch_.data());
    }
    held_[static_cast<std::size_t>(held_slot_[o]) * slots_ + slot] += w;
  }
  std::size_t courtesy_slot(std::size_t i) const { return courtesy_first_ + i; }

  const double* held(std::uint32_t o) const {
    if (o >= held_slot_.size() || held_slot_[o] == kNone) return nullptr;
    return held_.data() + static_cast<std::size_t>(held_slot_[o]) * slots_;
  }
  void release(std::uint32_t o) {
    if (o >= held_slot_.size() || held_slot_[o] == kNone) return;
    free_.push_back(held_slot_[o]);
    held_slot_[o] = kNone;
  }

  // Prevention spending (not an order's: charged once per replication, on its own row).
  void prevent(double amount) {
    if (amount <= 0 || prevention_slot_ == kNone) return;
    total_ += amount;
    category_[static_cast<int>(CostCategory::Prevention)] += amount;
    copq_[prevention_slot_] += amount;
  }

  double total() const { return total_; }
  double of(CostCategory k) const { return category_[static_cast<int>(k)]; }
  double of(std::size_t slot) const { return copq_[slot]; }  // slots() - 1: "(unattributed)"

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  std::size_t origins_, slots_ = 0, prevention_slot_ = kNone, courtesy_first_ = 0;
  double category_[static_cast<int>(CostCategory::Count)] = {};
  std::vector<int> slot_of_cause_;  // per delay cause
  std::vector<double> copq_, scratch_, held_;
  std::vector<std::uint32_t> held_slot_, free_;
  double total_ = 0;
};

}  // namespace eslabon
