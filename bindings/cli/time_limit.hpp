#pragma once
// --time-limit DURATION on run, compare, rank and sweep (README "Limits"): the wall-clock time
// the command may take. Given, it starts a watchdog that sets the stop flag Ctrl-C sets (g_stop)
// when the time is up, so the work stops at its next check; the command, on Interrupted, asks
// time_limit_reached() and ends with time_limit_exit() instead of the interrupt's exit 130.

#include <CLI/CLI.hpp>

#include <string>

namespace eslabon::cli {

// Adds --time-limit to `cmd`: a duration (90s, 30min, 2h, 1d; a plain number is seconds) > 0,
// else exit 2 with "--time-limit: expected a duration > 0 such as 90s, 30min or 2h, got ...". The
// clock starts when the option is read, before the config is.
void add_time_limit_option(CLI::App* cmd);

// True once the time given to --time-limit has passed.
bool time_limit_reached();

// Says so on stderr ("eslabon: --time-limit 2s reached: ... stopped; `outcome`") and returns exit 1.
int time_limit_exit(const std::string& outcome = "nothing written");

}  // namespace eslabon::cli
