// libFuzzer target: the C++ readers of results files. es.read_hdf5 itself is Python over h5py
// (bindings/python/eslabon/result.py); the C++ side that reads a results file is core's
// Hdf5Reader (root attributes, tables of numbers) and what eslabon merge builds on it
// (models/output/sweep_merge.cpp, pair_tables.cpp). Input: the bytes of a file, written to a
// private temporary directory. Hdf5Reader may refuse it with a std::runtime_error that names the
// file; eslabon merge only with a ConfigError. libhdf5 itself is Debian's, not instrumented:
// coverage guides mutations through our code only.
#include "fuzz_common.hpp"

#include <eslabon/core/hdf5_reader.hpp>
#include <models/output/pair_tables.hpp>
#include <models/output/sweep_merge.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

// Made once, removed at exit; never destroyed before that (the atexit handler still needs it).
const std::filesystem::path& work_dir() {
  static const std::filesystem::path& dir = *[] {
    std::string name = (std::filesystem::temp_directory_path() / "eslabon-fuzz-hdf5-XXXXXX").string();
    if (!mkdtemp(name.data())) std::abort();
    return new std::filesystem::path(name);
  }();
  static const bool cleaned_at_exit = [] {
    std::atexit([] { std::filesystem::remove_all(work_dir()); });
    return true;
  }();
  (void)cleaned_at_exit;
  return dir;
}

// Every attribute and table a run, a sweep or a shard file has at its top (README "Results in HDF5").
void expect_named(const eslabon::Hdf5Reader& r, const std::runtime_error& e) {
  if (std::string(e.what()).rfind(r.path(), 0) != 0) {
    std::fprintf(stderr, "fuzz: an error that does not name the file: %s\n", e.what());
    std::abort();
  }
}

void read_everything(const eslabon::Hdf5Reader& r) {
  for (const char* a : {"eslabon_version", "created", "config", "sweep", "model", "model_file", "fingerprint",
                        "warmup_auto", "time_unit", "currency", "seed"})
    (void)r.text_attribute(a);
  for (const char* a : {"shard_index", "shard_count", "pair_first", "pair_end", "shard_complete", "replications", "seed"})
    (void)r.int_attribute(a);
  for (const char* t : {"/replications", "/units", "/flows", "/links", "/origins", "/pairs/replications",
                        "/pairs/units", "/pairs/flows", "/pairs/links", "/pairs/origins", "/points/p0000/replications",
                        "/points/p0000/units", "/points_table", "/summary", "/lead_time"}) {
    try {
      if (r.has(t)) (void)r.numbers(t);
    } catch (const std::runtime_error& e) {
      expect_named(r, e);
    }
  }
  // A shard's single pairs, as eslabon merge reads those of a point shared by shards.
  try {
    eslabon::PairResults pairs;
    eslabon::read_pair_tables(r, "/pairs", pairs);
  } catch (const std::runtime_error& e) {
    expect_named(r, e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string file = (work_dir() / "input.h5").string(), out = (work_dir() / "merged.h5").string();
  {
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const eslabon::Hdf5Reader r(file);
    read_everything(r);
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind(file, 0) != 0) {
      std::fprintf(stderr, "fuzz: an error that does not name the file: %s\n", e.what());
      std::abort();
    }
  }
  eslabon::fuzz::expect_config_error([&] { eslabon::merge_sweep_shards({file}, out); },
                                     {file, "eslabon merge: "});
  std::filesystem::remove(out);
  return 0;
}
