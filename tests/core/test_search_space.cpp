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

ParamSpec stepped(std::int64_t low, std::int64_t high, std::int64_t step) {
  ParamSpec s = ParamSpec::int_range("hidden", low, high);
  s.step = step;
  return s;
}

TEST(ParamSpecValidate, StepMustBePositiveAndLeaveTwoValues) {
  EXPECT_NE(stepped(0, 10, 0).validate().find("step must be >= 1"), std::string::npos);
  // 10 - 0 = 10 < 12: only 0 could be drawn.
  EXPECT_NE(stepped(0, 10, 12).validate().find("larger than high - low"), std::string::npos);
  EXPECT_TRUE(stepped(0, 10, 10).validate().empty());  // 0 and 10
}

TEST(ParamSpecValidate, HighNeedNotBeOnTheStepGrid) {
  const ParamSpec s = stepped(16, 250, 16);
  EXPECT_TRUE(s.validate().empty()) << s.validate();
  // 16 + 14 * 16 = 240 <= 250 < 256: 15 values, the top one 240.
  EXPECT_EQ(s.int_count(), 15);
  EXPECT_EQ(s.int_top(), 240);
  EXPECT_TRUE(s.can_take(ParamValue{std::int64_t{240}}));
  EXPECT_FALSE(s.can_take(ParamValue{std::int64_t{250}}));
  EXPECT_FALSE(s.can_take(ParamValue{std::int64_t{17}}));
}

TEST(ParamSpecValidate, StepOnlyOnLinearIntRanges) {
  ParamSpec f = ParamSpec::float_range("lr", 0.0, 1.0);
  f.step = 2;
  EXPECT_NE(f.validate().find("int ranges only"), std::string::npos) << f.validate();
  ParamSpec choices = ParamSpec::int_set("hidden", {32, 64});
  choices.step = 2;
  EXPECT_NE(choices.validate().find("not to choices"), std::string::npos) << choices.validate();
  ParamSpec log_int = ParamSpec::int_range("batch", 16, 256, true);
  log_int.step = 16;
  EXPECT_NE(log_int.validate().find("log: true and step"), std::string::npos) << log_int.validate();
}

TEST(ParamSpecValidate, GridPointsAreAtLeastTwoAndForFloatsOnly) {
  ParamSpec f = ParamSpec::float_range("lr", 0.1, 1.0);
  f.grid_points = 1;
  EXPECT_NE(f.validate().find("at least 2"), std::string::npos) << f.validate();
  f.grid_points = 2;
  EXPECT_TRUE(f.validate().empty());
  ParamSpec i = ParamSpec::int_range("layers", 1, 4);
  i.grid_points = 3;
  EXPECT_NE(i.validate().find("float ranges only"), std::string::npos) << i.validate();
}

TEST(ParamSpecValidate, FixedValuesMustHaveTheParametersType) {
  ParamSpec s = ParamSpec::int_range("layers", 1, 4);
  s.fixed = std::string("two");
  EXPECT_NE(s.validate().find("whole number"), std::string::npos) << s.validate();
  s.fixed = 2.5;
  EXPECT_FALSE(s.validate().empty());
  s.fixed = 2.0;  // a whole double is an int
  EXPECT_TRUE(s.validate().empty());
  ParamSpec c = ParamSpec::categorical("opt", {"adam"});
  c.fixed = std::int64_t{3};
  EXPECT_NE(c.validate().find("string"), std::string::npos) << c.validate();
  ParamSpec f = ParamSpec::float_range("lr", 0.1, 1.0);
  f.fixed = std::string("fast");
  EXPECT_FALSE(f.validate().empty());
}

TEST(ParamSpec, ConstantTakesItsTypeFromTheValueAndNeedsNoRange) {
  EXPECT_EQ(ParamSpec::constant("lr", 0.01).type, ParamType::kFloat);
  EXPECT_EQ(ParamSpec::constant("layers", std::int64_t{2}).type, ParamType::kInt);
  EXPECT_EQ(ParamSpec::constant("opt", std::string("sgd")).type, ParamType::kCategorical);
  EXPECT_TRUE(ParamSpec::constant("lr", 0.01).validate().empty());
}

TEST(SearchSpace, FixedIntGivenForAFloatIsStoredAsADouble) {
  ParamSpec s = ParamSpec::float_range("momentum", 0.0, 1.0);
  s.fixed = std::int64_t{1};
  SearchSpace space;
  space.add(s);
  ASSERT_TRUE(space.find("momentum")->fixed.has_value());
  EXPECT_TRUE(std::holds_alternative<double>(*space.find("momentum")->fixed));
}

ParamSpec when(ParamSpec s, const std::string& parent, std::vector<ParamValue> values) {
  s.when.push_back(Condition{parent, std::move(values)});
  return s;
}

