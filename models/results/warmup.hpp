#pragma once
// run.warmup: auto (README "Warm-up and replications without guessing"): the warm-up is chosen
// by MSER-5 (White 1997; Franklin and White 2008; Hoad, Robinson and Davies 2010) on two output
// series averaged over pilot runs, and every replication then uses it.
//
// The pilots are replications of the model with warm-up 0 and the model's horizon, on streams of
// their own (kPilotReplication, kPilotReplication - 1, ...: engine/simulate.hpp), so that they are
// the same whatever the threads and in every scenario of a comparison. There are as many as the
// run has replications (a stopping rule: its max), at least kPilotMin and at most kPilotMax
// (pilot_runs): MSER-5 weighs the bias a truncation removes against the noise of the series it
// sees, and the average of R pilots is as noisy as the mean of R replications the run reports,
// so the truncation suits the run's own precision (with one pilot it cuts too little for a run of
// many replications). Their series:
//   - lead times: every order that arrived in [0, horizon) and was delivered, in delivery order,
//     averaged over the pilots observation by observation (the i-th delivered order's lead time,
//     and its delivery time; as many as the pilot that delivered fewest);
//   - orders in the system: the time average of their number over each of kWipSlices equal
//     slices of [0, horizon), averaged over the pilots slice by slice.
// Each series is cut into batches of kMserBatch (a last partial batch is dropped), with means
// Z_1..Z_k; MSER(d) = sum_{j>d} (Z_j - mean of Z_{d+1..k})^2 / (k - d)^2, and d* is the smallest
// d in [0, floor(k/2)] that minimises it. Cutting d* batches is cutting 5 d* observations, which
// as a time is the (average) delivery time of the (5 d*)-th order (lead times) or 5 d* slices
// (orders in the system). The warm-up is the larger of the two times, at most half the horizon.
// When d* = floor(k/2), MSER is still falling at half the run: the series has not settled in its
// first half, and the run is too short (a warning).

#include <models/engine/simulate.hpp>
#include <models/model/model.hpp>

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace eslabon {

inline constexpr std::size_t kPilotMin = 5, kPilotMax = 100;
inline constexpr std::size_t kMserBatch = 5;
inline constexpr std::size_t kMserMinBatches = 10;  // fewer: the series is not used
inline constexpr std::size_t kWipSlices = 1000;

struct Mser {
  std::size_t observations = 0;  // n
  std::size_t batches = 0;       // k = floor(n / kMserBatch)
  std::size_t truncated = 0;     // d*: the minimum over [0, floor(k/2)]
  bool used() const { return batches >= kMserMinBatches; }
  bool settles() const { return truncated < batches / 2; }
};

// MSER-5 on a series (observations in order).
Mser mser5(std::span<const double> xs);

// The pilots' averaged output series (see above).
struct PilotSeries {
  std::vector<double> lead;       // lead times in delivery order
  std::vector<double> delivered;  // their delivery times
  std::vector<double> wip;        // time-average orders in the system per slice
  double slice = 0;               // a slice's length
};

struct WarmupChoice {
  double warmup = 0;  // the warm-up every replication uses, in the model's time unit
  std::size_t pilots = 0;
  Mser lead, wip;
  double lead_time = 0, wip_time = 0;  // each series' cut as a time (0 for a series not used)
  bool capped = false;                 // the larger was beyond half the horizon: half the horizon is used
  // The run is too short: a series did not settle in its first half, the warm-up was capped, or
  // neither series had kMserMinBatches batches.
  bool too_short() const;
  // One line for the CLI: "warm-up: auto (MSER-5 on a pilot run): ..."
  std::string describe(const std::string& time_unit) const;
  // The warning (on stderr; Python warns), or "" when the choice is sound.
  std::string warning() const;
};

// How many pilots for a run of `replications` (0: the model's; a stopping rule: its max).
std::size_t pilot_runs(const Model& model, int replications = 0);
// The pilots' averaged series. `stop`: as SimOptions::stop (Interrupted); `threads`: for the
// pilots (0: default_threads(), runner.hpp); the series do not depend on it.
PilotSeries pilot_series(const Model& model, std::uint64_t seed, std::size_t pilots, std::atomic<bool>* stop = nullptr,
                         unsigned threads = 0);
WarmupChoice warmup_from(const PilotSeries& series, double horizon);
// Runs the pilots of `model` (whatever its run.warmup says) and chooses.
WarmupChoice choose_warmup(const Model& model, std::uint64_t seed, std::size_t pilots,
                           std::atomic<bool>* stop = nullptr, unsigned threads = 0);
// A copy of `model` with that warm-up, no longer auto.
Model with_warmup(const Model& model, double warmup);

}  // namespace eslabon
