#pragma once
// Number, interval and table formatting shared by the commands' text output.

#include <eslabon/core/confidence.hpp>
#include <eslabon/core/number_format.hpp>
#include <eslabon/core/table.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace eslabon::cli {

// A number as all text output writes it (core's format_number, README "Output conventions"):
// 4 significant digits, whole numbers from 10000 up, scientific from a million up and below
// 0.0001, "-" for no value.
inline std::string fmt_num(double x) { return format_number(x); }
// "mean ± half-width" (just the mean when there is no interval).
std::string fmt_pm(const Interval& iv);
// "[low, high]", or "-" when there is no interval.
std::string fmt_ci(const Interval& iv);

// The named columns of `t`, one row per line: the first left-aligned in `first_width`
// characters, the others right-aligned in 14.
void print_table(const Table& t, const std::vector<std::string>& columns, std::size_t first_width);

}  // namespace eslabon::cli
