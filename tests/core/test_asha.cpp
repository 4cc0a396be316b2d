// ASHA promotion mode against hand-computed cases (Li et al., MLSys 2020,
// Algorithm 2: promote the best unpromoted trial in the top floor(n/eta) of
// the highest rung that has one, else start a new trial at rung 0).
#include <gtest/gtest.h>

#include <vector>

#include "rungs/core/asha.hpp"

namespace rungs::core {
namespace {

class CountingSampler : public Sampler {
 public:
  ParamSet sample(TrialId t) override {
    ParamSet p;
    p.set("id", t.value);
    return p;
  }
};

struct Fixture {
  explicit Fixture(AshaConfig c = {}, ObjectiveMode mode = ObjectiveMode::kMax,
                   SweepLimits limits = {})
      : asha(c, mode, limits, sampler, clock, /*seed=*/1,
             [this](const Decision& d) { decisions.push_back(d); }) {}
  Job next() {
    auto j = asha.next_job(WorkerId{0});
    EXPECT_TRUE(j.has_value());
    return j.value_or(Job{});
  }
  Verdict finish(const Job& j, double metric) {
    return asha.on_report(Report{j.trial, j.to_resource, metric});
  }
  CountingSampler sampler;
  ManualClock clock;
  std::vector<Decision> decisions;
  AshaScheduler asha;
};

TEST(AshaRungs, PowersOfEtaUpToMaxResource) {
  EXPECT_EQ((AshaConfig{3, 1, 27}.rung_resources()), (std::vector<std::int64_t>{1, 3, 9, 27}));
  // 1*3^3 = 27 > 20, so the last rung is max_resource itself.
  EXPECT_EQ((AshaConfig{3, 1, 20}.rung_resources()), (std::vector<std::int64_t>{1, 3, 9, 20}));
  EXPECT_EQ((AshaConfig{2, 2, 16}.rung_resources()), (std::vector<std::int64_t>{2, 4, 8, 16}));
  EXPECT_EQ((AshaConfig{4, 5, 5}.rung_resources()), (std::vector<std::int64_t>{5}));
}

TEST(AshaRungs, RejectsBadConfig) {
  EXPECT_FALSE((AshaConfig{1, 1, 27}.validate().empty()));
  EXPECT_FALSE((AshaConfig{3, 0, 27}.validate().empty()));
  EXPECT_FALSE((AshaConfig{3, 9, 3}.validate().empty()));
  EXPECT_TRUE((AshaConfig{3, 1, 27}.validate().empty()));
}

TEST(AshaPromotion, FirstJobIsNewTrialAtBottomRung) {
  Fixture f;
  const Job j = f.next();
  EXPECT_EQ(j.trial.value, 0);
  EXPECT_EQ(j.rung, 0);
  EXPECT_EQ(j.from_resource, 0);
  EXPECT_EQ(j.to_resource, 1);
  EXPECT_EQ(j.params.get_int("id", -1), 0);
}

TEST(AshaPromotion, NoPromotionWhileRungHoldsFewerThanEta) {
  Fixture f;
  const Job a = f.next(), b = f.next();
  EXPECT_EQ(f.finish(a, 0.9), Verdict::kPause);
  EXPECT_EQ(f.finish(b, 0.5), Verdict::kPause);
  // floor(2/3) = 0: nothing promotable, so a new trial starts.
  const Job c = f.next();
  EXPECT_EQ(c.trial.value, 2);
  EXPECT_EQ(c.rung, 0);
}

TEST(AshaPromotion, PromotesBestAsSoonAsRungHoldsEta) {
  Fixture f;
  Job j[4];
  for (auto& x : j) x = f.next();  // trials 0..3 running
  f.finish(j[0], 0.2);
  f.finish(j[1], 0.7);
  f.finish(j[2], 0.4);
  // Rung 0 has 3 results (trial 3 still runs): floor(3/3) = 1, the best is trial 1.
  const Job p = f.next();
  EXPECT_EQ(p.trial.value, 1);
  EXPECT_EQ(p.rung, 1);
  EXPECT_EQ(p.from_resource, 1);
  EXPECT_EQ(p.to_resource, 3);
  // Trial 1 is taken; the top-1 slot has no other member: a new trial.
  EXPECT_EQ(f.next().trial.value, 4);
}

TEST(AshaPromotion, PromotesTopThirdWhenRungHasNine) {
  Fixture f;
  // Metrics of trials 0..8 at rung 0; the top floor(9/3) = 3 are trials 7, 2, 5.
  const double metric[9] = {0.10, 0.30, 0.85, 0.20, 0.15, 0.80, 0.25, 0.90, 0.05};
  std::vector<Job> jobs;
  for (int i = 0; i < 9; ++i) jobs.push_back(f.next());
  for (int i = 0; i < 9; ++i) f.finish(jobs[i], metric[i]);
  EXPECT_EQ(f.next().trial.value, 7);
  EXPECT_EQ(f.next().trial.value, 2);
  EXPECT_EQ(f.next().trial.value, 5);
  const Job fresh = f.next();  // the 4th best (trial 1) is outside the top third
  EXPECT_EQ(fresh.trial.value, 9);
  EXPECT_EQ(fresh.rung, 0);
}

TEST(AshaPromotion, HigherRungIsServedFirst) {
  Fixture f;
  std::vector<Job> jobs;
  for (int i = 0; i < 9; ++i) jobs.push_back(f.next());
  for (int i = 0; i < 9; ++i) f.finish(jobs[i], 0.1 * i);  // best: 8, 7, 6
  std::vector<Job> rung1 = {f.next(), f.next(), f.next()};  // trials 8, 7, 6 to rung 1
  f.finish(rung1[0], 0.95);
  f.finish(rung1[1], 0.50);
  f.finish(rung1[2], 0.60);
  // Rung 1 now holds 3: its best (trial 8) goes to rung 2 before anything else.
  const Job p = f.next();
  EXPECT_EQ(p.trial.value, 8);
  EXPECT_EQ(p.rung, 2);
  EXPECT_EQ(p.from_resource, 3);
  EXPECT_EQ(p.to_resource, 9);
}

TEST(AshaPromotion, TiesGoToTheEarlierTrial) {
  Fixture f;
  Job j[3] = {f.next(), f.next(), f.next()};
  // Reported in reverse order with equal metrics: trial 0 still wins the tie.
  f.finish(j[2], 0.5);
  f.finish(j[1], 0.5);
  f.finish(j[0], 0.5);
  EXPECT_EQ(f.next().trial.value, 0);
}

TEST(AshaPromotion, MinModePromotesSmallestMetric) {
  Fixture f(AshaConfig{}, ObjectiveMode::kMin);
  Job j[3] = {f.next(), f.next(), f.next()};
  f.finish(j[0], 0.3);
  f.finish(j[1], 0.1);
  f.finish(j[2], 0.2);
  EXPECT_EQ(f.next().trial.value, 1);
}

TEST(AshaPromotion, MaxResourceRungCompletesAndIsNeverPromoted) {
  Fixture f(AshaConfig{2, 1, 2});  // rungs {1, 2}
  Job j[2] = {f.next(), f.next()};
  f.finish(j[0], 0.9);
  f.finish(j[1], 0.1);
  const Job p = f.next();  // floor(2/2) = 1: trial 0 to the top rung
  EXPECT_EQ(p.trial.value, 0);
  EXPECT_EQ(p.to_resource, 2);
  EXPECT_EQ(f.finish(p, 0.95), Verdict::kComplete);
  // The top rung has no rung above it: the next job is a new trial.
  EXPECT_EQ(f.next().trial.value, 2);
  EXPECT_EQ(f.decisions[f.decisions.size() - 2].kind, DecisionKind::kComplete);
}

TEST(AshaPromotion, StepsBeforeRungEndContinue) {
  Fixture f;
  Job j[3] = {f.next(), f.next(), f.next()};
  for (auto& x : j) f.finish(x, x.trial.value == 0 ? 1.0 : 0.0);
  const Job p = f.next();  // trial 0 to rung 1: epochs 2 and 3
  ASSERT_EQ(p.trial.value, 0);
  EXPECT_EQ(f.asha.on_report(Report{p.trial, 2, 0.5}), Verdict::kContinue);
  EXPECT_EQ(f.asha.on_report(Report{p.trial, 3, 0.5}), Verdict::kPause);
}

TEST(AshaPromotion, ReportPastRungEndIsRejected) {
  Fixture f;
  const Job j = f.next();
  EXPECT_THROW(f.asha.on_report(Report{j.trial, 2, 0.5}), std::invalid_argument);
  EXPECT_THROW(f.asha.on_report(Report{TrialId{42}, 1, 0.5}), std::invalid_argument);
}

TEST(AshaLimits, TrialBudgetStopsNewTrialsAndRungThatNeverFillsEndsSweep) {
  Fixture f(AshaConfig{}, ObjectiveMode::kMax, SweepLimits{2, 0, {}});
  Job a = f.next(), b = f.next();
  EXPECT_FALSE(f.asha.next_job(WorkerId{1}).has_value());  // budget spent
  EXPECT_FALSE(f.asha.finished());                         // two still run
  f.finish(a, 0.5);
  f.finish(b, 0.6);
  // Rung 0 holds 2 < eta: it never fills, nothing is promotable, the sweep ends.
  EXPECT_TRUE(f.asha.finished());
  EXPECT_EQ(f.asha.rung_size(0), 2u);
}

TEST(AshaLimits, WallTimeStopsHandingOutJobs) {
  Fixture f(AshaConfig{}, ObjectiveMode::kMax, SweepLimits{0, 60.0, {}});
  const Job a = f.next();
  f.clock.advance(61.0);
  EXPECT_FALSE(f.asha.next_job(WorkerId{0}).has_value());
  EXPECT_FALSE(f.asha.finished());  // trial a still runs
  f.finish(a, 0.1);
  EXPECT_TRUE(f.asha.finished());
}

TEST(AshaFailures, FailedTrialFreesItsSlotAndIsNeverPromoted) {
  Fixture f(AshaConfig{}, ObjectiveMode::kMax, SweepLimits{3, 0, {}});
  Job j[3] = {f.next(), f.next(), f.next()};
  f.asha.on_failure(j[1].trial, "boom");
  EXPECT_EQ(f.asha.running_jobs(), 2u);
  f.finish(j[0], 0.1);
  f.finish(j[2], 0.2);
  // Two results only: nothing promotable, budget spent, nothing running.
  EXPECT_TRUE(f.asha.finished());
  EXPECT_EQ(f.decisions.back().kind, DecisionKind::kPause);
  int fails = 0;
  for (const auto& d : f.decisions) fails += d.kind == DecisionKind::kFail;
  EXPECT_EQ(fails, 1);
}

TEST(AshaDecisions, EveryJobAndRungResultIsLogged) {
  Fixture f;
  Job j[3] = {f.next(), f.next(), f.next()};
  for (auto& x : j) f.finish(x, static_cast<double>(x.trial.value));
  f.next();  // promotes trial 2
  // 3 starts, 3 pauses, 1 promotion.
  ASSERT_EQ(f.decisions.size(), 7u);
  EXPECT_EQ(f.decisions[0].kind, DecisionKind::kStart);
  EXPECT_EQ(f.decisions[3].kind, DecisionKind::kPause);
  EXPECT_EQ(f.decisions[6].kind, DecisionKind::kPromote);
  EXPECT_EQ(f.decisions[6].trial.value, 2);
  EXPECT_EQ(f.decisions[6].rung, 1);
}

TEST(AshaDeterminism, TrainingSeedDependsOnlyOnSweepSeedAndTrial) {
  Fixture f, g;
  const Job f0 = f.next(), g0 = g.next();
  EXPECT_EQ(f0.seed, g0.seed);
  EXPECT_NE(f0.seed, f.next().seed);  // trial 1 has its own seed
}

}  // namespace
}  // namespace rungs::core

namespace rungs::core {
namespace {

// At the bound, the rung ladder neither overflows nor loops: 1, 2, 4, ...,
// 2^39, then 2^40 itself (41 rungs); with eta 1000, 1, 1e3, 1e6, 1e9, 1e12, then 2^40.
TEST(AshaRungs, LadderAtTheResourceBoundStaysExact) {
  const auto r = AshaConfig{2, 1, kMaxResource}.rung_resources();
  ASSERT_EQ(r.size(), 41u);
  EXPECT_EQ(r[39], std::int64_t{1} << 39);
  EXPECT_EQ(r.back(), kMaxResource);
  const auto big = AshaConfig{kMaxEta, 1, kMaxResource}.rung_resources();
  EXPECT_EQ(big, (std::vector<std::int64_t>{1, 1000, 1000000, 1000000000, 1000000000000,
                                            kMaxResource}));
  EXPECT_FALSE((AshaConfig{3, 1, kMaxResource + 1}.validate().empty()));
  EXPECT_FALSE((AshaConfig{kMaxEta + 1, 1, 27}.validate().empty()));
}

}  // namespace
}  // namespace rungs::core
