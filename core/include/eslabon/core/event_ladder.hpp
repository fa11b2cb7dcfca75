#pragma once
// The far part of the future event list for large pending sets: a ladder queue (Tang, Goh
// and Thng, "Ladder queue: an O(1) priority queue structure for large-scale discrete event
// simulation", ACM TOMACS 15(3), 2005) whose bottom is EventList's heap.
//
// Why: a heap's cost per event is O(log n) compares but, once the pending set outgrows the
// caches, also O(log n) cache misses (one per level of a sift-down). The ladder sorts events
// only by time ranges ("buckets") until they are due: an event is appended to one bucket
// when pushed, moved to a finer rung at most a few times, and heap-ordered only inside the
// small bucket that is due next. Per event that is O(1) work and about one cache miss.
//
// Layout (every event of a later part is later in time than every event of an earlier one):
//
//   EventList's heap  events with time < limit (the limit refill() returns)
//   rungs_[d-1]       finest rung: the bucket being consumed was moved into the heap
//   ...               rung r+1 covers exactly bucket cur of rung r, split into finer buckets
//   rungs_[0]         covers [base, end) of the epoch (bucket 0 also anything earlier)
//   top_              time >= rungs_[0].end, unsorted; the next epoch is built from it
//
// Exactness: a bucket is the half-open interval [bound(i), bound(i+1)) of doubles, and
// bound() is monotone in i, so buckets partition the time axis in order and an event's
// bucket is decided by exact comparisons with the bounds (the multiplication only guesses
// the index). Within the heap the full (time, class, sequence) key decides. Hence the pop
// order is exactly the total order of event_list.hpp, whatever the thresholds.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#if defined(__GNUC__)
#define ESLABON_LADDER_NOINLINE __attribute__((noinline))
#else
#define ESLABON_LADDER_NOINLINE
#endif

namespace eslabon {

// E is eslabon::Event (event_list.hpp): {double time; ...}, copied as a whole.
template <class E>
class EventLadder {
 public:
  // Chosen with bench/bench_event_list.cpp and callgrind's cache simulation at 10^4..10^6
  // pending events (bench/README.md, "Event list against pending events").
  static constexpr std::size_t kPerBucket = 16;     // target events per due bucket
  static constexpr std::size_t kSpawnAt = 128;      // a due bucket larger than this gets a finer rung
  static constexpr std::size_t kMaxDepth = 8;       // rungs; a due bucket at the last one goes to the heap
  static constexpr std::size_t kMaxBuckets = 4096;  // rung 0 sized for at most this many buckets ...
  static constexpr std::size_t kEpochBuckets = 2;   // ... and it spans at most this many times that
  static constexpr std::size_t kSample = 256;       // times sampled to size rung 0's buckets

  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }

  void clear() {
    if (count_ != 0) {
      for (std::size_t r = 0; r < depth_; ++r)
        for (std::size_t i = 0; i < rungs_[r].nb; ++i) rungs_[r].buckets[i].clear();
      top_.clear();
    }
    depth_ = 0;
    count_ = 0;
    rebuild_at_ = kNever;
    top_min_ = kInf;
    top_max_ = -kInf;
  }

  // Adds an event no earlier than the limit of the last refill() (or anything, when the
  // ladder is empty and no refill() has happened since).
  void insert(const E& e) {
    if (++count_ > rebuild_at_) [[unlikely]]
      rebuild();
    const double t = e.time;
    if (depth_ != 0 && t < rungs_[0].end) {
      for (std::size_t r = 0;; ++r) {
        Rung& g = rungs_[r];
        const std::size_t i = g.index(t);
        // i >= cur by the precondition; == cur means inside the finer rung r + 1.
        if (i != g.cur || r + 1 == depth_) {
          g.buckets[i].push_back(e);
          ++g.count;
          return;
        }
      }
    }
    top_.push_back(e);
    top_min_ = std::min(top_min_, t);
    top_max_ = std::max(top_max_, t);
  }

