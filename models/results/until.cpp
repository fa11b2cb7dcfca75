#include <models/results/until.hpp>

#include <eslabon/core/confidence.hpp>
#include <eslabon/core/number_format.hpp>

#include <cmath>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace eslabon {

StoppingOutcome stopping_rule(const RunSettings& run) {
  StoppingOutcome r;
  for (int k = 0; k < kKpiCount; ++k)
    if (run.until_kpi == kpi_names()[k]) r.kpi = static_cast<Kpi>(k);
  r.until = run.until;
  r.min = run.until_min;
  r.max = run.until_max;
  return r;
}

double relative_half_width(std::span<const double> xs) {
  const Interval iv = confidence_interval(xs);
  if (iv.n < 2) return std::numeric_limits<double>::quiet_NaN();
  const double hw = iv.half_width();
  if (hw == 0) return 0;
  return hw / std::abs(iv.mean);
}

namespace {

// The rule over the values of replications 0, 1, ... as they come in index order. Welford's
// running mean and variance screen each n cheaply; an n they pass is confirmed by the same
// interval the summary reports (confidence_interval), which decides.
class Rule {
 public:
  explicit Rule(const StoppingOutcome& r) : r_(r) {}
  // Adds the next replication's value; true when n* is the count so far.
  bool add(double x) {
    xs_.push_back(x);
    if (std::isfinite(x)) {
      ++c_;
      const double d = x - mean_;
      mean_ += d / static_cast<double>(c_);
      m2_ += d * (x - mean_);
    }
    if (static_cast<int>(xs_.size()) < r_.min || c_ < 2) return false;
    const double hw = student_t_quantile(0.95, static_cast<double>(c_ - 1)) *
                      std::sqrt(m2_ / static_cast<double>(c_ - 1) / static_cast<double>(c_));
    if (!(hw <= r_.until * std::abs(mean_) * (1 + 1e-9) || hw == 0)) return false;
    const double rel = relative_half_width(xs_);
    return rel <= r_.until;
  }
  std::size_t count() const { return xs_.size(); }
  const std::vector<double>& values() const { return xs_; }

 private:
  const StoppingOutcome& r_;
  std::vector<double> xs_;
  std::size_t c_ = 0;
  double mean_ = 0, m2_ = 0;
};

}  // namespace

std::vector<ReplicationResult> run_until(StoppingOutcome& rule, unsigned threads, const RunControl& control,
                                         const std::function<ReplicationResult(std::size_t)>& replicate) {
  const std::size_t max = static_cast<std::size_t>(rule.max);
  std::vector<std::unique_ptr<ReplicationResult>> slots(max);
  Rule test(rule);
  std::mutex mu;
  std::size_t next = 0, limit = max, done = 0;  // under mu: indices handed out below `limit`
  bool decided = false;
  std::exception_ptr error;
  auto work = [&] {
    for (;;) {
      if (control.stop && control.stop->load(std::memory_order_relaxed)) return;
      std::size_t i;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (error || next >= limit) return;
        i = next++;
      }
      std::unique_ptr<ReplicationResult> r;
      try {
        r = std::make_unique<ReplicationResult>(replicate(i));
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
        return;
      }
      std::lock_guard<std::mutex> lock(mu);
      if (i >= limit) continue;  // beyond n*: dropped
      slots[i] = std::move(r);
      ++done;
      // Extend the prefix of replications done, in index order, testing the rule at each n.
      while (!decided && test.count() < limit && slots[test.count()]) {
        const std::size_t n = test.count();
        if (test.add(slots[n]->kpi[static_cast<int>(rule.kpi)])) {
          decided = true;
          limit = n + 1;
        }
      }
      if (!decided && test.count() == max) decided = true;
      if (control.on_done) control.on_done(std::min(done, limit), limit);
    }
  };
  threads = threads_for(threads, max);
  on_threads(threads, work);
  if (error) std::rethrow_exception(error);
  if (control.stop && control.stop->load()) throw Interrupted();
  const std::size_t n = test.count();
  std::vector<ReplicationResult> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(std::move(*slots[i]));
  rule.used = n;
  rule.achieved = relative_half_width(test.values());
  rule.met = rule.achieved <= rule.until;
  return out;
}

namespace {
std::string pct(double x) { return format_percent(x); }
}  // namespace

std::string StoppingOutcome::describe() const {
  return "replications: " + std::to_string(used) + " (until the 95% CI half-width of " + kpi_names()[int(kpi)] +
         " is within " + pct(until) + " of its mean; achieved " + pct(achieved) + "; min " + std::to_string(min) +
         ", max " + std::to_string(max) + ")";
}

std::string StoppingOutcome::warning() const {
  if (met) return "";
  return "warning: replications: max (" + std::to_string(max) + ") reached before the 95% CI half-width of " +
         kpi_names()[int(kpi)] + " came within " + pct(until) + " of its mean (achieved " + pct(achieved) +
         "): raise run.replications.max, or accept a wider interval";
}

}  // namespace eslabon
