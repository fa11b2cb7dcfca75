#include <models/output/sweep_recorder.hpp>

#include <eslabon/core/version.hpp>
#include <models/config/loader.hpp>
#include <models/output/hdf5_run.hpp>

#include <fcntl.h>
#include <unistd.h>
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

std::string part_path(const std::string& path) {
  const std::filesystem::path p(path);
  std::string name = ".";
  name += p.filename().string();
  name += ".part";
  return (p.parent_path() / name).string();
}

}  // namespace

SweepFileRecorder::SweepFileRecorder(const Sweep& sweep, std::string path, bool resume)
    : sweep_(sweep), path_(std::move(path)), fingerprint_(sweep_fingerprint(sweep)) {
  const std::string journal = path_ + ".journal";
  if (resume) {
    const std::string header = journal_header(journal);
    if (!header.empty() && !journal_header_matches(header, fingerprint_))
      throw ConfigError("--resume: " + journal + " belongs to another sweep (or another version of this one); " +
                        "expected the journal of " + sweep.source + ", run without --resume to start over");
    replay_ = !header.empty();
  }
  // The units of measure the root attributes name: point 0's (a grid may change them; each point's
  // datasets say their own).
  const Model& first = point_model(sweep_, 0);
  measures_ = {first.time_unit, first.costs.currency};
  journal_ = std::make_unique<SweepJournal>(journal, fingerprint_, replay_);
  file_ = std::make_unique<Hdf5Writer>(path_, part_path(path_));
}

SweepFileRecorder::~SweepFileRecorder() = default;

void SweepFileRecorder::replay(const PairDone& give) {
  if (!replay_) return;
  read_journal(journal_->path(), [&](std::size_t pair, ReplicationResult&& r) { give(pair, r); });
}

void SweepFileRecorder::pair_done(std::size_t pair, const ReplicationResult& result) { journal_->append(pair, result); }

void SweepFileRecorder::point_complete(std::size_t point, const RunResult& result) {
  write_result_tables(*file_, "/points/" + sweep_.points[point].id, result, true);
}

void SweepFileRecorder::finished(const std::vector<bool>& complete) {
  if (!file_) return;
  Hdf5Writer& w = *file_;
  w.attribute("eslabon_version", std::string(version));
  w.attribute("sweep", sweep_.text);
  w.attribute("fingerprint", fingerprint_);
  w.attribute("seed", static_cast<std::int64_t>(sweep_.seed));
  w.attribute("replications", static_cast<std::int64_t>(sweep_.replications));
  std::int64_t all_complete = 1;
  for (bool c : complete) all_complete = all_complete && c;
  w.attribute("complete", all_complete);
  w.attribute("time_unit", measures_.time);
  w.attribute("currency", measures_.currency);
  w.attribute("created", utc_now());
  Table points = sweep_.points_table();
  auto& c = points.i64("complete");
  for (bool x : complete) c.push_back(x ? 1 : 0);
  write_table(w, "/scenarios", points, measures_);
  w.commit();
  file_.reset();
  journal_->sync();
  if (all_complete) {
    sync_file(path_);
    journal_->remove();
  }
}

}  // namespace eslabon