  // Moves the earliest events into `heap` (which must be empty) in no particular order and
  // returns the new limit: every event left in the ladder has time >= limit, and every
  // event moved has time < limit. +inf means the ladder is now empty (heap-only mode).
  double refill(std::vector<E>& heap, std::size_t shrink_at) {
    for (;;) {
      if (depth_ == 0) {
        const double limit = new_epoch(heap, shrink_at);
        if (!heap.empty()) return limit;
        continue;
      }
      Rung& g = rungs_[depth_ - 1];
      if (g.count == 0) {
        --depth_;
        continue;
      }
      std::size_t k = g.cur + 1;  // cur starts at SIZE_MAX: the scan starts at 0
      while (g.buckets[k].empty()) ++k;
      g.cur = k;
      std::vector<E>& b = g.buckets[k];
      g.count -= b.size();
      if (b.size() > kSpawnAt && depth_ < kMaxDepth && spawn(g.bound(k), g.bound(k + 1), b)) continue;
      heap.insert(heap.end(), b.begin(), b.end());
      count_ -= b.size();
      b.clear();
      return g.bound(k + 1);
    }
  }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  static constexpr std::size_t kNever = std::numeric_limits<std::size_t>::max();

  struct Rung {
    double base = 0, width = 1, inv = 1, end = 0;
    std::size_t nb = 0;     // buckets in use
    std::size_t cur = 0;    // bucket being consumed (moved to the heap or to rung + 1)
    std::size_t count = 0;  // events in this rung's buckets
    std::vector<std::vector<E>> buckets;

    double bound(std::size_t i) const { return i >= nb ? end : std::min(base + static_cast<double>(i) * width, end); }
    std::size_t index(double t) const {
      const double d = (t - base) * inv;
      std::size_t i = d > 0 ? (d < static_cast<double>(nb) ? static_cast<std::size_t>(d) : nb - 1) : 0;
      while (i > 0 && t < bound(i)) --i;
      while (i + 1 < nb && t >= bound(i + 1)) ++i;
      return i;
    }
    // Splits [lo, hi) into n buckets; false if the doubles are too close for that.
    bool open(double lo, double hi, std::size_t n) {
      nb = std::max<std::size_t>(2, n);
      width = (hi - lo) / static_cast<double>(nb);
      inv = 1.0 / width;
      if (!(width >= std::numeric_limits<double>::min()) || !(inv < kInf)) return false;
      base = lo;
      end = hi;
      cur = static_cast<std::size_t>(-1);
      count = 0;
      if (buckets.size() < nb) buckets.resize(nb);
      return true;
    }
  };

  // A due bucket with too many events: a finer rung over its interval [lo, hi).
  bool spawn(double lo, double hi, std::vector<E>& b) {
    Rung& c = rungs_[depth_];
    double tmin = kInf, tmax = -kInf;
    for (const E& e : b) {
      tmin = std::min(tmin, e.time);
      tmax = std::max(tmax, e.time);
    }
    if (tmin == tmax || !c.open(lo, hi, (b.size() + kPerBucket - 1) / kPerBucket)) return false;
    for (const E& e : b) c.buckets[c.index(e.time)].push_back(e);
    c.count = b.size();
    b.clear();
    ++depth_;
    return true;
  }

  // No rung left: the next epoch from top_. Small or degenerate sets go straight to the heap.
  double new_epoch(std::vector<E>& heap, std::size_t shrink_at) {
    double hi = top_max_;
    std::size_t finite = top_.size();
    if (!(hi < kInf)) {  // +inf times stay in top_ until only they are left
      hi = -kInf;
      finite = 0;
      for (const E& e : top_)
        if (e.time < kInf) {
          hi = std::max(hi, e.time);
          ++finite;
        }
    }
    const double lo = top_min_;
    const double end = std::nextafter(hi, kInf);
    if (finite == top_.size() && (top_.size() <= shrink_at || lo == hi)) {
      heap.insert(heap.end(), top_.begin(), top_.end());
      const bool all = top_.size() <= shrink_at;
      drop_top();
      return all ? kInf : end;
    }
    if (finite == 0) {  // only +inf left: heap-only from here
      heap.insert(heap.end(), top_.begin(), top_.end());
      drop_top();
      return kInf;
    }
    if (lo == hi || !build_epoch(lo, end, finite)) {  // too close to split: the heap sorts them
      const std::size_t n = heap.size();
      keep_top([&](const E& e) {
        if (e.time < kInf) heap.push_back(e);
        return !(e.time < kInf);
      });
      count_ -= heap.size() - n;
      return end;
    }
    return end;  // unused: refill() continues with rung 0
  }

