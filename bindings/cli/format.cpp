#include "format.hpp"

#include <fmt/core.h>

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <variant>

namespace eslabon::cli {

std::string fmt_pm(const Interval& iv) {
  std::string cell = fmt_num(iv.mean);
  if (std::isnan(iv.low)) return cell;
  // A proportion's interval clipped to [0, 1] is no longer mean ± h: show its bounds.
  const double below = iv.mean - iv.low, above = iv.high - iv.mean;
  if (std::fabs(below - above) > 1e-9 * (std::fabs(iv.mean) + above + below))
    return cell + " [" + fmt_num(iv.low) + ", " + fmt_num(iv.high) + "]";
  return cell + " ± " + fmt_num(iv.half_width());
}

std::string fmt_ci(const Interval& iv) {
  if (std::isnan(iv.low)) return "-";
  return fmt::format("[{}, {}]", fmt_num(iv.low), fmt_num(iv.high));
}

void print_table(const Table& t, const std::vector<std::string>& columns, std::size_t first_width) {
  auto cell_out = [&](std::size_t c, const std::string& text) {
    if (c == 0)
      fmt::print("{:<{}}", text, first_width);
    else
      fmt::print(" {:>{}}", text, 14);
  };
  for (std::size_t c = 0; c < columns.size(); ++c) cell_out(c, columns[c]);
  fmt::print("\n");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const Column* col = t.find(columns[c]);
      std::string cell;
      std::visit(
          [&](const auto& v) {
            using T = typename std::decay_t<decltype(v)>::value_type;
            if constexpr (std::is_same_v<T, double>)
              cell = fmt_num(v[r]);
            else if constexpr (std::is_same_v<T, std::int64_t>)
              cell = std::to_string(v[r]);
            else
              cell = v[r];
          },
          col->data);
      cell_out(c, cell);
    }
    fmt::print("\n");
  }
}

}  // namespace eslabon::cli
