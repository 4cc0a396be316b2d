#include "rungs/core/stall_inspector.hpp"

#include <gtest/gtest.h>

namespace rungs::core {
namespace {

// warn after 10 epochs of silence, lost after 50, never before 5 s.
const StallPolicy kPolicy{10.0, 50.0, 5.0};

TEST(StallInspector, WarnsOnceAfterTenEpochsAndDeclaresLostAfterFifty) {
  StallInspector s(kPolicy);
  s.job_started(WorkerId{1}, TrialId{7}, 0.0);
  s.heard_from(WorkerId{1}, 1.0, true);  // steps of 1 s and 1 s: median 1 s
  s.heard_from(WorkerId{1}, 2.0, true);
  EXPECT_TRUE(s.inspect(11.9).empty());  // quiet 9.9 s < 10 x 1 s
  const auto warned = s.inspect(12.0);   // quiet 10 s
  ASSERT_EQ(warned.size(), 1u);
  EXPECT_FALSE(warned[0].lost);
  EXPECT_EQ(warned[0].worker.value, 1);
  EXPECT_EQ(warned[0].trial.value, 7);
  EXPECT_DOUBLE_EQ(warned[0].quiet_seconds, 10.0);
  EXPECT_DOUBLE_EQ(warned[0].expected_seconds, 1.0);
  EXPECT_TRUE(s.inspect(13.0).empty());  // once per silence
  EXPECT_TRUE(s.inspect(51.9).empty());  // quiet 49.9 s < 50 x 1 s
  const auto lost = s.inspect(52.0);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_TRUE(lost[0].lost);
  EXPECT_TRUE(s.inspect(1000.0).empty());  // no longer watched
}

TEST(StallInspector, AWordEndsTheSilenceAndTheWarning) {
  StallInspector s(kPolicy);
  s.job_started(WorkerId{0}, TrialId{1}, 0.0);
  s.heard_from(WorkerId{0}, 1.0, true);
  s.heard_from(WorkerId{0}, 2.0, true);
  ASSERT_EQ(s.inspect(12.0).size(), 1u);
  s.heard_from(WorkerId{0}, 13.0, true);  // a slow step of 11 s: steps 1, 1, 11, median 1
  EXPECT_TRUE(s.inspect(22.9).empty());
  EXPECT_EQ(s.inspect(23.0).size(), 1u);  // warned again after another 10 s
}

TEST(StallInspector, ATrialWithoutStepsIsJudgedAgainstTheSlowestStepSeen) {
  StallInspector s(kPolicy);
  s.job_started(WorkerId{0}, TrialId{1}, 0.0);
  s.heard_from(WorkerId{0}, 1.0, true);
  s.heard_from(WorkerId{0}, 4.0, true);  // steps 1 s and 3 s: slowest 3 s
  s.job_ended(WorkerId{0});
  s.job_started(WorkerId{2}, TrialId{9}, 10.0);
  EXPECT_DOUBLE_EQ(s.expected_step_seconds(TrialId{9}), 3.0);
  EXPECT_TRUE(s.inspect(39.9).empty());  // 10 x 3 s = 30 s
  EXPECT_EQ(s.inspect(40.0).size(), 1u);
  EXPECT_TRUE(s.inspect(159.9).empty());  // 50 x 3 s = 150 s
  const auto lost = s.inspect(160.0);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_TRUE(lost[0].lost);
  EXPECT_EQ(lost[0].worker.value, 2);
}

TEST(StallInspector, WithNoStepSeenAWorkerIsWarnedAboutButNeverLost) {
  StallInspector s(kPolicy);
  s.job_started(WorkerId{3}, TrialId{0}, 0.0);
  EXPECT_TRUE(s.inspect(4.9).empty());  // min_seconds
  const auto warned = s.inspect(5.0);
  ASSERT_EQ(warned.size(), 1u);
  EXPECT_DOUBLE_EQ(warned[0].expected_seconds, 0.0);
  EXPECT_TRUE(s.inspect(1e6).empty());
}

TEST(StallInspector, IdleWorkersAndEndedJobsAreNotWatched) {
  StallInspector s(kPolicy);
  s.heard_from(WorkerId{5}, 1.0, true);  // no job: ignored
  s.job_started(WorkerId{4}, TrialId{2}, 0.0);
  s.job_ended(WorkerId{4});
  EXPECT_TRUE(s.inspect(1e6).empty());
}

}  // namespace
}  // namespace rungs::core