  // The pending set has grown well beyond the one rung 0 was sized for (at the start of a
  // run, or when it ramps up): its buckets would be too full. Everything goes back to top_
  // and a new epoch is built now. Amortized O(1): the count has quadrupled since the last.
  ESLABON_LADDER_NOINLINE void rebuild() {
    rebuild_at_ = kNever;
    for (std::size_t r = 0; r < depth_; ++r) {
      Rung& g = rungs_[r];
      for (std::size_t i = 0; i < g.nb; ++i) {
        for (const E& e : g.buckets[i]) {
          top_.push_back(e);
          top_min_ = std::min(top_min_, e.time);
          top_max_ = std::max(top_max_, e.time);
        }
        g.buckets[i].clear();
      }
      g.count = 0;
    }
    depth_ = 0;
    double hi = -kInf;
    std::size_t finite = 0;
    for (const E& e : top_)
      if (e.time < kInf) {
        hi = std::max(hi, e.time);
        ++finite;
      }
    if (finite > 0 && top_min_ != hi) build_epoch(top_min_, std::nextafter(hi, kInf), finite);
  }

  // Rung 0 over [lo, hi) from the finite events of top_ (those from its end on stay there).
  bool build_epoch(double lo, double hi, std::size_t n) {
    if (!open_epoch(lo, hi, n)) return false;
    Rung& g = rungs_[0];
    const std::size_t total = top_.size();
    const std::size_t kept = keep_top([&](const E& e) {
      if (!(e.time < g.end)) return true;
      g.buckets[g.index(e.time)].push_back(e);
      return false;
    });
    g.count = total - kept;
    depth_ = 1;
    rebuild_at_ = 4 * count_;
    return true;
  }

  // Keeps the events of top_ for which keep(e) is true (in order), updating its min and max.
  template <class F>
  std::size_t keep_top(F keep) {
    std::size_t kept = 0;
    top_min_ = kInf;
    top_max_ = -kInf;
    for (const E& e : top_)
      if (keep(e)) {
        top_[kept++] = e;
        top_min_ = std::min(top_min_, e.time);
        top_max_ = std::max(top_max_, e.time);
      }
    top_.resize(kept);
    return kept;
  }

  // Rung 0 of a new epoch over [lo, hi) for n events. The bucket width comes from the
  // density of the earliest events (a sorted sample of top_), not from the span: in a
  // typical pending set most events are near the front (with exponential delays the
  // density decays like exp(-x) while the span grows like log n), so span / n buckets
  // would be log n times too wide where the events are due. The rung stops after
  // kEpochBuckets x n / kPerBucket buckets; later events stay in top_ for the next epoch.
  bool open_epoch(double lo, double hi, std::size_t n) {
    std::array<double, kSample> s;
    std::size_t m = 0;
    const std::size_t stride = std::max<std::size_t>(1, top_.size() / kSample);
    for (std::size_t i = 0; i < top_.size() && m < kSample; i += stride)
      if (top_[i].time < kInf) s[m++] = top_[i].time;
    std::sort(s.begin(), s.begin() + m);
    const double q = m >= 8 ? s[m / 4] : hi;  // about n / 4 events are earlier
    const double frac = m >= 8 ? static_cast<double>(m / 4) / static_cast<double>(m) : 1.0;
    // Events per bucket where they are densest: kPerBucket, or more when that would need
    // more than kMaxBuckets for n events (those buckets are split again by spawn() when due).
    const std::size_t per = std::max(kPerBucket, (n + kMaxBuckets - 1) / kMaxBuckets);
    double width = (q - lo) / (frac * static_cast<double>(n)) * static_cast<double>(per);
    const std::size_t max_nb = std::max<std::size_t>(2, kEpochBuckets * n / per);
    std::size_t nb = max_nb;
    if (width > 0 && width < kInf) {
      const double need = std::ceil((hi - lo) / width);
      if (need < static_cast<double>(max_nb)) {
        nb = std::max<std::size_t>(2, static_cast<std::size_t>(need));
      } else {
        const double h = lo + width * static_cast<double>(nb);
        if (h > lo && h < hi) hi = h;
      }
    } else {
      nb = (n + per - 1) / per;
    }
    return rungs_[0].open(lo, hi, nb);
  }

  void drop_top() {
    rebuild_at_ = kNever;
    count_ -= top_.size();
    top_.clear();
    top_min_ = kInf;
    top_max_ = -kInf;
  }

  std::array<Rung, kMaxDepth> rungs_;
  std::size_t depth_ = 0;
  std::size_t count_ = 0;
  std::size_t rebuild_at_ = kNever;  // count_ that triggers rebuild()
  std::vector<E> top_;
  double top_min_ = kInf, top_max_ = -kInf;
};

}  // namespace eslabon
