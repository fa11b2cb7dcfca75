#include <eslabon/core/hdf5_writer.hpp>

#include <eslabon/core/temporary_file.hpp>

#include "hdf5_driver.hpp"
#include "hdf5_handle.hpp"

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace eslabon {
namespace {

using hdf5::Handle;

// Object headers hold at most 64 KiB; well below that, a table's data goes in its header.
constexpr std::size_t kCompactBytes = 16 * 1024;

}  // namespace

Hdf5Writer::Hdf5Writer(std::string path) : path_(std::move(path)), tmp_(temporary_path(path_)) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions, not stderr noise
  remove_stale_temporaries(path_);
  Handle fapl{hdf5::recording_fapl(), H5Pclose};
  if (fapl.id < 0) hdf5::fail("file driver", 0);
  errno = 0;
  file_ = H5Fcreate(tmp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id);
  if (file_ < 0) {
    const int code = errno;  // the driver's open, which HDF5's error stack does not quote
    std::remove(tmp_.c_str());
    hdf5::fail("creating " + tmp_ + " (the temporary name of " + path_ + ")", code);
  }
  hdf5::record_write_errors(static_cast<hid_t>(file_), &io_error_);
}

// Not committed (an exception: a full disk, say): the temporary file goes. HDF5 closes it first;
// the writes of that close may fail on a full disk, which the driver keeps from HDF5
// (hdf5_driver.hpp), so the close itself does not fail.
Hdf5Writer::~Hdf5Writer() {
  if (file_ >= 0) {
    if (!committed_) release_space();
    H5Fclose(static_cast<hid_t>(file_));
  }
  if (!committed_) std::remove(tmp_.c_str());
}

void Hdf5Writer::release_space() noexcept {
  broken_ = true;
  (void)::truncate(tmp_.c_str(), 0);
}

// A failed call, or a write the driver could not do during it (HDF5 caches what it writes, so the
// write that fails may belong to an earlier call): the file is dropped and the errno thrown.
void Hdf5Writer::ok(int status, const std::string& what) {
  if (status >= 0 && io_error_ == 0) return;
  const int code = io_error_ ? io_error_ : hdf5::io_errno();  // before anything clears HDF5's error stack
  release_space();  // frees the disk at once (the file is garbage now)
  hdf5::fail(what, code);
}

std::int64_t Hdf5Writer::ok_id(std::int64_t id, const std::string& what) {
  ok(id < 0 ? -1 : 0, what);
  return id;
}

void Hdf5Writer::usable() const {
  if (broken_) throw std::logic_error("Hdf5Writer: a write to " + tmp_ + " failed already");
}

std::int64_t Hdf5Writer::vlen_utf8() {
  const hid_t t = ok_id(H5Tcopy(H5T_C_S1), "string type");
  if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
    H5Tclose(t);
    ok(-1, "string type");
  }
  return t;
}

void Hdf5Writer::attribute(const std::string& name, const std::string& value) { attribute(".", name, value); }

void Hdf5Writer::attribute(const std::string& name, std::int64_t value) {
  usable();
  Handle space{ok_id(H5Screate(H5S_SCALAR), "dataspace"), H5Sclose};
  Handle attr{
      ok_id(H5Acreate2(file_, name.c_str(), H5T_STD_I64LE, space.id, H5P_DEFAULT, H5P_DEFAULT), "attribute " + name),
      H5Aclose};
  ok(H5Awrite(attr.id, H5T_NATIVE_INT64, &value), "writing attribute " + name);
}

void Hdf5Writer::attribute(const std::string& object, const std::string& name, const std::string& value) {
  usable();
  Handle type{vlen_utf8(), H5Tclose};
  Handle space{ok_id(H5Screate(H5S_SCALAR), "dataspace"), H5Sclose};
  Handle attr{ok_id(H5Acreate_by_name(file_, object.c_str(), name.c_str(), type.id, space.id, H5P_DEFAULT,
                                         H5P_DEFAULT, H5P_DEFAULT),
                       "attribute " + name + " of " + object),
              H5Aclose};
  const char* s = value.c_str();
  ok(H5Awrite(attr.id, type.id, &s), "writing attribute " + name);
}

void Hdf5Writer::attribute(const std::string& object, const std::string& name, const std::vector<std::string>& values) {
  usable();
  Handle type{vlen_utf8(), H5Tclose};
  hsize_t dims[1] = {values.size()};
  Handle space{ok_id(values.empty() ? H5Screate(H5S_NULL) : H5Screate_simple(1, dims, nullptr), "dataspace"),
               H5Sclose};
  Handle attr{ok_id(H5Acreate_by_name(file_, object.c_str(), name.c_str(), type.id, space.id, H5P_DEFAULT,
                                         H5P_DEFAULT, H5P_DEFAULT),
                       "attribute " + name + " of " + object),
              H5Aclose};
  if (values.empty()) return;
  std::vector<const char*> p;
  for (const auto& v : values) p.push_back(v.c_str());
  ok(H5Awrite(attr.id, type.id, p.data()), "writing attribute " + name);
}

