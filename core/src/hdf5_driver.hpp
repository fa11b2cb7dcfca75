#pragma once
// The file driver the HDF5 writer uses (private to core/src): the POSIX driver's work (pread,
// pwrite, ftruncate), except that a write the system refuses (a full disk: ENOSPC) is recorded
// and reported to HDF5 as done. HDF5 1.10 cannot survive a failed write of its metadata cache:
// the cache is left inconsistent, the file can no longer be closed, and the half-freed file
// crashes the process when the library shuts down (at exit: a segfault). With this driver
// HDF5 never sees the failure; the writer checks the recorded errno after each call and throws,
// and the file, whose content is then garbage, is closed cleanly and removed.

#include <hdf5.h>

namespace eslabon::hdf5 {

// A new file access property list selecting the driver (the caller closes it).
hid_t recording_fapl();

// After the file `file` (opened with recording_fapl) is created: where the driver records the
// errno of the first write it could not do, *error stays 0 while every write succeeds. `error`
// must outlive the file.
void record_write_errors(hid_t file, int* error);

}  // namespace eslabon::hdf5