TEST(SearchSpace, WhenMustNameAnEarlierParameter) {
  SearchSpace s;
  EXPECT_THROW(s.add(when(ParamSpec::float_range("momentum", 0, 1), "optimizer",
                          {std::string("sgd")})),
               std::invalid_argument);
  s.add(ParamSpec::categorical("optimizer", {"adam", "sgd"}));
  EXPECT_NO_THROW(s.add(when(ParamSpec::float_range("momentum", 0, 1), "optimizer",
                             {std::string("sgd")})));
}

TEST(SearchSpace, WhenMustNameAValueTheParentCanTake) {
  SearchSpace s;
  s.add(ParamSpec::categorical("optimizer", {"adam", "sgd"}));
  s.add(ParamSpec::int_range("layers", 1, 3));
  try {
    s.add(when(ParamSpec::float_range("momentum", 0, 1), "optimizer", {std::string("sdg")}));
    FAIL() << "a misspelt value must be rejected";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("never takes the value sdg"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(s.add(when(ParamSpec::float_range("d", 0, 1), "layers", {std::int64_t{4}})),
               std::invalid_argument);
}

TEST(SearchSpace, ConditionsOnFloatsAreNotSupported) {
  SearchSpace s;
  s.add(ParamSpec::float_range("lr", 0.1, 1.0));
  try {
    s.add(when(ParamSpec::int_range("warmup", 1, 5), "lr", {0.5}));
    FAIL() << "a condition on a float must be rejected";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("float parameters are not supported"),
              std::string::npos) << e.what();
  }
}

TEST(SearchSpace, ConditionValuesTakeTheParentsType) {
  SearchSpace s;
  s.add(ParamSpec::categorical("width", {"16", "32"}));
  s.add(ParamSpec::int_range("layers", 1, 3));
  // YAML may hand `when: {width: 32}` over as a number, `{layers: "2"}` as text.
  s.add(when(ParamSpec::float_range("a", 0, 1), "width", {std::int64_t{32}}));
  s.add(when(ParamSpec::float_range("b", 0, 1), "layers", {std::string("2")}));
  ParamSet p;
  p.set("width", std::string("32"));
  p.set("layers", std::int64_t{2});
  EXPECT_TRUE(SearchSpace::is_active(*s.find("a"), p));
  EXPECT_TRUE(SearchSpace::is_active(*s.find("b"), p));
}

TEST(SearchSpace, ActiveOnlyWhenEveryParentHasOneOfItsValues) {
  SearchSpace s;
  s.add(ParamSpec::categorical("optimizer", {"adam", "sgd", "rmsprop"}));
  s.add(ParamSpec::int_range("layers", 1, 3));
  ParamSpec m = when(ParamSpec::float_range("momentum", 0, 1), "optimizer",
                     {std::string("sgd"), std::string("rmsprop")});
  m = when(m, "layers", {std::int64_t{3}});
  s.add(m);
  const ParamSpec& spec = *s.find("momentum");
  ParamSet p;
  EXPECT_FALSE(SearchSpace::is_active(spec, p));  // parents absent: inactive
  p.set("optimizer", std::string("rmsprop"));
  p.set("layers", std::int64_t{3});
  EXPECT_TRUE(SearchSpace::is_active(spec, p));
  p.set("layers", std::int64_t{2});
  EXPECT_FALSE(SearchSpace::is_active(spec, p));
  p.set("layers", std::int64_t{3});
  p.set("optimizer", std::string("adam"));
  EXPECT_FALSE(SearchSpace::is_active(spec, p));
  EXPECT_TRUE(SearchSpace::is_active(*s.find("layers"), ParamSet{}));  // no conditions
}

TEST(ParamSpec, ValueAtCoversTheDomain) {
  // u in [0, 1) maps to ints by floor(u * count): 3 values at 0, 1/3, 2/3.
  const ParamSpec s = stepped(0, 7, 3);  // 0, 3, 6
  EXPECT_EQ(std::get<std::int64_t>(s.value_at(0.0)), 0);
  EXPECT_EQ(std::get<std::int64_t>(s.value_at(0.34)), 3);
  EXPECT_EQ(std::get<std::int64_t>(s.value_at(0.999999)), 6);
  // Weights 2:1:1 -> adam on [0, 0.5), adamw on [0.5, 0.75), sgd on [0.75, 1).
  const ParamSpec c = ParamSpec::categorical("opt", {"adam", "adamw", "sgd"}, {2, 1, 1});
  EXPECT_EQ(std::get<std::string>(c.value_at(0.49)), "adam");
  EXPECT_EQ(std::get<std::string>(c.value_at(0.5)), "adamw");
  EXPECT_EQ(std::get<std::string>(c.value_at(0.76)), "sgd");
  // Log range: the midpoint in log space of 1e-4 and 1e-2 is 1e-3.
  EXPECT_NEAR(std::get<double>(ParamSpec::float_range("lr", 1e-4, 1e-2, true).value_at(0.5)),
              1e-3, 1e-15);
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
