#pragma once
// Single pairs' results as tables of numbers, for a shard file's /pairs group (README "Running on
// a cluster"): the replications of the points a shard shares with its neighbours, which eslabon
// merge joins with theirs. They hold what a journal line holds (journal.hpp), the values bit for
// bit (as HDF5 float64), so a point joined from shards equals the point of an unsharded sweep:
//
//   /pairs/replications  pair, replication, events, then every KPI
//   /pairs/units         pair, unit (its index in the model), then every unit statistic
//   /pairs/flows, /pairs/links, /pairs/origins   likewise (flow, link, origin)

#include <eslabon/core/hdf5_reader.hpp>
#include <eslabon/core/hdf5_writer.hpp>
#include <models/engine/simulate.hpp>

#include <cstddef>
#include <map>
#include <string>

namespace eslabon {

using PairResults = std::map<std::size_t, ReplicationResult>;  // by pair index

void write_pair_tables(Hdf5Writer& w, const std::string& group, const PairResults& pairs);

// Adds the pairs of `group` in `file` to `into`; std::runtime_error when the tables are not
// these (another version of eslabon, or not a shard).
void read_pair_tables(const Hdf5Reader& file, const std::string& group, PairResults& into);

}  // namespace eslabon
