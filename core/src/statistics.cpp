#include <eslabon/core/statistics.hpp>

#include <algorithm>
#include <bit>
#include <cmath>

namespace eslabon {

void Welford::merge(const Welford& o) {
  if (o.n_ == 0) return;
  if (n_ == 0) {
    *this = o;
    return;
  }
  double n = static_cast<double>(n_ + o.n_);
  double d = o.mean_ - mean_;
  mean_ += d * static_cast<double>(o.n_) / n;
  m2_ += o.m2_ + d * d * static_cast<double>(n_) * static_cast<double>(o.n_) / n;
  n_ += o.n_;
}

double TimeWeighted::mean(double now) const {
  double b = now < end_ ? now : end_;
  if (!(b > begin_)) return std::numeric_limits<double>::quiet_NaN();
  double a = last_ > begin_ ? last_ : begin_;
  double area = area_;
  if (b > a) area += value_ * (b - a);
  return area / (b - begin_);
}

QuantileSketch::QuantileSketch() = default;

double QuantileSketch::lower_edge(std::size_t i) const {
  if (i == 0) return 0.0;
  auto k = static_cast<long>(i - 1);
  int e = static_cast<int>(k / kSub) + kMinExp;  // bucket covers [2^e, 2^(e+1))
  int sub = static_cast<int>(k % kSub);
  return std::ldexp(1.0 + static_cast<double>(sub) / kSub, e);
}

double QuantileSketch::upper_edge(std::size_t i) const {
  if (i == 0) return std::ldexp(1.0, kMinExp);
  auto k = static_cast<long>(i - 1);
  int e = static_cast<int>(k / kSub) + kMinExp;
  int sub = static_cast<int>(k % kSub);
  return std::ldexp(1.0 + static_cast<double>(sub + 1) / kSub, e);
}

void QuantileSketch::widen(std::size_t i) {
  const std::size_t old_hi = lo_ + counts_.size();
  const std::size_t lo = counts_.empty() ? i - i % kSub : std::min(lo_, i - i % kSub);
  const std::size_t hi = std::min(kBuckets, std::max(counts_.empty() ? 0 : old_hi, (i / kSub + 1) * kSub));
  std::vector<std::uint32_t> wider(hi - lo, 0);
  if (!counts_.empty())
    std::copy(counts_.begin(), counts_.end(), wider.begin() + static_cast<std::ptrdiff_t>(lo_ - lo));
  counts_ = std::move(wider);
  lo_ = lo;
}

double QuantileSketch::quantile(double q) const {
  if (n_ == 0) return std::numeric_limits<double>::quiet_NaN();
  if (q <= 0) return min_;
  if (q >= 1) return max_;
  // Rank of the order statistic, floor(q * (n - 1)) counted from 0 (README "What is measured");
  // found at bucket resolution. Whole, so that the interpolation below stays inside the bucket
  // that holds it (a fractional rank let it pass the bucket's upper edge by up to half a bucket).
  const double rank = std::floor(q * static_cast<double>(n_ - 1));
  std::uint64_t cum = 0;
  for (std::size_t i = lo_; i < lo_ + counts_.size(); ++i) {
    std::uint64_t c = counts_[i - lo_];
    if (c == 0) continue;
    if (static_cast<double>(cum + c) > rank) {
      // Interpolate inside the bucket, treating its c values as evenly spread.
      double frac = (rank - static_cast<double>(cum) + 0.5) / static_cast<double>(c);
      double lo = lower_edge(i), hi = upper_edge(i);
      double v = lo + (hi - lo) * frac;
      if (v < min_) v = min_;
      if (v > max_) v = max_;
      return v;
    }
    cum += c;
  }
  return max_;
}

}  // namespace eslabon
