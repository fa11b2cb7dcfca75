#pragma once
// What the HDF5 writer and reader share (private to core/src): an identifier closed when it goes
// out of scope, and HDF5's error codes turned into exceptions.

#include <hdf5.h>

#include <stdexcept>
#include <string>

namespace eslabon::hdf5 {

struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Handle() {
    if (id >= 0) close(id);
  }
};

inline void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5: " + what + " failed");
}

inline hid_t check_id(hid_t id, const std::string& what) {
  if (id < 0) throw std::runtime_error("HDF5: " + what + " failed");
  return id;
}

}  // namespace eslabon::hdf5
