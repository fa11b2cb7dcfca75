#include <eslabon/core/hdf5_reader.hpp>

#include "hdf5_handle.hpp"

#include <cstring>
#include <stdexcept>
#include <vector>

namespace eslabon {

using hdf5::Handle;

Hdf5Reader::Hdf5Reader(std::string path) : path_(std::move(path)) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions, not stderr noise
  file_ = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file_ < 0) throw std::runtime_error(path_ + ": not an HDF5 file (or not readable)");
}

Hdf5Reader::~Hdf5Reader() {
  if (file_ >= 0) H5Fclose(static_cast<hid_t>(file_));
}

bool Hdf5Reader::has(const std::string& object) const {
  // Each step of the path must exist before the next is asked for.
  std::size_t at = 0;
  while ((at = object.find('/', at + 1)) != std::string::npos)
    if (H5Lexists(file_, object.substr(0, at).c_str(), H5P_DEFAULT) <= 0) return false;
  return H5Lexists(file_, object.c_str(), H5P_DEFAULT) > 0;
}

std::optional<std::string> Hdf5Reader::text_attribute(const std::string& name) const {
  if (H5Aexists(file_, name.c_str()) <= 0) return std::nullopt;
  Handle attr{H5Aopen(file_, name.c_str(), H5P_DEFAULT), H5Aclose};
  Handle type{H5Aget_type(attr.id), H5Tclose};
  if (attr.id < 0 || type.id < 0 || H5Tget_class(type.id) != H5T_STRING) return std::nullopt;
  Handle space{H5Aget_space(attr.id), H5Sclose};
  if (H5Sget_simple_extent_npoints(space.id) != 1) return std::nullopt;
  if (H5Tis_variable_str(type.id) > 0) {
    Handle mem{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(mem.id, H5T_VARIABLE);
    H5Tset_cset(mem.id, H5Tget_cset(type.id));
    char* s = nullptr;
    if (H5Aread(attr.id, mem.id, &s) < 0) return std::nullopt;
    std::string out = s ? s : "";
    H5free_memory(s);
    return out;
  }
  const std::size_t size = H5Tget_size(type.id);
  std::vector<char> buf(size + 1, '\0');
  Handle mem{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(mem.id, size + 1);
  H5Tset_cset(mem.id, H5Tget_cset(type.id));
  if (H5Aread(attr.id, mem.id, buf.data()) < 0) return std::nullopt;
  return std::string(buf.data());
}

std::optional<std::int64_t> Hdf5Reader::int_attribute(const std::string& name) const {
  if (H5Aexists(file_, name.c_str()) <= 0) return std::nullopt;
  Handle attr{H5Aopen(file_, name.c_str(), H5P_DEFAULT), H5Aclose};
  Handle type{H5Aget_type(attr.id), H5Tclose};
  if (attr.id < 0 || type.id < 0 || H5Tget_class(type.id) != H5T_INTEGER) return std::nullopt;
  std::int64_t v = 0;
  if (H5Aread(attr.id, H5T_NATIVE_INT64, &v) < 0) return std::nullopt;
  return v;
}

Table Hdf5Reader::numbers(const std::string& dataset) const {
  const std::string where = path_ + ":" + dataset;
  if (!has(dataset)) throw std::runtime_error(where + ": no such dataset");
  Handle ds{H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) throw std::runtime_error(where + ": not a dataset");
  Handle type{H5Dget_type(ds.id), H5Tclose};
  Handle space{H5Dget_space(ds.id), H5Sclose};
  if (H5Tget_class(type.id) != H5T_COMPOUND || H5Sget_simple_extent_ndims(space.id) != 1)
    throw std::runtime_error(where + ": expected a one-dimensional table");
  const auto rows = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id));
  const int fields = H5Tget_nmembers(type.id);
  if (fields <= 0) throw std::runtime_error(where + ": expected a table with columns");
  // Every column at once, each as an 8-byte number at its place in a row: one read (one pass
  // of decompression) for the whole table. A file eslabon writes holds every row (deflate
  // packs at most ~1000:1), so a table that says it has more rows than its storage can hold is
  // refused before any memory is taken for it.
  const auto width = static_cast<std::size_t>(fields) * 8;
  const auto stored = static_cast<double>(H5Dget_storage_size(ds.id));
  if (static_cast<double>(rows) * static_cast<double>(width) > 1100.0 * stored + 65536.0)
    throw std::runtime_error(where + ": the table says it has " + std::to_string(rows) +
                             " rows, more than the file holds");
  Handle mem{H5Tcreate(H5T_COMPOUND, width), H5Tclose};
  Table t;
  std::vector<std::string> names;
  std::vector<bool> integer;
  for (int f = 0; f < fields; ++f) {
    char* raw = H5Tget_member_name(type.id, static_cast<unsigned>(f));
    names.push_back(raw ? raw : "");
    H5free_memory(raw);
    const H5T_class_t cls = H5Tget_member_class(type.id, static_cast<unsigned>(f));
    integer.push_back(cls == H5T_INTEGER);
    if (!integer.back() && cls != H5T_FLOAT)
      throw std::runtime_error(where + ": column " + names.back() + " is not a number");
    if (t.find(names.back())) throw std::runtime_error(where + ": column " + names.back() + " twice");
    if (integer.back())
      t.i64(names.back());
    else
      t.f64(names.back());
    if (H5Tinsert(mem.id, names.back().c_str(), static_cast<std::size_t>(f) * 8,
                  integer.back() ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE) < 0)
      throw std::runtime_error(where + ": column " + names.back() + " cannot be read");
  }
  std::vector<unsigned char> buf(rows * width);
  if (rows && H5Dread(ds.id, mem.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
    throw std::runtime_error(where + ": reading the table failed");
  for (int f = 0; f < fields; ++f) {
    auto copy = [&](auto& col) {
      col.resize(rows);
      for (std::size_t r = 0; r < rows; ++r)
        std::memcpy(&col[r], buf.data() + r * width + static_cast<std::size_t>(f) * 8, 8);
    };
    if (integer[static_cast<std::size_t>(f)])
      copy(t.i64(names[static_cast<std::size_t>(f)]));
    else
      copy(t.f64(names[static_cast<std::size_t>(f)]));
  }
  return t;
}

}  // namespace eslabon
