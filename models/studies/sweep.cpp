#include <models/studies/sweep.hpp>

#include <eslabon/core/runner.hpp>
#include <models/config/loader.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
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

RunResult point_result(const Sweep& sweep, std::size_t point, std::vector<ReplicationResult> replications) {
  RunResult r = describe_run(point_model(sweep, point), sweep.seed);
  r.replications = std::move(replications);
  std::sort(r.replications.begin(), r.replications.end(),
            [](const ReplicationResult& a, const ReplicationResult& b) { return a.replication < b.replication; });
  return r;
}

Shard make_shard(const Sweep& sweep, long long index, long long count, const std::string& label) {
  const std::size_t pairs = sweep.points.size() * static_cast<std::size_t>(sweep.replications);
  const std::string given = std::to_string(index) + "/" + std::to_string(count);
  if (count < 1 || index < 0 || index >= count)
    throw ConfigError(label + ": expected shard I of N as I/N with 0 <= I < N (shards count from 0), got " + given);
  if (static_cast<unsigned long long>(count) > pairs)
    throw ConfigError(label + ": the sweep has " + std::to_string(pairs) + " pairs; expected at most " +
                      std::to_string(pairs) + " shards, got " + std::to_string(count));
  Shard s;
  s.index = static_cast<unsigned>(index);
  s.count = static_cast<unsigned>(count);
  // floor(pairs * i / count) without overflow: sizes differ by at most one.
  auto cut = [&](unsigned long long i) {
    return static_cast<std::size_t>(static_cast<unsigned __int128>(pairs) * i / static_cast<unsigned long long>(count));
  };
  s.first = cut(s.index);
  s.end = cut(s.index + 1ULL);
  return s;
}

namespace {

// A whole number, or nothing (empty, a sign, other characters, out of range).
std::optional<long long> whole_number(const char* text) {
  if (!text || !*text) return std::nullopt;
  long long v = 0;
  for (const char* c = text; *c; ++c) {
    if (*c < '0' || *c > '9' || v > 1'000'000'000'000LL) return std::nullopt;
    v = v * 10 + (*c - '0');
  }
  return v;
}

}  // namespace

Shard parse_shard(const Sweep& sweep, const std::string& spec, const std::string& label) {
  if (spec != "auto") {
    const std::size_t slash = spec.find('/');
    const auto i = slash == std::string::npos ? std::nullopt : whole_number(spec.substr(0, slash).c_str());
    const auto n = slash == std::string::npos ? std::nullopt : whole_number(spec.substr(slash + 1).c_str());
    if (!i || !n)
      throw ConfigError(label +
                        ": expected I/N (shard I of N, counting from 0, e.g. 0/8) or auto (the SLURM job "
                        "array's task), got '" +
                        spec + "'");
    return make_shard(sweep, *i, *n, label);
  }
  auto env = [](const char* name) { return whole_number(std::getenv(name)); };
  const auto id = env("SLURM_ARRAY_TASK_ID");
  if (!id)
    throw ConfigError(label +
                      ": expected a task of a SLURM job array (sbatch --array), found no SLURM_ARRAY_TASK_ID; "
                      "outside a job array give --shard I/N");
  const auto count = env("SLURM_ARRAY_TASK_COUNT"), min = env("SLURM_ARRAY_TASK_MIN"),
             max = env("SLURM_ARRAY_TASK_MAX");
  const long long step = env("SLURM_ARRAY_TASK_STEP").value_or(1);
  // Shard I of N is the array's I-th task: that needs an evenly spaced range (--array=0-7, 1-16:3, 0-99%10).
  if (!count || !min || !max || step < 1 || *max < *min || (*max - *min) % step != 0 ||
      (*max - *min) / step + 1 != *count || *id < *min || (*id - *min) % step != 0)
    throw ConfigError(label + ": expected a job array of evenly spaced task ids (such as --array=0-7 or 1-15:2), got " +
                      "SLURM_ARRAY_TASK_ID=" + std::to_string(*id) +
                      " with MIN, MAX, STEP, COUNT = " + (min ? std::to_string(*min) : "?") + ", " +
                      (max ? std::to_string(*max) : "?") + ", " + std::to_string(step) + ", " +
                      (count ? std::to_string(*count) : "?") + "; give --shard I/N instead");
  return make_shard(sweep, (*id - *min) / step, *count, label + " (SLURM array task " + std::to_string(*id) + ")");
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
      RunResult r = point_result(sweep_, point, std::move(w));
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

SweepRun run_sweep(const Sweep& sweep, const RunOptions& options, SweepRecorder& recorder, const PairExecutor& executor,
                   const Shard* shard) {
  Pending pending(sweep, recorder);
  SweepRun out;
  auto mine = [&](std::size_t pair) { return !shard || shard->holds(pair); };
  try {
    recorder.replay([&](std::size_t pair, const ReplicationResult& r) {
      if (mine(pair) && pending.add(pair, r)) ++out.resumed;
    });
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < pending.pairs(); ++i)
      if (mine(i) && !pending.has(i)) todo.push_back(i);

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
      out.threads = threads_for(options.threads, todo.size());
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
