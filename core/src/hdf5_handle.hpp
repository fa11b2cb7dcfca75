#pragma once
// What the HDF5 writer and reader share (private to core/src): an identifier closed when it goes
// out of scope, and HDF5's error codes turned into exceptions.

#include <hdf5.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

namespace eslabon::hdf5 {

struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Handle() {
    if (id >= 0) close(id);
  }
};

// The errno of the system call that made the last HDF5 call of this thread fail (a full disk:
// ENOSPC), from HDF5's error stack ("... errno = 28, error message = ..."); 0 when none did.
inline int io_errno() {
  int code = 0;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        const char* at = e && e->desc ? std::strstr(e->desc, "errno = ") : nullptr;
        if (at && *static_cast<int*>(data) == 0) *static_cast<int*>(data) = std::atoi(at + 8);
        return 0;
      },
      &code);
  return code;
}

// The exception for a failed HDF5 call: a std::system_error carrying the system's errno when a
// system call failed (what() then ends with its text: "No space left on device"), else a
// std::runtime_error.
[[noreturn]] inline void fail(const std::string& what, int code) {
  if (code > 0) throw std::system_error(code, std::generic_category(), "HDF5: " + what + " failed");
  throw std::runtime_error("HDF5: " + what + " failed");
}

inline void check(herr_t status, const std::string& what) {
  if (status < 0) fail(what, io_errno());
}

inline hid_t check_id(hid_t id, const std::string& what) {
  if (id < 0) fail(what, io_errno());
  return id;
}

}  // namespace eslabon::hdf5
