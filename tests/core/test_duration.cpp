#include <gtest/gtest.h>

#include "rungs/core/duration.hpp"

namespace rungs::core {
namespace {

TEST(ParseDuration, UnitsAndCombinations) {
  EXPECT_DOUBLE_EQ(*parse_duration("90s"), 90.0);
  EXPECT_DOUBLE_EQ(*parse_duration("30m"), 1800.0);
  EXPECT_DOUBLE_EQ(*parse_duration("2h"), 7200.0);
  EXPECT_DOUBLE_EQ(*parse_duration("1h30m"), 5400.0);
  EXPECT_DOUBLE_EQ(*parse_duration("1d"), 86400.0);
  EXPECT_DOUBLE_EQ(*parse_duration("45"), 45.0);
  EXPECT_DOUBLE_EQ(*parse_duration("0.5h"), 1800.0);
}

TEST(ParseDuration, RejectsGarbage) {
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("soon"));
  EXPECT_FALSE(parse_duration("5x"));
  EXPECT_FALSE(parse_duration("-5s"));
  EXPECT_FALSE(parse_duration("1h30"));
}

TEST(FormatDuration, ReadableForms) {
  EXPECT_EQ(format_duration(4.25), "4.2s");
  EXPECT_EQ(format_duration(125), "2m05s");
  EXPECT_EQ(format_duration(3723), "1h02m03s");
}

}  // namespace
}  // namespace rungs::core
