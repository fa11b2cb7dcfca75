#include <models/output/sweep_merge.hpp>

#include <eslabon/core/hdf5_reader.hpp>
#include <eslabon/core/hdf5_writer.hpp>
#include <eslabon/core/version.hpp>
#include <models/config/loader.hpp>
#include <models/config/sweep_file.hpp>
#include <models/output/hdf5_run.hpp>
#include <models/output/pair_tables.hpp>
#include <models/output/sweep_recorder.hpp>
#include <models/studies/sweep.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace eslabon {
namespace {

// A shard file, opened, with what its root says.
struct ShardFile {
  std::string path;
  std::unique_ptr<Hdf5Reader> file;
  std::string fingerprint, version, created, sweep_text, model_text, model_file;
  Shard shard;
  bool pairs_read = false;

  std::string name() const { return path + " (shard " + shard.label() + ")"; }
};

ShardFile open_shard(const std::string& path) {
  ShardFile s;
  s.path = path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw ConfigError(path + ": no such file; expected a shard written by eslabon sweep --shard I/N -o FILE");
  try {
    s.file = std::make_unique<Hdf5Reader>(path);
  } catch (const std::runtime_error& e) {
    throw ConfigError(std::string(e.what()) + "; expected a shard written by eslabon sweep --shard I/N -o FILE");
  }
  const Hdf5Reader& f = *s.file;
  auto text = [&](const char* key) { return f.text_attribute(key); };
  auto number = [&](const char* key) { return f.int_attribute(key); };
  const auto index = number("shard_index"), count = number("shard_count"), first = number("pair_first"),
             end = number("pair_end"), complete = number("shard_complete");
  const auto fingerprint = text("fingerprint"), version = text("eslabon_version"), created = text("created"),
             sweep = text("sweep"), model = text("model"), model_file = text("model_file");
  if (!index || !count || !first || !end || !complete || !fingerprint || !version || !created || !sweep || !model ||
      !model_file)
    throw ConfigError(path + ": not a shard of a sweep; expected a file written by eslabon sweep --shard I/N -o FILE" +
                      std::string(sweep ? " (this is a whole sweep's file)" : ""));
  s.shard.index = static_cast<unsigned>(*index);
  s.shard.count = static_cast<unsigned>(*count);
  s.shard.first = static_cast<std::size_t>(*first);
  s.shard.end = static_cast<std::size_t>(*end);
  s.fingerprint = *fingerprint;
  s.version = *version;
  s.created = *created;
  s.sweep_text = *sweep;
  s.model_text = *model;
  s.model_file = *model_file;
  if (*complete != 1)
    throw ConfigError(s.name() + ": the shard is not finished (it was interrupted); expected every one of its pairs, " +
                      "finish it with eslabon sweep SWEEP --shard " + s.shard.label() + " -o " + path + " --resume");
  return s;
}

std::string pair_range(std::size_t first, std::size_t end) {
  return end - first == 1 ? "pair " + std::to_string(first)
                          : "pairs " + std::to_string(first) + " to " + std::to_string(end - 1);
}

// Every pair in exactly one shard, or a ConfigError naming the gap or the overlap.
void check_cover(std::vector<ShardFile*> shards, std::size_t pairs) {
  std::sort(shards.begin(), shards.end(),
            [](const ShardFile* a, const ShardFile* b) { return a->shard.first < b->shard.first; });
  std::size_t next = 0;
  const ShardFile* last = nullptr;
  // The shards of one split that are missing, named in the message when all came from one.
  auto missing = [&](std::size_t first, std::size_t end) {
    std::string names;
    const unsigned n = shards.front()->shard.count;
    if (!std::all_of(shards.begin(), shards.end(), [&](const ShardFile* s) { return s->shard.count == n; }))
      return names;
    for (unsigned i = 0; i < n; ++i) {
      const std::size_t a = static_cast<std::size_t>(static_cast<unsigned __int128>(pairs) * i / n);
      const std::size_t b = static_cast<std::size_t>(static_cast<unsigned __int128>(pairs) * (i + 1) / n);
      if (a < end && b > first) names += (names.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(n);
    }
    return names.empty() ? names : " (missing: shard " + names + ")";
  };
  for (const ShardFile* s : shards) {
    if (s->shard.first > next)
      throw ConfigError("eslabon merge: " + pair_range(next, s->shard.first) + " of the sweep's " +
                        std::to_string(pairs) + " are in none of the shards given" + missing(next, s->shard.first) +
                        "; expected shards that hold every pair");
    if (s->shard.first < next)
      throw ConfigError("eslabon merge: " + pair_range(s->shard.first, std::min(next, s->shard.end)) + " are in both " +
                        last->name() + " and " + s->name() + "; expected each pair in one shard only");
    next = s->shard.end;
    last = s;
  }
  if (next < pairs)
    throw ConfigError("eslabon merge: " + pair_range(next, pairs) + " of the sweep's " + std::to_string(pairs) +
                      " are in none of the shards given" + missing(next, pairs) +
                      "; expected shards that hold every pair");
}

}  // namespace

MergeSummary merge_sweep_shards(const std::vector<std::string>& paths, const std::string& out) {
  if (paths.empty()) throw ConfigError("eslabon merge: expected the shard files, got none");
  std::vector<ShardFile> shards;
  for (const std::string& p : paths) shards.push_back(open_shard(p));
  const ShardFile& head = shards.front();
  for (const ShardFile& s : shards) {
    if (s.fingerprint != head.fingerprint)
      throw ConfigError("eslabon merge: " + s.name() + " and " + head.name() +
                        " are shards of different sweeps (fingerprints " + s.fingerprint + " and " + head.fingerprint +
                        "); expected the shards of one sweep");
    if (s.version != head.version)
      throw ConfigError("eslabon merge: " + s.name() + " was written by eslabon " + s.version + " and " + head.name() +
                        " by eslabon " + head.version + "; expected shards written by one version");
  }
  // The model's errors name the model file it was read from; they are about the text this shard
  // stores (found by fuzz_hdf5: tests/fuzz/corpus/hdf5/model_attribute_bad_key.h5), so say so.
  Sweep sweep = [&] {
    try {
      return rebuild_sweep(head.path + ": attribute sweep", head.sweep_text, head.model_file, head.model_text);
    } catch (const ConfigError& e) {
      if (std::string(e.what()).rfind(head.path + ": ", 0) == 0) throw;
      throw ConfigError(head.path + ": attribute model: " + e.what());
    }
  }();
  if (sweep_fingerprint(sweep) != head.fingerprint)
    throw ConfigError(head.path + ": its sweep and model do not give its fingerprint " + head.fingerprint +
                      "; expected a shard written by this version of eslabon (" + std::string(version) + ")");
  const std::size_t reps = static_cast<std::size_t>(sweep.replications);
  const std::size_t pairs = sweep.points.size() * reps;
  std::vector<ShardFile*> all;
  for (ShardFile& s : shards) {
    if (s.shard.first >= s.shard.end || s.shard.end > pairs)
      throw ConfigError(s.name() + ": its pairs [" + std::to_string(s.shard.first) + ", " +
                        std::to_string(s.shard.end) + ") are not pairs of its sweep (" + std::to_string(pairs) + ")");
    all.push_back(&s);
  }
  check_cover(all, pairs);

  MergeSummary summary;
  summary.points = sweep.points.size();
  summary.replications = sweep.replications;
  std::string created;
  for (const ShardFile& s : shards) created = std::max(created, s.created);  // ISO 8601 text sorts by time
  Hdf5Writer w(out);
  PairResults shared;
  std::sort(all.begin(), all.end(),
            [](const ShardFile* a, const ShardFile* b) { return a->shard.first < b->shard.first; });
  std::size_t k = 0;  // the first shard (in pair order) that holds pairs of the point at hand
  for (std::size_t p = 0; p < sweep.points.size(); ++p) {
    const std::string group = "/points/" + sweep.points[p].id;
    while (all[k]->shard.end <= p * reps) ++k;
    ShardFile& first = *all[k];
    if (first.shard.whole(p, reps)) {
      if (!first.file->has(group))
        throw ConfigError(first.name() + ": has no " + group + " although the point is whole in it");
      w.copy(*first.file, group);
      ++summary.copied;
      continue;
    }
    // A point shared by shards: their pairs of it, summarised as an unsharded run summarises it.
    for (std::size_t j = k; j < all.size() && all[j]->shard.first < (p + 1) * reps; ++j) {
      ShardFile& s = *all[j];
      if (s.pairs_read) continue;
      try {
        read_pair_tables(*s.file, "/pairs", shared);
      } catch (const std::runtime_error& e) {
        throw ConfigError(std::string(e.what()) + "; expected a shard written by eslabon sweep --shard");
      }
      s.pairs_read = true;
    }
    std::vector<ReplicationResult> replications;
    for (std::size_t pair = p * reps; pair < (p + 1) * reps; ++pair) {
      auto it = shared.find(pair);
      if (it == shared.end())
        throw ConfigError("eslabon merge: no shard given holds the results of pair " + std::to_string(pair) +
                          " (point " + sweep.points[p].id + "); its shard's /pairs lacks it");
      replications.push_back(std::move(it->second));
      shared.erase(it);
    }
    write_result_tables(w, group, point_result(sweep, p, std::move(replications)), true);
    ++summary.joined;
  }
  write_sweep_root(w, sweep, head.fingerprint, std::vector<bool>(sweep.points.size(), true), head.version, created);
  w.commit();
  return summary;
}

}  // namespace eslabon
