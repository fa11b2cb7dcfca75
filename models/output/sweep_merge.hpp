#pragma once
// eslabon merge (README "Running on a cluster"): the shards of a sweep (sweep_recorder.hpp, a
// shard's file) joined into the file the unsharded sweep writes. A point whole in a shard is
// copied as the shard stored it; a point shared by shards is summarised from their /pairs, by
// the code that summarises it in an unsharded run; the root is written by write_sweep_root. So
// every dataset and attribute equals the unsharded file's, bit for bit, except `created`, which
// is the latest of the shards' (when the last of its results was written).
//
// Refused with a ConfigError, before anything is written: a file that is not a finished shard
// (not HDF5, not a shard, a shard whose pairs are not all done), shards of different sweeps (or
// written by different versions of eslabon), and shards whose pairs overlap or leave pairs out.
// The shards need not come from one split: any that cover every pair exactly once will do
// (shards 0/2 and 2/4, 3/4, say).

#include <cstddef>
#include <string>
#include <vector>

namespace eslabon {

struct MergeSummary {
  std::size_t points = 0;  // in the sweep
  int replications = 0;
  std::size_t copied = 0;  // points copied whole from a shard
  std::size_t joined = 0;  // points joined from the pairs of several shards
};

// Writes `out` (temporary name, then rename). `out` is checked by the caller (output_path.hpp).
MergeSummary merge_sweep_shards(const std::vector<std::string>& shards, const std::string& out);

}  // namespace eslabon
