#pragma once
// Counter-based random numbers addressed by purpose.
//
// A replication owns a key, made from (seed, replication). Every draw is addressed by what
// it is for: a 64-bit *address* (the model hashes the purpose and the names it concerns into
// it) and a 64-bit *base* (the model puts an entity number there, such as the order's number
// shifted left by 16, leaving the low bits to count blocks). A stream at (address, base) is
// the sequence of Random123 Philox2x64-10 blocks with counters (address, base), (address,
// base + 1), ...: two 64-bit words per block. So a draw never depends on how many other draws
// happened before it: two scenarios that differ in one parameter see the same customers and
// the same service times, and a run is identical whatever the number of threads.
//
// Why Philox2x64-10: most addressed draws need one or two words (an exponential, a
// Bernoulli), and a 2x64 block costs about half a 4x64 block, which served one word and
// threw three away. Philox-10 is Random123's default round count (Crush-resistant with a
// margin). Known-answer vectors pin it in the tests.
//
// Uniforms are (k + 0.5) / 2^53 for the top 53 bits k of a 64-bit word: never 0, never 1.

#include <Random123/philox.h>

#include <cstdint>

namespace eslabon {

// splitmix64's finaliser: a bijection of 64-bit words that spreads every input bit.
inline constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

inline double to_unit_open(std::uint64_t x) { return (static_cast<double>(x >> 11) + 0.5) * 0x1p-53; }

class RandomStream {
 public:
  using Philox = r123::Philox2x64;  // 10 rounds

  RandomStream(const Philox::key_type& key, std::uint64_t address, std::uint64_t base) : key_(key) {
    ctr_[0] = address;
    ctr_[1] = base;
  }

  // Always inlined: a call per draw cost more than the branch (measured with callgrind).
  inline __attribute__((always_inline)) std::uint64_t next_u64() {
    if (used_ == 2) {
      block_ = Philox()(ctr_, key_);
      ++ctr_[1];
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
  int used_ = 2;
};

class RandomSource {
 public:
  // The key: both words mixed, so that nearby seeds and replications give unrelated keys.
  RandomSource(std::uint64_t seed, std::uint64_t replication) { key_[0] = mix64(mix64(seed) ^ replication); }
  RandomStream stream(std::uint64_t address, std::uint64_t base = 0) const { return RandomStream(key_, address, base); }

 private:
  RandomStream::Philox::key_type key_;
};

}  // namespace eslabon
