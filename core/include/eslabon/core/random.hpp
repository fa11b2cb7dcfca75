#pragma once
// Counter-based random numbers addressed by purpose.
//
// A replication owns a key (seed, replication). Every draw is addressed by what it is for:
// a 64-bit purpose word (a purpose tag in the top 16 bits, a small index such as the flow
// or link in the low 48) and two 64-bit entity words (which order, which task and attempt).
// The address selects a stream of Philox4x64-10 blocks (the fourth counter word counts
// blocks), so a draw never depends on how many other draws happened before it. Two
// scenarios that differ in one parameter therefore see the same customers and the same
// service times, and a run is identical whatever the number of threads.
//
// Uniforms are (k + 0.5) / 2^53 for the top 53 bits k of a 64-bit word: never 0, never 1.

#include <Random123/philox.h>

#include <cstdint>

namespace eslabon {

struct RandomAddress {
  std::uint64_t purpose;  // tag << 48 | index
  std::uint64_t a;
  std::uint64_t b;
};

inline constexpr std::uint64_t make_purpose(std::uint16_t tag, std::uint64_t index) {
  return (std::uint64_t{tag} << 48) | (index & ((std::uint64_t{1} << 48) - 1));
}

inline double to_unit_open(std::uint64_t x) {
  return (static_cast<double>(x >> 11) + 0.5) * 0x1p-53;
}

class RandomStream {
 public:
  using Philox = r123::Philox4x64;

  RandomStream(const Philox::key_type& key, const RandomAddress& where) : key_(key) {
    ctr_[0] = where.purpose;
    ctr_[1] = where.a;
    ctr_[2] = where.b;
    ctr_[3] = 0;
  }

  std::uint64_t next_u64() {
    if (used_ == 4) {
      block_ = Philox()(ctr_, key_);
      ++ctr_[3];
      used_ = 0;
    }
    return block_[used_++];
  }

  // Uniform on the open interval (0, 1).
  double uniform() { return to_unit_open(next_u64()); }

 private:
  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type block_{};
  int used_ = 4;
};

class RandomSource {
 public:
  RandomSource(std::uint64_t seed, std::uint64_t replication) {
    key_[0] = seed;
    key_[1] = replication;
  }
  RandomStream stream(const RandomAddress& where) const { return RandomStream(key_, where); }
  RandomStream stream(std::uint64_t purpose, std::uint64_t a, std::uint64_t b = 0) const {
    return RandomStream(key_, RandomAddress{purpose, a, b});
  }

 private:
  RandomStream::Philox::key_type key_;
};

}  // namespace eslabon
