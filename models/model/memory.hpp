#pragma once
// Customers who remember (README "Customers who remember"): with `complaints.memory`, each
// customer of a finite base is an individual with a satisfaction score in [0, 1] that every
// contact updates, s <- (1 - weight) s + weight x, x being the contact's outcome; after a contact
// the customer leaves with the probability of the first churn row whose `below` exceeds s.

#include <cstdint>
#include <vector>

namespace eslabon {

// Each customer of a base with memory is a record: the loader bounds such a base.
inline constexpr std::int64_t kMemoryMaxCustomers = 1000000;

struct MemoryChurnRow {
  double below = 0;        // scores s < below (and >= the previous row's below) ...
  double probability = 0;  // ... leave with this probability after a contact
};

struct Memory {
  bool on = false;
  double weight = 1;                  // (0, 1]: how much the last contact counts
  double start = 1;                   // [0, 1]: a new customer's score
  std::vector<MemoryChurnRow> churn;  // increasing `below`
  // A contact's outcome x: a delivery that satisfied the customer is 1; one that dissatisfied
  // them takes the smallest value of its reasons; complaint handling is `resolved` or `unresolved`.
  double defect = 0, late = 0, offended = 0, resolved = 1, unresolved = 0;

  double churn_probability(double s) const {
    for (const MemoryChurnRow& r : churn)
      if (s < r.below) return r.probability;
    return 0;
  }
};

}  // namespace eslabon
