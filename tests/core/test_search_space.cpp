#include <gtest/gtest.h>

#include "rungs/core/search_space.hpp"

namespace rungs::core {
namespace {

TEST(ParamSpecValidate, LogRangeNeedsPositiveLow) {
  const std::string why = ParamSpec::float_range("lr", 0.0, 1.0, true).validate();
  EXPECT_NE(why.find("low > 0"), std::string::npos) << why;
}

TEST(ParamSpecValidate, LowMustBeBelowHigh) {
  EXPECT_NE(ParamSpec::float_range("x", 2.0, 1.0).validate().find("less than high"),
            std::string::npos);
  EXPECT_FALSE(ParamSpec::int_range("n", 3, 3).validate().empty());
}

TEST(ParamSpecValidate, EmptyChoicesRejected) {
  EXPECT_NE(ParamSpec::categorical("opt", {}).validate().find("empty"), std::string::npos);
}

TEST(ParamSpecValidate, WeightsMustMatchChoices) {
  EXPECT_FALSE(ParamSpec::categorical("opt", {"a", "b"}, {1.0}).validate().empty());
  EXPECT_FALSE(ParamSpec::categorical("opt", {"a", "b"}, {0.0, 0.0}).validate().empty());
  EXPECT_FALSE(ParamSpec::categorical("opt", {"a", "b"}, {-1.0, 2.0}).validate().empty());
  EXPECT_TRUE(ParamSpec::categorical("opt", {"a", "b"}, {3.0, 1.0}).validate().empty());
}

TEST(SearchSpace, RejectsDuplicateNames) {
  SearchSpace s;
  s.add(ParamSpec::float_range("lr", 0.1, 1.0));
  EXPECT_THROW(s.add(ParamSpec::float_range("lr", 0.1, 1.0)), std::invalid_argument);
  EXPECT_NE(s.find("lr"), nullptr);
  EXPECT_EQ(s.find("momentum"), nullptr);
}

TEST(ParamSet, TypedReadsWithFallbacks) {
  ParamSet p;
  p.set("lr", 0.5);
  p.set("hidden", std::int64_t{64});
  p.set("optimizer", std::string("sgd"));
  EXPECT_DOUBLE_EQ(p.get_double("lr", 0), 0.5);
  EXPECT_DOUBLE_EQ(p.get_double("hidden", 0), 64.0);  // an int read as a double
  EXPECT_EQ(p.get_int("hidden", 0), 64);
  EXPECT_EQ(p.get_string("optimizer", ""), "sgd");
  EXPECT_EQ(p.get_int("layers", 2), 2);
  EXPECT_THROW(p.get_double("optimizer", 0), std::invalid_argument);
  EXPECT_EQ(p.to_string(), "lr=0.5 hidden=64 optimizer=sgd");
}

}  // namespace
}  // namespace rungs::core
