#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "rungs/core/sampler.hpp"

namespace rungs::core {
namespace {

SearchSpace demo_space() {
  SearchSpace s;
  s.add(ParamSpec::float_range("lr", 1e-4, 1e-1, true));
  s.add(ParamSpec::float_range("dropout", 0.0, 0.5));
  s.add(ParamSpec::int_range("layers", 1, 3));
  s.add(ParamSpec::int_set("hidden", {32, 64, 128, 256}));
  s.add(ParamSpec::categorical("optimizer", {"adam", "adamw", "sgd"}, {2, 1, 1}));
  return s;
}

TEST(RandomSampler, SameSeedAndTrialGiveSameConfiguration) {
  RandomSampler a(demo_space(), 7), b(demo_space(), 7);
  // Ask b in a different order: the draw depends on the trial id only.
  const ParamSet b5 = b.sample(TrialId{5});
  b.sample(TrialId{3});
  EXPECT_EQ(a.sample(TrialId{5}), b5);
  EXPECT_EQ(a.sample(TrialId{3}), b.sample(TrialId{3}));
}

TEST(RandomSampler, DifferentSeedsOrTrialsDiffer) {
  RandomSampler a(demo_space(), 7), b(demo_space(), 8);
  EXPECT_NE(a.sample(TrialId{0}).get_double("lr", 0), b.sample(TrialId{0}).get_double("lr", 0));
  EXPECT_NE(a.sample(TrialId{0}).get_double("lr", 0), a.sample(TrialId{1}).get_double("lr", 0));
}

TEST(RandomSampler, ValuesHaveTheRightTypeAndRange) {
  RandomSampler s(demo_space(), 1);
  std::set<std::int64_t> layers, hidden;
  for (int i = 0; i < 5000; ++i) {
    const ParamSet p = s.sample(TrialId{i});
    ASSERT_TRUE(std::holds_alternative<double>(*p.find("lr")));
    ASSERT_TRUE(std::holds_alternative<std::int64_t>(*p.find("layers")));
    ASSERT_TRUE(std::holds_alternative<std::string>(*p.find("optimizer")));
    const double lr = p.get_double("lr", -1);
    EXPECT_GE(lr, 1e-4);
    EXPECT_LE(lr, 1e-1);
    const double d = p.get_double("dropout", -1);
    EXPECT_GE(d, 0.0);
    EXPECT_LT(d, 0.5);
    layers.insert(p.get_int("layers", -1));
    hidden.insert(p.get_int("hidden", -1));
  }
  EXPECT_EQ(layers, (std::set<std::int64_t>{1, 2, 3}));  // both ends reachable
  EXPECT_EQ(hidden, (std::set<std::int64_t>{32, 64, 128, 256}));
}

TEST(RandomSampler, LogRangeIsUniformInLogSpace) {
  RandomSampler s(demo_space(), 3);
  // Uniform in log10: P(lr < 1e-3) = (−3 − (−4)) / (−1 − (−4)) = 1/3.
  int below = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) below += s.sample(TrialId{i}).get_double("lr", 0) < 1e-3;
  // Binomial sd = sqrt(n p (1-p)) = 66.7; allow 5 sd.
  EXPECT_NEAR(below, n / 3.0, 5 * 66.7);
}

TEST(RandomSampler, CategoricalWeightsAreHonoured) {
  RandomSampler s(demo_space(), 4);
  std::map<std::string, int> count;
  const int n = 20000;
  for (int i = 0; i < n; ++i) ++count[s.sample(TrialId{i}).get_string("optimizer", "")];
  // Weights 2:1:1 -> p = 0.5, 0.25, 0.25; sd for p = 0.5 is 70.7, for 0.25 is 61.2.
  EXPECT_NEAR(count["adam"], n * 0.5, 5 * 70.7);
  EXPECT_NEAR(count["adamw"], n * 0.25, 5 * 61.2);
  EXPECT_NEAR(count["sgd"], n * 0.25, 5 * 61.2);
}

TEST(RandomSampler, LogIntRangeReachesBothEnds) {
  SearchSpace space;
  space.add(ParamSpec::int_range("batch_size", 16, 256, true));
  RandomSampler s(space, 9);
  std::int64_t lo = 1000, hi = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto v = s.sample(TrialId{i}).get_int("batch_size", 0);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  EXPECT_EQ(lo, 16);
  EXPECT_EQ(hi, 256);
}

TEST(RandomSampler, FixedParametersAlwaysTakeTheirValue) {
  SearchSpace space = demo_space();
  space.add(ParamSpec::constant("epochs", std::int64_t{27}));
  space.add(ParamSpec::constant("schedule", std::string("cosine")));
  RandomSampler s(space, 2);
  for (int i = 0; i < 1000; ++i) {
    const ParamSet p = s.sample(TrialId{i});
    ASSERT_TRUE(p.has("epochs"));
    EXPECT_EQ(std::get<std::int64_t>(*p.find("epochs")), 27);
    EXPECT_EQ(std::get<std::string>(*p.find("schedule")), "cosine");
  }
}

TEST(RandomSampler, IntStepIsRespectedAndBothEndsReached) {
  SearchSpace space;
  ParamSpec hidden = ParamSpec::int_range("hidden", 16, 250);
  hidden.step = 16;  // 16, 32, ..., 240: 15 values (256 > 250)
  space.add(hidden);
  RandomSampler s(space, 5);
  std::set<std::int64_t> seen;
  for (int i = 0; i < 5000; ++i) seen.insert(s.sample(TrialId{i}).get_int("hidden", 0));
  std::set<std::int64_t> expected;
  for (std::int64_t v = 16; v <= 240; v += 16) expected.insert(v);
  EXPECT_EQ(seen, expected);
}

TEST(RandomSampler, InactiveParametersAreLeftOut) {
  SearchSpace space;
  space.add(ParamSpec::categorical("optimizer", {"adam", "sgd"}));
  ParamSpec momentum = ParamSpec::float_range("momentum", 0.0, 0.99);
  momentum.when.push_back(Condition{"optimizer", {std::string("sgd")}});
  space.add(momentum);
  RandomSampler s(space, 6);
  int with_momentum = 0;
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    const ParamSet p = s.sample(TrialId{i});
    EXPECT_EQ(p.has("momentum"), p.get_string("optimizer", "") == "sgd") << p.to_string();
    with_momentum += p.has("momentum");
  }
  // sgd with p = 1/2: sd = sqrt(4000 / 4) = 31.6; allow 5 sd.
  EXPECT_NEAR(with_momentum, n / 2, 5 * 31.6);
}

}  // namespace
}  // namespace rungs::core
