// The future event list alone, against the number of pending events (bench/README.md,
// "Event list against pending events").
//
//   BM_EventList_Hold<Q, Increment>/n   the classic hold model: n events pending; each
//                                       operation reads the top, hold()s it, pushes one
//                                       follow-up at top.time + increment and release()s,
//                                       exactly as the engine's run loop does
//
// Q is eslabon::EventList (adaptive: heap, ladder above a threshold) or HeapEventList, the
// 4-ary heap the engine used before, kept here as the reference. Increments are Exp(1) or
// Uniform[0, 2) drawn from a 2^16-entry table indexed by xoshiro256+ (a log per event would
// cost as much as the event list itself at small n). Counters: holds/s and its inverse
// (seconds per hold, printed with an "n" prefix for ns). Each benchmark iteration runs a
// batch of kBatch holds in a non-inlined function, so that callgrind can count the
// instructions of the holds alone: --toggle-collect='*hold_batch*', then Ir / (calls of batch_mark
// x kBatch).

#include <eslabon/core/event_list.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace {

using eslabon::Event;
using eslabon::EventKey;

// The engine's event list up to issue 8 step 5, verbatim: a 4-ary implicit heap on the
// 128-bit key with the hold fast path.
class HeapEventList {
 public:
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.front(); }
  Event make(double time, std::uint8_t cls, std::uint32_t kind, std::uint32_t id) {
    return Event{time, (std::uint64_t{cls} << 56) | (seq_++), kind, id};
  }
  ESLABON_INLINE void push(double time, std::uint8_t cls, std::uint32_t kind, std::uint32_t id) {
    time += 0.0;
    if (held_) {
      held_ = false;
      sift_down(0, make(time, cls, kind, id));
      return;
    }
    heap_.push_back(make(time, cls, kind, id));
    sift_up(heap_.size() - 1);
  }
  void hold() { held_ = true; }
  void release() {
    if (held_) {
      held_ = false;
      pop();
    }
  }
  Event pop() {
    Event e = heap_.front();
    Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0, last);
    return e;
  }

 private:
  static constexpr std::size_t D = 4;
  void sift_up(std::size_t i) {
    Event e = heap_[i];
    const EventKey ke = eslabon::key_of(e);
    while (i > 0) {
      std::size_t p = (i - 1) / D;
      if (!(ke < eslabon::key_of(heap_[p]))) break;
      heap_[i] = heap_[p];
      i = p;
    }
    heap_[i] = e;
  }
  void sift_down(std::size_t i, const Event& e) {
    const std::size_t n = heap_.size();
    const EventKey ke = eslabon::key_of(e);
    for (;;) {
      std::size_t c = D * i + 1;
      if (c >= n) break;
      std::size_t best = c;
      EventKey kb = eslabon::key_of(heap_[c]);
      if (c + D <= n) {
        EventKey k1 = eslabon::key_of(heap_[c + 1]), k2 = eslabon::key_of(heap_[c + 2]),
                 k3 = eslabon::key_of(heap_[c + 3]);
        std::size_t b01 = k1 < kb ? c + 1 : c;
        EventKey m01 = k1 < kb ? k1 : kb;
        std::size_t b23 = k3 < k2 ? c + 3 : c + 2;
        EventKey m23 = k3 < k2 ? k3 : k2;
        best = m23 < m01 ? b23 : b01;
        kb = m23 < m01 ? m23 : m01;
      } else {
        for (std::size_t k = c + 1; k < n; ++k) {
          EventKey kk = eslabon::key_of(heap_[k]);
          if (kk < kb) {
            kb = kk;
            best = k;
          }
        }
      }
      if (!(kb < ke)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }
  std::vector<Event> heap_;
  std::uint64_t seq_ = 0;
  bool held_ = false;
};

// xoshiro256+ seeded by splitmix64: cheap, and the same sequence for every structure.
struct Rng {
  std::uint64_t s[4];
  explicit Rng(std::uint64_t seed) {
    for (auto& w : s) {
      std::uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      w = z ^ (z >> 31);
    }
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t r = s[0] + s[3];
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
  }
};

constexpr int kTableBits = 16;
constexpr int kBatch = 256;

struct Exponential {
  static double at(double u) { return -std::log1p(-u); }
};
struct Uniform {
  static double at(double u) { return 2.0 * u; }
};

template <class Increment>
const std::vector<double>& increments() {
  static const std::vector<double> table = [] {
    std::vector<double> t(std::size_t{1} << kTableBits);
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = Increment::at((static_cast<double>(i) + 0.5) / t.size());
    return t;
  }();
  return table;
}

// Called once per batch, only so that callgrind records the number of batches (a call from
// inside the collected function is counted; the call into it is not).
__attribute__((noinline)) void batch_mark() { asm volatile(""); }

template <class Q>
__attribute__((noinline)) void hold_batch(Q& q, Rng& rng, const double* inc) {
  batch_mark();
  for (int i = 0; i < kBatch; ++i) {
    const Event e = q.top();
    q.hold();
    q.push(e.time + inc[rng.next() >> (64 - kTableBits)], 1, e.kind, e.id);
    q.release();
  }
}

template <class Q, class Increment>
void BM_EventList_Hold(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  const double* inc = increments<Increment>().data();
  Rng rng(12345);
  Q q;
  for (std::uint32_t i = 0; i < n; ++i) q.push(inc[rng.next() >> (64 - kTableBits)], 1, i % 4, i);
  // Warm up into the steady state: every initial event rescheduled about twice.
  for (std::uint32_t b = 0; b < 2 * n / kBatch + 4; ++b) hold_batch(q, rng, inc);
  for (auto _ : state) hold_batch(q, rng, inc);
  benchmark::DoNotOptimize(q.top());
  const double holds = static_cast<double>(state.iterations()) * kBatch;
  state.counters["holds/s"] = benchmark::Counter(holds, benchmark::Counter::kIsRate);
  state.counters["ns/hold"] = benchmark::Counter(holds, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["pending"] = static_cast<double>(q.size());
}

void sizes(benchmark::internal::Benchmark* b) {
  for (int n : {2, 10, 12, 100, 240, 1000, 10000, 100000, 1000000}) b->Arg(n);
}

}  // namespace

BENCHMARK(BM_EventList_Hold<eslabon::EventList, Exponential>)->Apply(sizes);
BENCHMARK(BM_EventList_Hold<HeapEventList, Exponential>)->Apply(sizes);
BENCHMARK(BM_EventList_Hold<eslabon::EventList, Uniform>)->Apply(sizes);
BENCHMARK(BM_EventList_Hold<HeapEventList, Uniform>)->Apply(sizes);
