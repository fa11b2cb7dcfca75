#include <models/results/warmup.hpp>

#include <eslabon/core/number_format.hpp>
#include <eslabon/core/runner.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>

namespace eslabon {

Mser mser5(std::span<const double> xs) {
  Mser m;
  m.observations = xs.size();
  const std::size_t k = xs.size() / kMserBatch;
  m.batches = k;
  if (k < 2) return m;
  std::vector<double> z(k);
  for (std::size_t j = 0; j < k; ++j) {
    double s = 0;
    for (std::size_t i = 0; i < kMserBatch; ++i) s += xs[j * kMserBatch + i];
    z[j] = s / static_cast<double>(kMserBatch);
  }
  // MSER(d) for every d, from the end (Welford's updates, backwards), so that each is O(1).
  std::vector<double> stat(k);
  double mean = 0, m2 = 0;
  for (std::size_t j = k; j-- > 0;) {
    const double c = static_cast<double>(k - j);
    const double delta = z[j] - mean;
    mean += delta / c;
    m2 += delta * (z[j] - mean);
    stat[j] = m2 / (c * c);
  }
  auto argmin = [&](std::size_t last) {
    std::size_t best = 0;
    for (std::size_t d = 1; d <= last; ++d)
      if (stat[d] < stat[best]) best = d;  // ties: the smallest d
    return best;
  };
  m.truncated = argmin(k / 2);
  return m;
}

namespace {

// One pilot run: its lead times in delivery order, their delivery times, and the time average of
// the orders in the system over each slice of [0, horizon).
PilotSeries one_pilot(const Model& pilot, std::uint64_t seed, std::uint64_t replication, std::atomic<bool>* stop) {
  std::vector<OrderSpan> spans;
  SimOptions opt;
  opt.record_orders = true;
  opt.trace = &spans;
  opt.stop = stop;
  simulate(pilot, seed, replication, opt);

  PilotSeries s;
  const double horizon = pilot.run.horizon;
  // Lead times in delivery order (spans come in the order their story ended: a complaint keeps
  // an order open after its delivery).
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < spans.size(); ++i)
    if (spans[i].delivered) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return spans[a].end < spans[b].end; });
  for (std::size_t i : order) {
    s.lead.push_back(spans[i].end - spans[i].arrival);
    s.delivered.push_back(spans[i].end);
  }
  // Orders in the system: +1 at arrival, -1 at the end, integrated over each slice.
  std::vector<std::pair<double, int>> steps;
  for (const OrderSpan& x : spans) {
    if (x.arrival < horizon) steps.push_back({x.arrival, +1});
    if (x.end < horizon) steps.push_back({x.end, -1});
  }
  std::sort(steps.begin(), steps.end());
  s.slice = horizon / static_cast<double>(kWipSlices);
  s.wip.assign(kWipSlices, 0.0);
  double n = 0, t = 0;
  std::size_t i = 0;                       // the slice t is in (times only grow)
  auto integrate_to = [&](double until) {  // n orders from t to `until`, split over the slices
    while (t < until && i < kWipSlices) {
      const double edge = i + 1 == kWipSlices ? horizon : static_cast<double>(i + 1) * s.slice;
      const double to = std::min(until, edge);
      s.wip[i] += n * (to - t);
      t = to;
      if (t >= edge) ++i;
    }
  };
  for (const auto& [at, change] : steps) {
    integrate_to(at);
    n += change;
  }
  integrate_to(horizon);
  for (double& w : s.wip) w /= s.slice;
  return s;
}

// The pilots' series summed observation by observation, each added in pilot order (so that the
// sums, and the choice, do not depend on which thread finished first); a pilot's series is
// dropped once added, so memory holds one series plus those waiting for an earlier pilot.
class PilotSums {
 public:
  explicit PilotSums(std::size_t pilots) : waiting_(pilots) {}
  void add(std::size_t r, PilotSeries s) {
    std::lock_guard<std::mutex> lock(mu_);
    waiting_[r] = std::make_unique<PilotSeries>(std::move(s));
    while (next_ < waiting_.size() && waiting_[next_]) {
      const PilotSeries& x = *waiting_[next_];
      if (next_ == 0) {
        sum_ = x;
      } else {
        const std::size_t n = std::min(sum_.lead.size(), x.lead.size());  // as many as the fewest
        sum_.lead.resize(n);
        sum_.delivered.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
          sum_.lead[i] += x.lead[i];
          sum_.delivered[i] += x.delivered[i];
        }
        for (std::size_t i = 0; i < kWipSlices; ++i) sum_.wip[i] += x.wip[i];
      }
      waiting_[next_++].reset();
    }
  }
  PilotSeries mean() const {
    PilotSeries s = sum_;
    const double k = static_cast<double>(waiting_.size());
    for (double& x : s.lead) x /= k;
    for (double& x : s.delivered) x /= k;
    for (double& x : s.wip) x /= k;
    // Averages of times that each grow, kept non-decreasing against rounding.
    for (std::size_t i = 1; i < s.delivered.size(); ++i) s.delivered[i] = std::max(s.delivered[i], s.delivered[i - 1]);
    return s;
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<PilotSeries>> waiting_;
  std::size_t next_ = 0;
  PilotSeries sum_;
};

}  // namespace

