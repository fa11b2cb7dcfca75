#pragma once
// Demand that changes over time: a flow's Poisson rate as a piecewise-constant function of
// time (flows.F.arrivals.poisson: {rates: [...], every: D} or {schedule: [[FROM, RATE], ...]}).
//
// Periodic (`rates`): rate r_i during [i every, (i + 1) every) of each period of length
// len(rates) every, repeating from time 0. Schedule: rate r_i from `from_i` until the next
// `from`, the last rate holding for ever. The engine draws arrivals by thinning (Lewis and
// Shedler 1979): candidates at the constant rate `max`, each kept with probability
// rate(t) / max (engine/replication.cpp).

#include <eslabon/core/number_format.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace eslabon {

struct RateProfile {
  std::vector<double> from;   // start of each piece, increasing, from[0] = 0 (within the period when periodic)
  std::vector<double> rate;   // arrivals per time unit in each piece
  std::vector<double> share;  // rate / max: the chance a candidate in the piece is kept
  double every = 0;           // periodic: the length of each piece; 0 for a schedule
  double period = 0;          // periodic: rate.size() * every; 0 for a schedule
  double max = 0;             // the candidates' rate (the largest rate, > 0)
  double mean = 0;            // long-run average rate: the period's mean, or a schedule's last rate
  // A schedule whose last pieces have rate 0: no arrival from this time on.
  double silent_from = std::numeric_limits<double>::infinity();

  bool on() const { return !rate.empty(); }

  // The piece that holds time t >= 0.
  std::size_t piece(double t) const {
    if (period > 0) {
      const double phase = t - period * std::floor(t / period);
      return std::min(rate.size() - 1, static_cast<std::size_t>(std::max(0.0, phase / every)));
    }
    return static_cast<std::size_t>(std::upper_bound(from.begin(), from.end(), t) - from.begin()) - 1;
  }
  double at(double t) const { return rate[piece(t)]; }

  // For `eslabon check`: "poisson rates [2, 8, 0, 4] every 1 (period 4; long-run rate 3.5, largest 8)"
  // or "poisson schedule [[0, 2], [10, 0]] (long-run rate 0, the last; largest 2)".
  std::string describe() const {
    const auto g = format_number;
    std::string s;
    for (std::size_t i = 0; i < rate.size(); ++i)
      s += (i ? ", " : "") + (period > 0 ? g(rate[i]) : "[" + g(from[i]) + ", " + g(rate[i]) + "]");
    if (period > 0)
      return "poisson rates [" + s + "] every " + g(every) + " (period " + g(period) + "; long-run rate " + g(mean) +
             ", largest " + g(max) + ")";
    return "poisson schedule [" + s + "] (long-run rate " + g(mean) + ", the last; largest " + g(max) + ")";
  }

  // Fills share, max, mean and silent_from from `rate` (and `every` when periodic).
  void finish() {
    max = *std::max_element(rate.begin(), rate.end());
    share.clear();
    for (double r : rate) share.push_back(r / max);
    if (every > 0) {
      period = static_cast<double>(rate.size()) * every;
      double sum = 0;
      for (double r : rate) sum += r;
      mean = sum / static_cast<double>(rate.size());
      return;
    }
    mean = rate.back();
    std::size_t k = rate.size();
    while (k > 0 && rate[k - 1] == 0) --k;
    if (k < rate.size()) silent_from = from[k];
  }
};

}  // namespace eslabon
