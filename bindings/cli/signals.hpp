#pragma once
// Ctrl-C handling: runs and sweeps poll a flag instead of dying mid-write.

#include <atomic>

namespace eslabon::cli {

// Set by the first SIGINT or SIGTERM once catch_stop_signals() was called; passed to the
// models as RunControl::stop.
extern std::atomic<bool> g_stop;

// First Ctrl-C (or SIGTERM): stop cleanly at the next check; a second one: the default action.
void catch_stop_signals();

// The exit code of a command stopped by that signal: 128 + its number, as a shell reports a process
// the signal killed: 130 for SIGINT (Ctrl-C), 143 for SIGTERM.
int interrupted_exit_code();

}  // namespace eslabon::cli
