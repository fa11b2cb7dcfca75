#pragma once
// Writing result tables to HDF5 (C API), readable by h5py, pandas.read_hdf (PyTables), R's
// hdf5r and the HDF5 tools without help: each Table becomes a one-dimensional compound dataset
// (chunked, shuffled, deflated, unless small and asked to be compact) whose string columns are
// fixed-length UTF-8 (as wide as the longest value: PyTables reads no variable-length strings
// in a table); string attributes are variable-length UTF-8 (h5py reads them as str).
//
// Atomicity: the file is written under a temporary name beside the target, ".NAME.tmp-PID"
// (temporary_file.hpp), and renamed onto it by commit(), so the target is either the old file or
// the complete new one. A writer destroyed without commit() (an exception) removes its temporary
// file; a process killed outright (SIGKILL) can leave one, which the next writer of the same
// target removes (remove_stale_temporaries, called by the constructor).
//
// Errors: every HDF5 call is checked, and so is every write to the disk (the file driver,
// core/src/hdf5_driver.hpp, records a write the system refuses and keeps it from HDF5, which
// would otherwise be left unable to close the file and crash at exit). A failure throws
// std::system_error with the system's errno when a system call failed (a full disk: ENOSPC),
// else std::runtime_error; the temporary file is then emptied at once and removed when the
// writer goes, and the writer takes no more writes (std::logic_error).

#include <eslabon/core/hdf5_reader.hpp>
#include <eslabon/core/table.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace eslabon {

class Hdf5Writer {
 public:
  explicit Hdf5Writer(std::string path);
  ~Hdf5Writer();
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  // Attributes of the file (its root group).
  void attribute(const std::string& name, const std::string& value);
  void attribute(const std::string& name, std::int64_t value);
  // Attributes of the dataset or group `object` ("/summary"), written already.
  void attribute(const std::string& object, const std::string& name, const std::string& value);
  void attribute(const std::string& object, const std::string& name, const std::vector<std::string>& values);
  // Writes `table` as dataset `path` (e.g. "/summary" or "/scenarios/base/summary"), chunked
  // and deflated; with `compact_if_small`, a table of at most 16 KiB is stored compact instead
  // (in its object header): on a few rows chunking and deflate cost more than they save, and a
  // sweep writes thousands of such tables.
  void write(const std::string& path, const Table& table, bool compact_if_small = false);
  // Copies the object (a group with everything in it, or a dataset) at `path` in `from` to the
  // same path here, as it is stored: values, types, layout, attributes (HDF5's H5Ocopy).
  void copy(const Hdf5Reader& from, const std::string& path);
  void commit();

 private:
  void ok(int status, const std::string& what);  // throws, after release_space, when status < 0
  std::int64_t ok_id(std::int64_t id, const std::string& what);
  void usable() const;
  std::int64_t vlen_utf8();
  void release_space() noexcept;
  std::string path_;
  std::string tmp_;
  std::int64_t file_ = -1;
  bool committed_ = false;
  bool broken_ = false;
  int io_error_ = 0;  // the errno of the first write the file driver could not do
};

}  // namespace eslabon
