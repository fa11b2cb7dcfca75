#pragma once
// The waiting line of one unit, in the form its discipline asks for (disciplines.hpp).

#include <models/model/disciplines.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace eslabon {

// Waiting line of one unit: a ring buffer for disciplines served in arrival order (fifo), a
// binary heap on (key, sequence) for the others (priority, edf, spt, preemptive), so equal keys are
// served in arrival order. Both grow to the largest queue seen and then allocate nothing more.
class WaitingLine {
 public:
  explicit WaitingLine(Discipline d) : fifo_(discipline_info(d).by_arrival) {}

  std::size_t size() const { return fifo_ ? count_ : heap_.size(); }
  bool empty() const { return size() == 0; }

  void push(std::uint32_t job, double key) {
    if (fifo_) {
      if (count_ == ring_.size()) grow();
      ring_[(head_ + count_) & (ring_.size() - 1)] = job;
      ++count_;
    } else {
      heap_.push_back(Entry{key, seq_++, job});
      std::push_heap(heap_.begin(), heap_.end(), Later{});
    }
  }

  // Ahead of every entry of equal key: before the entries pushed at the back and before
  // earlier push_front()s, so the latest comes out first among equals (a ring buffer: first).
  void push_front(std::uint32_t job, double key) {
    if (fifo_) {
      if (count_ == ring_.size()) grow();
      head_ = (head_ + ring_.size() - 1) & (ring_.size() - 1);
      ring_[head_] = job;
      ++count_;
      return;
    }
    heap_.push_back(Entry{key, front_seq_--, job});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }

  // The next entry, without taking it (a heap line only; not empty).
  std::uint32_t top() const { return heap_.front().job; }

  std::uint32_t pop() {
    if (fifo_) {
      std::uint32_t j = ring_[head_];
      head_ = (head_ + 1) & (ring_.size() - 1);
      --count_;
      return j;
    }
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    std::uint32_t j = heap_.back().job;
    heap_.pop_back();
    return j;
  }

 private:
  struct Entry {
    double key;
    std::uint64_t seq;
    std::uint32_t job;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const { return a.key > b.key || (a.key == b.key && a.seq > b.seq); }
  };
  void grow() {
    std::vector<std::uint32_t> r(ring_.empty() ? 16 : ring_.size() * 2);
    for (std::size_t i = 0; i < count_; ++i) r[i] = ring_[(head_ + i) & (ring_.size() - 1)];
    ring_ = std::move(r);
    head_ = 0;
  }
  bool fifo_;
  std::vector<std::uint32_t> ring_;
  std::size_t head_ = 0, count_ = 0;
  std::vector<Entry> heap_;
  // Sequences of entries at the back count up from 2^63, at the front down from just below it.
  std::uint64_t seq_ = std::uint64_t{1} << 63, front_seq_ = (std::uint64_t{1} << 63) - 1;
};

}  // namespace eslabon
