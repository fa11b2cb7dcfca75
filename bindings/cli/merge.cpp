// eslabon merge: the shards of a sweep (eslabon sweep --shard I/N) joined into the file the
// unsharded sweep writes (models/output/sweep_merge.hpp says how, and what is refused).

#include "command.hpp"

#include <models/config/loader.hpp>
#include <models/output/output_path.hpp>
#include <models/output/sweep_merge.hpp>

#include <fmt/core.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace eslabon::cli {
namespace {

struct MergeArgs {
  std::vector<std::string> shards;
  std::string output;
};

int cmd_merge(const MergeArgs& a) {
  MergeSummary m;
  try {
    std::vector<KeptFile> kept;
    for (const std::string& s : a.shards) kept.push_back({s, "one of the shards"});
    const std::string output = check_output_path(a.output, kept, "-o " + a.output);
    m = merge_sweep_shards(a.shards, output);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "eslabon: merge failed: " << e.what() << "\n";
    return kFailure;
  }
  fmt::print("merged {} shard{}: {} points x {} replications ({} copied whole, {} joined from shards)\n",
             a.shards.size(), a.shards.size() == 1 ? "" : "s", m.points, m.replications, m.copied, m.joined);
  fmt::print("results written to {}\n", a.output);
  return 0;
}

}  // namespace

void add_merge_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<MergeArgs>();
  auto* merge = app.add_subcommand("merge", "Join the shards of a sweep (eslabon sweep --shard) into its HDF5 file");
  merge->add_option("shards", a->shards, "The shards' files (every pair of the sweep in exactly one)")->required();
  merge->add_option("-o,--output", a->output, "The sweep's HDF5 file to write")->required();
  commands.push_back({merge, [a] { return cmd_merge(*a); }});
}

}  // namespace eslabon::cli
