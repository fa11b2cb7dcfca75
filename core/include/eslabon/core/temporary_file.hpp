#pragma once
// The temporary files every writer uses (README "Where results may be written"): a file OUT is
// written as ".OUT.tmp-PID" beside it (PID: the writing process) and renamed onto OUT when
// complete. A process killed outright (SIGKILL, a power cut) leaves that file behind; the next
// writer of OUT removes it, and every other ".OUT.tmp-PID" whose process is no longer running.

#include <cstddef>
#include <string>

namespace eslabon {

// ".NAME.tmp-PID" beside `path`, for this process.
std::string temporary_path(const std::string& path);

// How many bytes a temporary name adds to the file name at most: "." and ".tmp-" and a PID
// (Linux PIDs have at most 7 digits; 10 leaves room). An output's name must be shorter than
// the file system's limit (NAME_MAX) by this much.
inline constexpr std::size_t kTemporaryNameExtra = 1 + 5 + 10;

// Removes the temporaries of `path` left by processes that no longer run: ".NAME.tmp-PID" files
// (or directories: --csv's) whose PID is not a live process of this machine, and ".NAME.part"
// (the name an earlier version gave a sweep's file being built). Never this process's, never
// another output's; errors are ignored (what cannot be removed stays). Returns how many went.
std::size_t remove_stale_temporaries(const std::string& path);

}  // namespace eslabon
