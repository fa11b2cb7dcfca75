#include <eslabon/core/hdf5_writer.hpp>

#include "hdf5_handle.hpp"

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace eslabon {
namespace {

using hdf5::check;
using hdf5::check_id;
using hdf5::Handle;

// Object headers hold at most 64 KiB; well below that, a table's data goes in its header.
constexpr std::size_t kCompactBytes = 16 * 1024;

hid_t vlen_utf8() {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

}  // namespace

Hdf5Writer::Hdf5Writer(std::string path, std::string tmp) : path_(std::move(path)), tmp_(std::move(tmp)) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions, not stderr noise
  std::filesystem::path p(path_);
  if (tmp_.empty())
    tmp_ = (p.parent_path() / ("." + p.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
  file_ = H5Fcreate(tmp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file_ < 0) throw std::runtime_error("cannot create " + path_ + " (temporary " + tmp_ + ")");
}

Hdf5Writer::~Hdf5Writer() {
  if (file_ >= 0) H5Fclose(static_cast<hid_t>(file_));
  if (!committed_) std::remove(tmp_.c_str());
}

void Hdf5Writer::attribute(const std::string& name, const std::string& value) { attribute(".", name, value); }

void Hdf5Writer::attribute(const std::string& name, std::int64_t value) {
  Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Handle attr{
      check_id(H5Acreate2(file_, name.c_str(), H5T_STD_I64LE, space.id, H5P_DEFAULT, H5P_DEFAULT), "attribute " + name),
      H5Aclose};
  check(H5Awrite(attr.id, H5T_NATIVE_INT64, &value), "writing attribute " + name);
}

void Hdf5Writer::attribute(const std::string& object, const std::string& name, const std::string& value) {
  Handle type{vlen_utf8(), H5Tclose};
  Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Handle attr{check_id(H5Acreate_by_name(file_, object.c_str(), name.c_str(), type.id, space.id, H5P_DEFAULT,
                                         H5P_DEFAULT, H5P_DEFAULT),
                       "attribute " + name + " of " + object),
              H5Aclose};
  const char* s = value.c_str();
  check(H5Awrite(attr.id, type.id, &s), "writing attribute " + name);
}

void Hdf5Writer::attribute(const std::string& object, const std::string& name, const std::vector<std::string>& values) {
  Handle type{vlen_utf8(), H5Tclose};
  hsize_t dims[1] = {values.size()};
  Handle space{values.empty() ? H5Screate(H5S_NULL) : H5Screate_simple(1, dims, nullptr), H5Sclose};
  Handle attr{check_id(H5Acreate_by_name(file_, object.c_str(), name.c_str(), type.id, space.id, H5P_DEFAULT,
                                         H5P_DEFAULT, H5P_DEFAULT),
                       "attribute " + name + " of " + object),
              H5Aclose};
  if (values.empty()) return;
  std::vector<const char*> p;
  for (const auto& v : values) p.push_back(v.c_str());
  check(H5Awrite(attr.id, type.id, p.data()), "writing attribute " + name);
}

void Hdf5Writer::write(const std::string& path, const Table& table, bool compact_if_small) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // per thread, and a sweep writes from its workers
  table.check();
  const std::size_t rows = table.rows();
  const auto& cols = table.columns();
  // Strings are fixed-length UTF-8 (NUL-padded), as wide as the column's longest value in bytes:
  // PyTables, and so pandas.read_hdf, cannot read variable-length strings inside a table, and
  // h5py returns bytes for strings in a compound type either way (README "Results in HDF5").
  std::vector<std::size_t> size(cols.size(), 8);
  for (std::size_t c = 0; c < cols.size(); ++c)
    if (const auto* v = std::get_if<std::vector<std::string>>(&cols[c].data)) {
      size[c] = 1;  // HDF5 has no empty string type
      for (const auto& x : *v) size[c] = std::max(size[c], x.size());
    }
  // Row-major packed records, the same layout in memory and on disk.
  std::vector<std::size_t> offset(cols.size());
  std::size_t rec = 0;
  for (std::size_t c = 0; c < cols.size(); ++c) {
    offset[c] = rec;
    rec += size[c];
  }
  if (rec == 0) rec = 1;
  Handle mem{check_id(H5Tcreate(H5T_COMPOUND, rec), "compound type"), H5Tclose};
  Handle disk{check_id(H5Tcreate(H5T_COMPOUND, rec), "compound type"), H5Tclose};
  struct Types {  // the string types, closed on the way out
    std::vector<hid_t> ids;
    ~Types() {
      for (hid_t t : ids) H5Tclose(t);
    }
  } strings;
  for (std::size_t c = 0; c < cols.size(); ++c) {
    const auto& col = cols[c];
    hid_t mt, ft;
    if (std::holds_alternative<std::vector<double>>(col.data)) {
      mt = H5T_NATIVE_DOUBLE;
      ft = H5T_IEEE_F64LE;
    } else if (std::holds_alternative<std::vector<std::int64_t>>(col.data)) {
      mt = H5T_NATIVE_INT64;
      ft = H5T_STD_I64LE;
    } else {
      strings.ids.push_back(check_id(H5Tcopy(H5T_C_S1), "string type"));
      mt = ft = strings.ids.back();
      check(H5Tset_size(mt, size[c]), "string type");
      check(H5Tset_strpad(mt, H5T_STR_NULLPAD), "string type");
      check(H5Tset_cset(mt, H5T_CSET_UTF8), "string type");
    }
    check(H5Tinsert(mem.id, col.name.c_str(), offset[c], mt), "column " + col.name);
    check(H5Tinsert(disk.id, col.name.c_str(), offset[c], ft), "column " + col.name);
  }
  std::vector<unsigned char> buf(rec * rows, 0);
  for (std::size_t c = 0; c < cols.size(); ++c) {
    std::visit(
        [&](const auto& v) {
          using T = typename std::decay_t<decltype(v)>::value_type;
          for (std::size_t r = 0; r < rows; ++r) {
            unsigned char* dst = buf.data() + r * rec + offset[c];
            if constexpr (std::is_same_v<T, std::string>) {
              std::memcpy(dst, v[r].data(), v[r].size());
            } else {
              std::memcpy(dst, &v[r], sizeof(T));
            }
          }
        },
        cols[c].data);
  }
  // Groups along the path.
  Handle lcpl{H5Pcreate(H5P_LINK_CREATE), H5Pclose};
  H5Pset_create_intermediate_group(lcpl.id, 1);
  hsize_t dims[1] = {rows};
  const bool small = compact_if_small && rows * rec <= kCompactBytes;
  hsize_t maxdims[1] = {small ? dims[0] : H5S_UNLIMITED};
  Handle space{H5Screate_simple(1, dims, maxdims), H5Sclose};
  Handle dcpl{H5Pcreate(H5P_DATASET_CREATE), H5Pclose};
  if (small) {
    check(H5Pset_layout(dcpl.id, H5D_COMPACT), "compact layout");
  } else {
    hsize_t chunk[1] = {rows == 0 ? 1 : (rows < 4096 ? rows : 4096)};
    check(H5Pset_chunk(dcpl.id, 1, chunk), "chunking");
    H5Pset_shuffle(dcpl.id);
    H5Pset_deflate(dcpl.id, 4);
  }
  Handle ds{
      check_id(H5Dcreate2(file_, path.c_str(), disk.id, space.id, lcpl.id, dcpl.id, H5P_DEFAULT), "dataset " + path),
      H5Dclose};
  // The type-conversion buffers sized to the data: HDF5's default allocates and zeroes 1 MiB
  // of each on every write, which dominated writing many small tables (a sweep's points). The
  // two types are the same on a little-endian machine (no conversion); a buffer must hold at
  // least one record.
  Handle dxpl{H5Pcreate(H5P_DATASET_XFER), H5Pclose};
  const std::size_t need = std::max<std::size_t>(rows, 1) * rec;
  check(H5Pset_buffer(dxpl.id, std::max(rec, std::min<std::size_t>(need, std::size_t{1} << 20)), nullptr, nullptr),
        "buffer size");
  if (rows > 0) check(H5Dwrite(ds.id, mem.id, H5S_ALL, H5S_ALL, dxpl.id, buf.data()), "writing " + path);
}

void Hdf5Writer::copy(const Hdf5Reader& from, const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle lcpl{H5Pcreate(H5P_LINK_CREATE), H5Pclose};
  H5Pset_create_intermediate_group(lcpl.id, 1);
  check(H5Ocopy(static_cast<hid_t>(from.file_), path.c_str(), file_, path.c_str(), H5P_DEFAULT, lcpl.id),
        "copying " + path + " from " + from.path());
}

void Hdf5Writer::commit() {
  check(H5Fclose(static_cast<hid_t>(file_)), "closing " + tmp_);
  file_ = -1;
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) throw std::runtime_error("cannot rename " + tmp_ + " to " + path_ + ": " + ec.message());
  committed_ = true;
}

}  // namespace eslabon
