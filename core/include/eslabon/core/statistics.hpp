#pragma once
// Streaming statistics: constant memory whatever the run length.
//
// * Welford: count, mean and variance of observations (Welford's update, numerically stable).
// * TimeWeighted: the time average of a piecewise-constant quantity (queue length, busy
//   servers, orders in the system) over an observation window [begin, end]; changes
//   outside the window are folded in by clipping, so no event is needed at its edges.
// * QuantileSketch: quantiles from a log-linear histogram (HdrHistogram's layout): 256
//   sub-buckets per power of two; a quantile interpolates inside its bucket, so it is
//   within one bucket width (2^-8, about 0.4%, relative) of the sample quantile; exact
//   minimum and maximum are kept and bound the answer, so a constant sample gives its
//   value exactly.

#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

namespace eslabon {

class Welford {
 public:
  void add(double x) {
    ++n_;
    double d = x - mean_;
    mean_ += d / static_cast<double>(n_);
    m2_ += d * (x - mean_);
  }
  std::uint64_t count() const { return n_; }
  double mean() const { return n_ ? mean_ : std::numeric_limits<double>::quiet_NaN(); }
  double variance() const {
    return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : std::numeric_limits<double>::quiet_NaN();
  }
  double sum() const { return mean_ * static_cast<double>(n_); }
  void merge(const Welford& o);

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
};

class TimeWeighted {
 public:
  TimeWeighted() = default;
  TimeWeighted(double begin, double end) : begin_(begin), end_(end) {}
  void window(double begin, double end) {
    begin_ = begin;
    end_ = end;
  }
  // The quantity changes to `value` at time t (t never decreases).
  void set(double t, double value) {
    accumulate(t);
    value_ = value;
  }
  void add(double t, double delta) {
    accumulate(t);
    value_ += delta;
  }
  double value() const { return value_; }
  // Time average over [begin, end]; call after the run reached `end`.
  double mean(double now) const;

 private:
  void accumulate(double t) {
    double a = last_ > begin_ ? last_ : begin_;
    double b = t < end_ ? t : end_;
    if (b > a) area_ += value_ * (b - a);
    last_ = t;
  }
  double begin_ = 0.0;
  double end_ = std::numeric_limits<double>::infinity();
  double last_ = 0.0;
  double value_ = 0.0;
  double area_ = 0.0;
};

class QuantileSketch {
 public:
  QuantileSketch();
  // Inline: one add per delivered order is on the engine's hot path.
  void add(double x) {
    if (x != x) return;  // NaN
    const std::size_t i = index(x);
    if (i < lo_ || i >= lo_ + counts_.size()) widen(i);
    ++counts_[i - lo_];
    ++n_;
    if (x < min_) min_ = x;
    if (x > max_) max_ = x;
  }
  std::uint64_t count() const { return n_; }
  // q in [0, 1]; NaN when empty.
  double quantile(double q) const;
  double min() const { return min_; }
  double max() const { return max_; }

 private:
  static constexpr int kSub = 256;     // sub-buckets per power of two
  static constexpr int kMinExp = -40;  // values below 2^-40 land in bucket 0 (treated as 0)
  static constexpr int kMaxExp = 64;
  static constexpr std::size_t kBuckets = (kMaxExp - kMinExp) * kSub + 1;
  // From the bits of the double: the exponent picks the power of two, the top 8 bits of
  // the mantissa the sub-bucket (kSub = 256). Exact, and no call to frexp or log.
  static std::size_t index(double x) {
    static_assert(kSub == 256);
    if (!(x >= 0x1p-40)) return 0;  // 2^kMinExp; also NaN
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    const int e = static_cast<int>(bits >> 52) - 1023;  // x in [2^e, 2^(e+1))
    if (e >= kMaxExp) return kBuckets - 1;
    const int sub = static_cast<int>((bits >> 44) & 0xFF);
    return static_cast<std::size_t>((e - kMinExp) * kSub + sub + 1);
  }
  double lower_edge(std::size_t i) const;
  double upper_edge(std::size_t i) const;
  void widen(std::size_t i);
  // The counts of buckets [lo_, lo_ + counts_.size()) only, widened a power of two at a time
  // as values arrive: lead times span a few powers of two, so a sketch holds a few KB instead
  // of all 26,625 buckets (a replication has one per flow, a sweep thousands of replications).
  std::vector<std::uint32_t> counts_;
  std::size_t lo_ = 0;
  std::uint64_t n_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace eslabon
