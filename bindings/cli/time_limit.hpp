#pragma once
// --time-limit DURATION on run, compare, rank and sweep (README "Limits"): the wall-clock time
// the command may take. Given, it starts a watchdog that sets the stop flag Ctrl-C sets (g_stop)
// when the time is up, so the work stops at its next check; the command, on Interrupted, asks
// stopped_exit(), which says which of the two stopped it.

#include <CLI/CLI.hpp>

#include <string>

namespace eslabon::cli {

// Adds --time-limit to `cmd`: a duration (90s, 30min, 2h, 1d; a plain number is seconds) > 0,
// else exit 2 with "--time-limit: expected a duration > 0 such as 90s, 30min or 2h, got ...". The
// clock starts when the option is read, before the config is.
void add_time_limit_option(CLI::App* cmd);

// True once the time given to --time-limit has passed.
bool time_limit_reached();

// The end of a command whose work threw Interrupted: by the time limit, "eslabon: --time-limit 2s
// reached: the work stopped before it was done; `outcome`" and exit 1; else by Ctrl-C or SIGTERM,
// "eslabon: interrupted; `outcome`" and exit 130 or 143 (signals.hpp).
int stopped_exit(const std::string& outcome = "nothing written");

}  // namespace eslabon::cli
