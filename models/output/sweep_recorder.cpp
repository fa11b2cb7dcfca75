#include <models/output/sweep_recorder.hpp>

#include <eslabon/core/version.hpp>
#include <models/config/loader.hpp>
#include <models/output/hdf5_run.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <algorithm>
#include <filesystem>

namespace eslabon {
namespace {

// On disk before the journal goes: a crash of the machine must not lose both.
void sync_file(const std::string& path) {
  for (const std::string& p : {path, std::filesystem::absolute(path).parent_path().string()}) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

SweepFileRecorder::SweepFileRecorder(const Sweep& sweep, std::string path, bool resume, const Shard* shard)
    : sweep_(sweep), path_(std::move(path)), fingerprint_(sweep_fingerprint(sweep)) {
  if (shard) shard_ = *shard;
  // A shard's journal names the shard: resuming another shard, or the whole sweep, from it is refused.
  const std::string journal_id = shard ? fingerprint_ + " shard " + shard->label() : fingerprint_;
  const std::string journal = path_ + ".journal";
  if (resume) {
    const std::string header = journal_header(journal);
    if (!header.empty() && !journal_header_matches(header, journal_id))
      throw ConfigError("--resume: " + journal + " belongs to another sweep (or another version of this one" +
                        std::string(shard ? ", or another shard" : "") + "); expected the journal of " + sweep.source +
                        (shard ? " shard " + shard->label() : "") + ", run without --resume to start over");
    replay_ = !header.empty();
  }
  journal_ = std::make_unique<SweepJournal>(journal, journal_id, replay_);
  file_ = std::make_unique<Hdf5Writer>(path_);
}

SweepFileRecorder::~SweepFileRecorder() = default;

void SweepFileRecorder::keep_if_shared(std::size_t pair, const ReplicationResult& result) {
  const std::size_t reps = static_cast<std::size_t>(sweep_.replications);
  if (shard_ && shard_->holds(pair) && !shard_->whole(pair / reps, reps)) shared_.emplace(pair, result);
}

void SweepFileRecorder::replay(const PairDone& give) {
  if (!replay_) return;
  read_journal(journal_->path(), [&](std::size_t pair, ReplicationResult&& r) {
    keep_if_shared(pair, r);
    give(pair, r);
  });
}

void SweepFileRecorder::pair_done(std::size_t pair, const ReplicationResult& result) {
  journal_->append(pair, result);
  keep_if_shared(pair, result);
}

void SweepFileRecorder::point_complete(std::size_t point, const RunResult& result) {
  write_result_tables(*file_, "/points/" + sweep_.points[point].id, result, true);
}

void write_sweep_root(Hdf5Writer& w, const Sweep& sweep, const std::string& fingerprint,
                      const std::vector<bool>& complete, const std::string& eslabon_version,
                      const std::string& created) {
  w.attribute("eslabon_version", eslabon_version);
  w.attribute("sweep", sweep.text);
  w.attribute("fingerprint", fingerprint);
  w.attribute("seed", static_cast<std::int64_t>(sweep.seed));
  w.attribute("replications", static_cast<std::int64_t>(sweep.replications));
  std::int64_t all_complete = 1;
  for (bool c : complete) all_complete = all_complete && c;
  w.attribute("complete", all_complete);
  // The units of measure the root attributes name: point 0's (a grid may change them; each point's
  // datasets say their own).
  const Model& first = point_model(sweep, 0);
  const MeasureNames measures{first.time_unit, first.costs.currency};
  w.attribute("time_unit", measures.time);
  w.attribute("currency", measures.currency);
  w.attribute("created", created);
  Table points = sweep.points_table();
  auto& c = points.i64("complete");
  for (bool x : complete) c.push_back(x ? 1 : 0);
  write_table(w, "/scenarios", points, measures);
}

void SweepFileRecorder::finished(const std::vector<bool>& complete) {
  if (!file_) return;
  Hdf5Writer& w = *file_;
  write_sweep_root(w, sweep_, fingerprint_, complete, version, utc_now());
  bool done = std::all_of(complete.begin(), complete.end(), [](bool c) { return c; });
  if (shard_) {
    // Done when its whole points are complete and it has every pair of the points it shares.
    const std::size_t reps = static_cast<std::size_t>(sweep_.replications);
    std::size_t shared = 0;
    done = true;
    for (std::size_t p = shard_->first / reps; p * reps < shard_->end; ++p) {
      if (shard_->whole(p, reps))
        done = done && complete[p];
      else
        shared += std::min(shard_->end, (p + 1) * reps) - std::max(shard_->first, p * reps);
    }
    done = done && shared_.size() == shared;
    w.attribute("shard_index", static_cast<std::int64_t>(shard_->index));
    w.attribute("shard_count", static_cast<std::int64_t>(shard_->count));
    w.attribute("pair_first", static_cast<std::int64_t>(shard_->first));
    w.attribute("pair_end", static_cast<std::int64_t>(shard_->end));
    w.attribute("shard_complete", static_cast<std::int64_t>(done));
    w.attribute("model", sweep_.model_text);
    w.attribute("model_file", sweep_.model_path);
    write_pair_tables(w, "/pairs", shared_);
  }
  w.commit();
  file_.reset();
  journal_->sync();
  if (done) {
    sync_file(path_);
    journal_->remove();
  }
}

}  // namespace eslabon
