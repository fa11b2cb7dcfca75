#include "hdf5_driver.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace eslabon::hdf5 {
namespace {

struct File {
  H5FD_t pub;  // first: HDF5 sees a File as its H5FD_t
  int fd = -1;
  haddr_t eoa = 0;
  haddr_t eof = 0;
  dev_t device = 0;
  ino_t inode = 0;
  int own_error = 0;
  int* error = &own_error;  // record_write_errors points it at the writer's
};

File* of(const H5FD_t* f) { return reinterpret_cast<File*>(const_cast<H5FD_t*>(f)); }

void record(File* f, int code) {
  if (*f->error == 0) *f->error = code ? code : EIO;
}

H5FD_t* open_file(const char* name, unsigned flags, hid_t, haddr_t) {
  int o = O_CLOEXEC | ((flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY);
  if (flags & H5F_ACC_TRUNC) o |= O_TRUNC;
  if (flags & H5F_ACC_CREAT) o |= O_CREAT;
  if (flags & H5F_ACC_EXCL) o |= O_EXCL;
  const int fd = ::open(name, o, 0666);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return nullptr;
  }
  File* f = new File{};
  f->fd = fd;
  f->eof = static_cast<haddr_t>(st.st_size);
  f->device = st.st_dev;
  f->inode = st.st_ino;
  return &f->pub;
}

herr_t close_file(H5FD_t* file) {
  File* f = of(file);
  const int closed = ::close(f->fd);
  if (closed != 0) record(f, errno);  // some file systems report a failed write only here
  delete f;
  return 0;
}

int compare(const H5FD_t* a, const H5FD_t* b) {
  const File* x = of(a);
  const File* y = of(b);
  if (x->device != y->device) return x->device < y->device ? -1 : 1;
  if (x->inode != y->inode) return x->inode < y->inode ? -1 : 1;
  return 0;
}

herr_t query(const H5FD_t*, unsigned long* flags) {
  if (flags)  // as the POSIX (sec2) driver's
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
             H5FD_FEAT_AGGREGATE_SMALLDATA;
  return 0;
}

haddr_t get_eoa(const H5FD_t* file, H5FD_mem_t) { return of(file)->eoa; }

herr_t set_eoa(H5FD_t* file, H5FD_mem_t, haddr_t addr) {
  of(file)->eoa = addr;
  return 0;
}

haddr_t get_eof(const H5FD_t* file, H5FD_mem_t) { return of(file)->eof; }

herr_t get_handle(H5FD_t* file, hid_t, void** handle) {
  *handle = of(file);
  return 0;
}

herr_t read_file(H5FD_t* file, H5FD_mem_t, hid_t, haddr_t addr, size_t size, void* buffer) {
  File* f = of(file);
  auto* p = static_cast<unsigned char*>(buffer);
  while (size > 0) {
    const ssize_t n = ::pread(f->fd, p, size, static_cast<off_t>(addr));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) {  // past the end of the file: zeros, as the POSIX driver reads them
      std::memset(p, 0, size);
      break;
    }
    p += n;
    addr += static_cast<haddr_t>(n);
    size -= static_cast<size_t>(n);
  }
  return 0;
}

herr_t write_file(H5FD_t* file, H5FD_mem_t, hid_t, haddr_t addr, size_t size, const void* buffer) {
  File* f = of(file);
  f->eof = std::max(f->eof, addr + size);
  const auto* p = static_cast<const unsigned char*>(buffer);
  while (size > 0) {
    const ssize_t n = ::pwrite(f->fd, p, size, static_cast<off_t>(addr));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      record(f, n < 0 ? errno : EIO);
      return 0;  // done, as far as HDF5 knows: the writer sees the error and drops the file
    }
    p += n;
    addr += static_cast<haddr_t>(n);
    size -= static_cast<size_t>(n);
  }
  return 0;
}

herr_t truncate_file(H5FD_t* file, hid_t, hbool_t) {
  File* f = of(file);
  if (f->eoa != f->eof) {
    if (::ftruncate(f->fd, static_cast<off_t>(f->eoa)) != 0) record(f, errno);
    f->eof = f->eoa;
  }
  return 0;
}

const H5FD_class_t kDriver = {
    "eslabon_recording",
    (static_cast<haddr_t>(1) << (8 * sizeof(off_t) - 1)) - 1,  // as the POSIX driver's
    H5F_CLOSE_STRONG,  // a close closes every object too: an id a failed write left open cannot keep the file
    nullptr,  // terminate
    nullptr, nullptr, nullptr,  // superblock: no driver information
    0, nullptr, nullptr, nullptr,  // fapl
    0, nullptr, nullptr,  // dxpl
    open_file,
    close_file,
    compare,
    query,
    nullptr,  // get_type_map
    nullptr,  // alloc
    nullptr,  // free
    get_eoa,
    set_eoa,
    get_eof,
    get_handle,
    read_file,
    write_file,
    nullptr,  // flush: as the POSIX driver, none
    truncate_file,
    nullptr,  // lock: a temporary file nobody else opens
    nullptr,  // unlock
    H5FD_FLMAP_DICHOTOMY,
};

}  // namespace

hid_t recording_fapl() {
  static const hid_t driver = H5FDregister(&kDriver);
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0 || driver < 0) return -1;
  if (H5Pset_driver(fapl, driver, nullptr) < 0) {
    H5Pclose(fapl);
    return -1;
  }
  return fapl;
}

void record_write_errors(hid_t file, int* error) {
  void* handle = nullptr;
  if (H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || !handle) return;
  File* f = static_cast<File*>(handle);
  *error = f->own_error;
  f->error = error;
}

}  // namespace eslabon::hdf5