std::size_t pilot_runs(const Model& model, int replications) {
  const int r = replications > 0 ? replications : model.run.until > 0 ? model.run.until_max : model.run.replications;
  return std::clamp<std::size_t>(static_cast<std::size_t>(r), kPilotMin, kPilotMax);
}

PilotSeries pilot_series(const Model& model, std::uint64_t seed, std::size_t pilots, std::atomic<bool>* stop,
                         unsigned threads) {
  const Model pilot = with_warmup(model, 0);
  RunControl control;
  control.stop = stop;
  PilotSums sums(pilots);
  run_replications<char>(
      pilots, threads,
      [&](std::size_t r) {
        sums.add(r, one_pilot(pilot, seed, kPilotReplication - r, stop));
        return char{1};
      },
      control);
  return sums.mean();
}

WarmupChoice warmup_from(const PilotSeries& s, double horizon) {
  WarmupChoice c;
  c.lead = mser5(s.lead);
  c.wip = mser5(s.wip);
  if (c.lead.used() && c.lead.truncated > 0) c.lead_time = s.delivered[c.lead.truncated * kMserBatch - 1];
  if (c.wip.used()) c.wip_time = static_cast<double>(c.wip.truncated * kMserBatch) * s.slice;
  c.warmup = std::max(c.lead_time, c.wip_time);
  if (c.warmup > horizon / 2) {
    c.warmup = horizon / 2;
    c.capped = true;
  }
  return c;
}

WarmupChoice choose_warmup(const Model& model, std::uint64_t seed, std::size_t pilots, std::atomic<bool>* stop,
                           unsigned threads) {
  WarmupChoice c = warmup_from(pilot_series(model, seed, pilots, stop, threads), model.run.horizon);
  c.pilots = pilots;
  return c;
}

Model with_warmup(const Model& model, double warmup) {
  Model m = model;
  m.run.warmup = warmup;
  m.run.warmup_auto = false;
  return m;
}

bool WarmupChoice::too_short() const {
  return capped || (!lead.used() && !wip.used()) || (lead.used() && !lead.settles()) || (wip.used() && !wip.settles());
}

namespace {
std::string series(const char* name, const Mser& m, double time, const std::string& unit) {
  if (!m.used())
    return std::string(name) + ": too few (" + std::to_string(m.observations) + " " +
           noun(static_cast<double>(m.observations), "observation") + "), not used";
  return std::string(name) + ": " + std::to_string(m.truncated) + " of " + std::to_string(m.batches) + " " +
         noun(static_cast<double>(m.batches), "batch", "batches") + " cut, " + quantity(time, unit);
}
}  // namespace

std::string WarmupChoice::describe(const std::string& time_unit) const {
  return "warm-up: auto (MSER-5 on " + std::to_string(pilots) + " pilot " + noun(static_cast<double>(pilots), "run") +
         "): " + quantity(warmup, time_unit) + " (" + series("lead times", lead, lead_time, time_unit) + "; " +
         series("orders in the system", wip, wip_time, time_unit) + (capped ? "; capped at half the horizon" : "") +
         ")";
}

std::string WarmupChoice::warning() const {
  if (!too_short()) return "";
  std::string why;
  auto add = [&](const std::string& s) { why += (why.empty() ? "" : "; ") + s; };
  if (!lead.used() && !wip.used()) add("the pilot runs gave too little output for MSER-5");
  if (lead.used() && !lead.settles())
    add("lead times are still settling at batch " + std::to_string(lead.truncated) + " of " +
        std::to_string(lead.batches));
  if (wip.used() && !wip.settles())
    add("orders in the system are still settling at batch " + std::to_string(wip.truncated) + " of " +
        std::to_string(wip.batches));
  if (capped) add("the warm-up would pass half the horizon and is capped there");
  return "warning: warmup: auto: MSER-5 picks a truncation beyond half the horizon (" + why +
         "): the run is too short for the start-up bias to be removed; lengthen run.horizon";
}

}  // namespace eslabon
