#pragma once
// Free-list pool of indices; the arrays it indexes grow only when the free list is empty,
// so a replication in steady state allocates nothing.

#include <cstdint>
#include <vector>

namespace eslabon {

class IndexPool {
 public:
  std::uint32_t take() {
    if (!free_.empty()) {
      std::uint32_t i = free_.back();
      free_.pop_back();
      return i;
    }
    return size_++;
  }
  void give(std::uint32_t i) { free_.push_back(i); }
  std::uint32_t size() const { return size_; }  // high-water mark
  const std::vector<std::uint32_t>& free_list() const { return free_; }

 private:
  std::vector<std::uint32_t> free_;
  std::uint32_t size_ = 0;
};

}  // namespace eslabon
