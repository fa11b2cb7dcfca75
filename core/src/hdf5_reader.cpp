#include <eslabon/core/hdf5_reader.hpp>

#include "hdf5_handle.hpp"

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
  Table t;
  const int fields = H5Tget_nmembers(type.id);
  for (int f = 0; f < fields; ++f) {
    char* raw = H5Tget_member_name(type.id, static_cast<unsigned>(f));
    const std::string name = raw ? raw : "";
    H5free_memory(raw);
    const H5T_class_t cls = H5Tget_member_class(type.id, static_cast<unsigned>(f));
    // One field at a time: a compound memory type of that field alone reads just its values.
    const bool integer = cls == H5T_INTEGER;
    if (!integer && cls != H5T_FLOAT) throw std::runtime_error(where + ": column " + name + " is not a number");
    Handle mem{H5Tcreate(H5T_COMPOUND, 8), H5Tclose};
    H5Tinsert(mem.id, name.c_str(), 0, integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE);
    herr_t rc = 0;
    if (integer) {
      auto& col = t.i64(name);
      col.resize(rows);
      if (rows) rc = H5Dread(ds.id, mem.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, col.data());
    } else {
      auto& col = t.f64(name);
      col.resize(rows);
      if (rows) rc = H5Dread(ds.id, mem.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, col.data());
    }
    if (rc < 0) throw std::runtime_error(where + ": reading column " + name + " failed");
  }
  return t;
}

}  // namespace eslabon
