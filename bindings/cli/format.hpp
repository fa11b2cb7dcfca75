#pragma once
// Number, interval and table formatting shared by the commands' text output.

#include <eslabon/core/confidence.hpp>
#include <eslabon/core/table.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace eslabon::cli {

// A number for a table cell: "-" for NaN, "inf"/"-inf", %.4g below 1e-3 or from 1e6 up,
// one decimal from 1000 up, four decimals otherwise.
std::string fmt_num(double x);
// "mean ± half-width" (just the mean when there is no interval).
std::string fmt_pm(const Interval& iv);
// "[low, high]", or "-" when there is no interval.
std::string fmt_ci(const Interval& iv);

// The named columns of `t`, one row per line: the first left-aligned in `first_width`
// characters, the others right-aligned in 14.
void print_table(const Table& t, const std::vector<std::string>& columns, std::size_t first_width);

}  // namespace eslabon::cli