void Hdf5Writer::write(const std::string& path, const Table& table, bool compact_if_small) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // per thread, and a sweep writes from its workers
  usable();
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
  Handle mem{ok_id(H5Tcreate(H5T_COMPOUND, rec), "compound type"), H5Tclose};
  Handle disk{ok_id(H5Tcreate(H5T_COMPOUND, rec), "compound type"), H5Tclose};
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
      strings.ids.push_back(ok_id(H5Tcopy(H5T_C_S1), "string type"));
      mt = ft = strings.ids.back();
      ok(H5Tset_size(mt, size[c]), "string type");
      ok(H5Tset_strpad(mt, H5T_STR_NULLPAD), "string type");
      ok(H5Tset_cset(mt, H5T_CSET_UTF8), "string type");
    }
    ok(H5Tinsert(mem.id, col.name.c_str(), offset[c], mt), "column " + col.name);
    ok(H5Tinsert(disk.id, col.name.c_str(), offset[c], ft), "column " + col.name);
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
  Handle lcpl{ok_id(H5Pcreate(H5P_LINK_CREATE), "property list"), H5Pclose};
  ok(H5Pset_create_intermediate_group(lcpl.id, 1), "property list");
  hsize_t dims[1] = {rows};
  const bool small = compact_if_small && rows * rec <= kCompactBytes;
  hsize_t maxdims[1] = {small ? dims[0] : H5S_UNLIMITED};
  Handle space{ok_id(H5Screate_simple(1, dims, maxdims), "dataspace"), H5Sclose};
  Handle dcpl{ok_id(H5Pcreate(H5P_DATASET_CREATE), "property list"), H5Pclose};
  if (small) {
    ok(H5Pset_layout(dcpl.id, H5D_COMPACT), "compact layout");
  } else {
    hsize_t chunk[1] = {rows == 0 ? 1 : (rows < 4096 ? rows : 4096)};
    ok(H5Pset_chunk(dcpl.id, 1, chunk), "chunking");
    ok(H5Pset_shuffle(dcpl.id), "shuffle filter");
    ok(H5Pset_deflate(dcpl.id, 4), "deflate filter");
  }
  Handle ds{
      ok_id(H5Dcreate2(file_, path.c_str(), disk.id, space.id, lcpl.id, dcpl.id, H5P_DEFAULT), "dataset " + path),
      H5Dclose};
  // The type-conversion buffers sized to the data: HDF5's default allocates and zeroes 1 MiB
  // of each on every write, which dominated writing many small tables (a sweep's points). The
  // two types are the same on a little-endian machine (no conversion); a buffer must hold at
  // least one record.
  Handle dxpl{ok_id(H5Pcreate(H5P_DATASET_XFER), "property list"), H5Pclose};
  const std::size_t need = std::max<std::size_t>(rows, 1) * rec;
  ok(H5Pset_buffer(dxpl.id, std::max(rec, std::min<std::size_t>(need, std::size_t{1} << 20)), nullptr, nullptr),
        "buffer size");
  if (rows > 0) ok(H5Dwrite(ds.id, mem.id, H5S_ALL, H5S_ALL, dxpl.id, buf.data()), "writing " + path);
}

void Hdf5Writer::copy(const Hdf5Reader& from, const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  usable();
  Handle lcpl{ok_id(H5Pcreate(H5P_LINK_CREATE), "property list"), H5Pclose};
  ok(H5Pset_create_intermediate_group(lcpl.id, 1), "property list");
  ok(H5Ocopy(static_cast<hid_t>(from.file_), path.c_str(), file_, path.c_str(), H5P_DEFAULT, lcpl.id),
        "copying " + path + " from " + from.path());
}

void Hdf5Writer::commit() {
  usable();
  // Everything to disk while the file is open: a full disk shows here, and the file is dropped.
  ok(H5Fflush(static_cast<hid_t>(file_), H5F_SCOPE_LOCAL), "writing " + path_);
  const herr_t closed = H5Fclose(static_cast<hid_t>(file_));
  file_ = -1;  // closed or not, never closed twice
  if (closed < 0 || io_error_ != 0) {
    const int code = io_error_ ? io_error_ : hdf5::io_errno();
    std::remove(tmp_.c_str());
    hdf5::fail("closing " + tmp_, code);
  }
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) throw std::system_error(ec, "cannot rename " + tmp_ + " to " + path_);
  committed_ = true;
}

}  // namespace eslabon
