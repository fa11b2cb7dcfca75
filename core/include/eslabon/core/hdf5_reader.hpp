#pragma once
// Reading back what Hdf5Writer wrote (C API): root attributes, and tables of numbers. It serves
// `eslabon merge`, which joins the shards of a sweep; Python reads files with h5py.

#include <eslabon/core/table.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace eslabon {

class Hdf5Reader {
 public:
  // Opens `path` read-only; std::runtime_error when it is not an HDF5 file that can be read.
  explicit Hdf5Reader(std::string path);
  ~Hdf5Reader();
  Hdf5Reader(const Hdf5Reader&) = delete;
  Hdf5Reader& operator=(const Hdf5Reader&) = delete;

  const std::string& path() const { return path_; }
  // True when an object (group or dataset) is at `object` ("/points/p0003").
  bool has(const std::string& object) const;
  // A root attribute, or nothing when the file has none of that name (or of another type).
  std::optional<std::string> text_attribute(const std::string& name) const;
  std::optional<std::int64_t> int_attribute(const std::string& name) const;
  // A one-dimensional compound dataset of numbers: each integer field an i64 column, each
  // floating-point field an f64 column, in the dataset's order (the values as stored, bit for
  // bit). std::runtime_error for anything else, a text field included.
  Table numbers(const std::string& dataset) const;

 private:
  friend class Hdf5Writer;  // copies objects out of this file (Hdf5Writer::copy)
  std::string path_;
  std::int64_t file_ = -1;
};

}  // namespace eslabon
