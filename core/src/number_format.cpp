#include <eslabon/core/number_format.hpp>

#include <cmath>
#include <cstdio>

namespace eslabon {
namespace {

std::string printed(const char* format, double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, format, x);
  return buf;
}

}  // namespace

std::string format_number(double x) {
  if (std::isnan(x)) return "-";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (x == 0) return "0";  // -0 too
  const double a = std::fabs(x);
  // Below 9999.5, %.4g writes plain notation from 0.0001 up (its exponent, after rounding to 4
  // digits, is in [-4, 3]) and drops trailing zeros.
  if (a >= 1e-4 && a < 9999.5) return printed("%.4g", x);
  if (a >= 9999.5 && std::fabs(std::round(x)) < 1e6) return printed("%.0f", std::round(x));
  return printed("%.4g", x);  // a million and up, or below 0.0001: scientific
}

std::string format_percent(double share) { return format_number(100 * share) + "%"; }

std::string noun(double count, std::string_view one, std::string_view many) {
  if (count == 1) return std::string(one);
  return many.empty() ? std::string(one) + "s" : std::string(many);
}

std::string quantity(double x, std::string_view one, std::string_view many) {
  const std::string number = format_number(x);
  return number + " " + noun(number == "1" ? 1.0 : 2.0, one, many);
}

}  // namespace eslabon
