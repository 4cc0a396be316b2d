// Checks the archive that the 4-rank sweep (CTest mpi.sweep_4ranks) wrote.
// The archive path comes from RUNGS_ARCHIVE; the expected rank count from
// RUNGS_EXPECT_RANKS.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>

#include "rungs/io/archive.hpp"

namespace rungs {
namespace {

struct SweepArchive : ::testing::Test {
  static void SetUpTestSuite() {
    const char* path = std::getenv("RUNGS_ARCHIVE");
    ASSERT_NE(path, nullptr) << "set RUNGS_ARCHIVE";
    record = new core::SweepRecord(io::read_archive(path));
  }
  static void TearDownTestSuite() { delete record; }
  static core::SweepRecord* record;
};
core::SweepRecord* SweepArchive::record = nullptr;

TEST_F(SweepArchive, SweepFinishedWithEveryTrialOfTheBudget) {
  EXPECT_EQ(record->metadata.state, "finished");
  EXPECT_EQ(record->metadata.mpi_size, std::atoi(std::getenv("RUNGS_EXPECT_RANKS")));
  EXPECT_EQ(record->trials.size(), 12u);  // sampler.trials in sweep_small.yaml
  for (const auto& t : record->trials) {
    EXPECT_NE(t.status, core::TrialStatus::kRunning) << "trial " << t.id.value;
    EXPECT_NE(t.status, core::TrialStatus::kPaused) << "trial " << t.id.value;
  }
}

TEST_F(SweepArchive, RankZeroTrainedToo) {
  std::set<int> ranks;
  for (const auto& t : record->trials) ranks.insert(t.rank);
  EXPECT_EQ(ranks.count(0), 1u) << "rank 0 ran no trial";
  EXPECT_GE(ranks.size(), 2u);
}

TEST_F(SweepArchive, InjectedFailureIsFailedAndOthersAreNot) {
  for (const auto& t : record->trials) {
    if (t.id.value == 2) {
      EXPECT_EQ(t.status, core::TrialStatus::kFailed);
      EXPECT_NE(t.error.find("injected failure"), std::string::npos) << t.error;
    } else {
      EXPECT_NE(t.status, core::TrialStatus::kFailed) << "trial " << t.id.value << ": " << t.error;
    }
  }
}

TEST_F(SweepArchive, EveryTrialHasItsWholeCurve) {
  std::map<std::int64_t, std::set<std::int64_t>> steps;
  for (const auto& p : record->curves) steps[p.trial.value].insert(p.step);
  int completed = 0;
  for (const auto& t : record->trials) {
    if (t.status == core::TrialStatus::kFailed) continue;
    completed += t.status == core::TrialStatus::kCompleted;
    if (t.status == core::TrialStatus::kCompleted) EXPECT_EQ(t.resource, 9);
    std::set<std::int64_t> expected;
    for (std::int64_t s = 1; s <= t.resource; ++s) expected.insert(s);
    EXPECT_EQ(steps[t.id.value], expected) << "trial " << t.id.value;
  }
  // 11 trials reach rung 1; the top floor(11/3) = 3 reach rung 3, whose best
  // floor(3/3) = 1 reaches 9 epochs: at least one trial completes.
  EXPECT_GE(completed, 1);
}

TEST_F(SweepArchive, DecisionsStartEveryTrial) {
  std::set<std::int64_t> started;
  for (const auto& d : record->decisions) {
    if (d.kind == core::DecisionKind::kStart) started.insert(d.trial.value);
  }
  EXPECT_EQ(started.size(), record->trials.size());
}

}  // namespace
}  // namespace rungs
