// The one rule for numbers and counts in text output (core/number_format.hpp, README "Output
// conventions"): each case is a boundary of the rule.
#include <eslabon/core/number_format.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

using eslabon::format_number;

TEST(NumberFormat, FourSignificantDigitsWithoutTrailingZeros) {
  EXPECT_EQ(format_number(0.95), "0.95");
  EXPECT_EQ(format_number(0.9500001), "0.95");
  EXPECT_EQ(format_number(12.3456), "12.35");
  EXPECT_EQ(format_number(2.0), "2");
  EXPECT_EQ(format_number(-3.14159), "-3.142");
  EXPECT_EQ(format_number(1234.4), "1234");
  EXPECT_EQ(format_number(0.00123456), "0.001235");
  EXPECT_EQ(format_number(1.0 / 3), "0.3333");
}

TEST(NumberFormat, WholeNumbersFromTenThousandToAMillion) {
  EXPECT_EQ(format_number(9999.4), "9999");
  EXPECT_EQ(format_number(9999.5), "10000");  // not 1e+04: an integer part is never rounded off
  EXPECT_EQ(format_number(12345.6), "12346");
  EXPECT_EQ(format_number(-20000), "-20000");
  EXPECT_EQ(format_number(999999.4), "999999");
}

TEST(NumberFormat, ScientificForHugeAndTiny) {
  EXPECT_EQ(format_number(999999.5), "1e+06");
  EXPECT_EQ(format_number(1234567), "1.235e+06");
  EXPECT_EQ(format_number(-2.5e12), "-2.5e+12");
  EXPECT_EQ(format_number(0.0001), "0.0001");
  EXPECT_EQ(format_number(0.00009999), "9.999e-05");
  EXPECT_EQ(format_number(2.5e-5), "2.5e-05");
  EXPECT_EQ(format_number(std::numeric_limits<double>::denorm_min()), "4.941e-324");
}

TEST(NumberFormat, NoValueInfinityAndZero) {
  EXPECT_EQ(format_number(std::nan("")), "-");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(format_number(0.0), "0");
  EXPECT_EQ(format_number(-0.0), "0");
}

TEST(NumberFormat, NoThousandsSeparatorAndPercentages) {
  EXPECT_EQ(format_number(123456), "123456");
  EXPECT_EQ(eslabon::format_percent(0.2534), "25.34%");
  EXPECT_EQ(eslabon::format_percent(1), "100%");
}

TEST(NumberFormat, NounAgreesWithTheCount) {
  using eslabon::noun;
  EXPECT_EQ(noun(1, "replication"), "replication");
  EXPECT_EQ(noun(0, "replication"), "replications");
  EXPECT_EQ(noun(2, "replication"), "replications");
  EXPECT_EQ(noun(1, "batch", "batches"), "batch");
  EXPECT_EQ(noun(3, "batch", "batches"), "batches");
  EXPECT_EQ(noun(0.5, "hour"), "hours");
}

TEST(NumberFormat, QuantityTakesTheNounOfWhatIsPrinted) {
  using eslabon::quantity;
  EXPECT_EQ(quantity(1, "hour"), "1 hour");
  EXPECT_EQ(quantity(1.00001, "hour"), "1 hour");  // printed as 1
  EXPECT_EQ(quantity(0.99999, "day"), "1 day");
  EXPECT_EQ(quantity(0.9, "day"), "0.9 days");
  EXPECT_EQ(quantity(20000, "hour"), "20000 hours");
  EXPECT_EQ(quantity(std::nan(""), "hour"), "- hours");
}

}  // namespace
