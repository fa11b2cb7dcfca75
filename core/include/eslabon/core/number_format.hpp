#pragma once
// How eslabon writes numbers and counts in text (README "Output conventions"): one rule for every
// table, line, note and warning the command line prints, for describe() texts and for the Python
// package's text reports (bound as _core.format_number and _core.noun). Error messages that quote
// a value you wrote keep it in full (distributions/kind.hpp's num), and JSON, HDF5 and CSV keep
// every digit: this is for reading, not for reading back exactly.

#include <string>
#include <string_view>

namespace eslabon {

// A real number as text:
//   "-" for NaN (no value), "inf" and "-inf";
//   4 significant digits, trailing zeros dropped: 0.95, 12.35, 0.001235, 2, 1234;
//   from 9999.5 up to a million, the whole number (an integer part is never rounded off): 12346;
//   scientific from a million up and below 0.0001: 1.235e+06, 2.5e-05;
//   no thousands separator (a number pastes as printed into a spreadsheet or a config), no "-0".
std::string format_number(double x);

// A share as a percentage by the same rule: 0.2534 -> "25.34%".
std::string format_percent(double share);

// The noun that goes with a count: `one` for exactly 1, else `many` (by default `one` + "s"):
// "1 replication", "0 replications", "1 batch" / "3 batches". Counts (replications, events,
// servers) are whole numbers and print in full: fmt::format("{} {}", n, noun(n, "event")).
std::string noun(double count, std::string_view one, std::string_view many = {});

// A measured amount and its noun: format_number(x), then the noun in the singular when that
// reads "1": "1 hour", "2.5 hours", "0.9999 hours", "1 hour" for 1.00001 (printed as 1).
std::string quantity(double x, std::string_view one, std::string_view many = {});

}  // namespace eslabon
