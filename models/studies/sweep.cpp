#include <models/studies/sweep.hpp>

#include <eslabon/core/runner.hpp>
#include <models/config/loader.hpp>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <stdexcept>

namespace eslabon {

SweepRecorders::SweepRecorders(std::initializer_list<SweepRecorder*> all) {
  for (SweepRecorder* r : all)
    if (r) all_.push_back(r);
}

void SweepRecorders::replay(const PairDone& give) {
  for (SweepRecorder* r : all_) r->replay(give);
}

void SweepRecorders::pair_done(std::size_t pair, const ReplicationResult& result) {
  for (SweepRecorder* r : all_) r->pair_done(pair, result);
}

void SweepRecorders::point_complete(std::size_t point, const RunResult& result) {
  for (SweepRecorder* r : all_) r->point_complete(point, result);
}

void SweepRecorders::finished(const std::vector<bool>& complete) {
  for (SweepRecorder* r : all_) r->finished(complete);
}

PointKpis::PointKpis(std::size_t points, std::vector<Kpi> kpis)
    : kpis_(std::move(kpis)), intervals_(points * kpis_.size(), Interval{0, 0, 0, 0, 0}) {}

void PointKpis::point_complete(std::size_t point, const RunResult& result) {
  for (std::size_t k = 0; k < kpis_.size(); ++k) intervals_[point * kpis_.size() + k] = result.kpi(kpis_[k]);
}

SweepResults::SweepResults(const Sweep& sweep) {
  for (std::size_t p = 0; p < sweep.points.size(); ++p)
    results.push_back(describe_run(point_model(sweep, p), sweep.seed));
}

void SweepResults::point_complete(std::size_t point, const RunResult& result) { results[point] = result; }

std::optional<WarmupChoice> decide_sweep_warmup(Sweep& sweep, std::atomic<bool>* stop) {
  const Model base = load_model_text(sweep.model_text, sweep.model_path);
  bool needed = base.run.warmup_auto;
  for (const SweepPoint& p : sweep.points)
    for (const Override& c : p.changes) needed = needed || (c.path == "run.warmup" && c.value == "auto");
  if (!needed) return std::nullopt;
  WarmupChoice choice = choose_warmup(base, sweep.seed, pilot_runs(base, sweep.replications), stop);
  sweep.auto_warmup = choice.warmup;
  return choice;
}

ReplicationResult simulate_pair(const Sweep& sweep, std::size_t pair, const SimOptions& options) {
  const std::size_t reps = static_cast<std::size_t>(sweep.replications);
  const Model& m = point_model(sweep, pair / reps);
  if (m.run.warmup_auto) throw std::logic_error("a sweep with warmup: auto runs after decide_sweep_warmup");
  return simulate(m, sweep.seed, pair % reps, options);
}

namespace {

// The pairs of points not yet complete; a point's replications leave as soon as it completes.
class Pending {
 public:
  Pending(const Sweep& sweep, SweepRecorder& recorder)
      : sweep_(sweep),
        recorder_(recorder),
        reps_(static_cast<std::size_t>(sweep.replications)),
        have_(sweep.points.size() * reps_, false),
        waiting_(sweep.points.size()),
        complete_(sweep.points.size(), false) {}

  bool has(std::size_t pair) const { return have_[pair]; }
  std::size_t pairs() const { return have_.size(); }
  const std::vector<bool>& complete() const { return complete_; }

  // False for a pair out of range or already there (a journal may hold either).
  bool add(std::size_t pair, ReplicationResult result) {
    if (pair >= have_.size() || have_[pair]) return false;
    have_[pair] = true;
    const std::size_t point = pair / reps_;
    auto& w = waiting_[point];
    w.push_back(std::move(result));
    if (w.size() == reps_) {
      RunResult r = describe_run(point_model(sweep_, point), sweep_.seed);
      r.replications = std::move(w);
      std::sort(r.replications.begin(), r.replications.end(),
                [](const ReplicationResult& a, const ReplicationResult& b) { return a.replication < b.replication; });
      std::vector<ReplicationResult>().swap(w);
      complete_[point] = true;
      recorder_.point_complete(point, r);
    }
    return true;
  }

 private:
  const Sweep& sweep_;
  SweepRecorder& recorder_;
  std::size_t reps_;
  std::vector<bool> have_;
  std::vector<std::vector<ReplicationResult>> waiting_;  // by point
  std::vector<bool> complete_;
};

}  // namespace

SweepRun run_sweep(const Sweep& sweep, const RunOptions& options, SweepRecorder& recorder,
                   const PairExecutor& executor) {
  Pending pending(sweep, recorder);
  SweepRun out;
  try {
    recorder.replay([&](std::size_t pair, const ReplicationResult& r) {
      if (pending.add(pair, r)) ++out.resumed;
    });
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < pending.pairs(); ++i)
      if (!pending.has(i)) todo.push_back(i);

    const PairDone done = [&](std::size_t i, const ReplicationResult& r) {  // one caller at a time
      recorder.pair_done(i, r);
      pending.add(i, r);
    };
    if (executor) {
      executor(sweep, todo, done);
    } else {
      SimOptions sim;
      sim.stop = options.control.stop;
      if (options.progress) options.progress->reset(todo.size());
      std::mutex mu;
      // Each worker hands its pair over at once; the runner keeps only a byte per pair, so
      // finished replications do not pile up in memory.
      run_replications<char>(
          todo.size(), options.threads,
          [&](std::size_t t) {
            SimOptions mine = sim;
            if (options.progress) mine.progress = options.progress->slot(t);
            ReplicationResult r = simulate_pair(sweep, todo[t], mine);
            std::lock_guard<std::mutex> lock(mu);
            done(todo[t], r);
            return char{1};
          },
          options.control);
    }
  } catch (...) {
    out.complete = pending.complete();
    try {
      recorder.finished(out.complete);
    } catch (...) {
      // The first error is the one to report.
    }
    throw;
  }
  out.complete = pending.complete();
  recorder.finished(out.complete);
  return out;
}

}  // namespace eslabon
