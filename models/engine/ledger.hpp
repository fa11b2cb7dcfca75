#pragma once
// The cost-of-poor-quality ledger: every cost charged to a tagged order is booked on the
// origins behind it (links and skipped steps), or on "(unattributed)" (the last slot)
// when no defect explains it.

#include <cstdint>
#include <vector>

namespace eslabon {

class Ledger {
 public:
  explicit Ledger(std::size_t origins) : origins_(origins), copq_(origins + 1, 0.0) {}

  // Splits `amount` over the origins in proportion to `weights` (counts per origin), or
  // books it unattributed when the weights are absent or all zero.
  void split(double amount, const std::uint8_t* weights) {
    total_ += amount;
    double sum = 0;
    for (std::size_t g = 0; g < origins_; ++g) sum += weights ? weights[g] : 0;
    if (sum <= 0) {
      copq_[origins_] += amount;
      return;
    }
    for (std::size_t g = 0; g < origins_; ++g)
      if (weights[g]) copq_[g] += amount * weights[g] / sum;
  }
  // Books `amount` on one origin (-1: unattributed).
  void book(double amount, int origin) {
    total_ += amount;
    copq_[origin < 0 ? origins_ : static_cast<std::size_t>(origin)] += amount;
  }

  double total() const { return total_; }
  double of(std::size_t origin) const { return copq_[origin]; }  // origins_ = "(unattributed)"

 private:
  std::size_t origins_;
  std::vector<double> copq_;
  double total_ = 0;
};

}  // namespace eslabon
