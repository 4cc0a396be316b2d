// The LibTorch MLP runner on a small synthetic data set, on the CPU.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "rungs/io/dataset.hpp"
#include "rungs/train/task.hpp"
#include "rungs/train/trial_runner.hpp"

namespace rungs::train {
namespace {

namespace fs = std::filesystem;
using classification::kTrainLoss;
using classification::kValAccuracy;

struct RunnerFixture : ::testing::Test {
  void SetUp() override {
    const char* tmp = std::getenv("RUNGS_TEST_TMP");
    dir = fs::path(tmp ? tmp : "/tmp") /
          ("train_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    io::SynthOptions o;
    o.train_rows = 600;
    o.val_rows = 300;
    o.features = 8;
    o.classes = 3;
    data = io::synthesize_dataset(o);
    set_compute_threads(1);
  }
  std::unique_ptr<TrialRunner> runner(std::vector<std::int64_t> fail = {},
                                      std::int64_t checkpoint_every = 1) {
    RunnerOptions ro;
    ro.checkpoint_dir = dir.string();
    ro.device = "cpu";
    ro.fail_trials = std::move(fail);
    ro.checkpoint_every = checkpoint_every;
    return make_runner(data, ro);
  }
  static core::Job job(std::int64_t trial, std::int64_t from, std::int64_t to, double lr = 3e-3) {
    core::Job j;
    j.trial = core::TrialId{trial};
    j.from_resource = from;
    j.to_resource = to;
    j.seed = 1234;
    j.params.set("lr", lr);
    j.params.set("hidden", std::int64_t{32});
    j.params.set("batch_size", std::int64_t{32});
    return j;
  }
  fs::path dir;
  io::Dataset data;
};

TEST_F(RunnerFixture, ReportsEveryEpochAndLearns) {
  std::vector<core::CurvePoint> steps;
  runner()->run(job(0, 0, 4), [&](const core::CurvePoint& m) { steps.push_back(m); return StepAction::kContinue; });
  ASSERT_EQ(steps.size(), 4u);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].step, static_cast<long>(i + 1));
    EXPECT_EQ(steps[i].trial, core::TrialId{0});
    // One value per metric the classification task declares.
    EXPECT_EQ(steps[i].values.size(), task_metrics(Task::kClassification).size());
  }
  EXPECT_GT(steps.back().values[kValAccuracy], 0.5);  // chance is 1/3
  EXPECT_LT(steps.back().values[kTrainLoss], steps.front().values[kTrainLoss]);
  EXPECT_GT(steps.back().seconds, 0.0);
  EXPECT_TRUE(fs::exists(checkpoint_path(dir.string(), core::TrialId{0}, 4)));
}

TEST_F(RunnerFixture, ResumedTrainingMatchesUnbrokenTraining) {
  std::vector<core::CurvePoint> unbroken, resumed;
  auto r = runner();
  r->run(job(0, 0, 3), [&](const core::CurvePoint& m) { unbroken.push_back(m); return StepAction::kContinue; });
  r->run(job(1, 0, 1), [&](const core::CurvePoint& m) { resumed.push_back(m); return StepAction::kContinue; });
  r->run(job(1, 1, 3), [&](const core::CurvePoint& m) { resumed.push_back(m); return StepAction::kContinue; });
  ASSERT_EQ(resumed.size(), 3u);
  // Same seed, same params: the checkpoint carries model, optimizer and epoch,
  // and batches derive from (seed, epoch), so the curves agree exactly.
  for (int i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(resumed[i].values[kTrainLoss], unbroken[i].values[kTrainLoss]) << "epoch " << i + 1;
    EXPECT_DOUBLE_EQ(resumed[i].values[kValAccuracy], unbroken[i].values[kValAccuracy]) << "epoch " << i + 1;
  }
}

TEST_F(RunnerFixture, ResumeIsExactWithDropoutToo) {
  std::vector<core::CurvePoint> unbroken, resumed;
  auto r = runner();
  core::Job a = job(0, 0, 2), b1 = job(1, 0, 1), b2 = job(1, 1, 2);
  for (core::Job* j : {&a, &b1, &b2}) j->params.set("dropout", 0.3);
  r->run(a, [&](const core::CurvePoint& m) { unbroken.push_back(m); return StepAction::kContinue; });
  r->run(b1, [&](const core::CurvePoint& m) { resumed.push_back(m); return StepAction::kContinue; });
  r->run(b2, [&](const core::CurvePoint& m) { resumed.push_back(m); return StepAction::kContinue; });
  ASSERT_EQ(resumed.size(), 2u);
  EXPECT_DOUBLE_EQ(resumed[1].values[kTrainLoss], unbroken[1].values[kTrainLoss]);
}

TEST_F(RunnerFixture, StopRequestEndsTheJobAfterThatStep) {
  int steps = 0;
  runner({}, /*checkpoint_every=*/0)->run(job(3, 0, 5), [&](const core::CurvePoint&) {
    return ++steps < 2 ? StepAction::kContinue : StepAction::kStop;
  });
  EXPECT_EQ(steps, 2);
  // Saving only at a job's end: a stopped job writes no checkpoint.
  for (int e = 1; e <= 5; ++e) {
    EXPECT_FALSE(fs::exists(checkpoint_path(dir.string(), core::TrialId{3}, e)));
  }
}

// checkpoint.every: each checkpoint is on disk before its step is reported,
// at multiples of `every` and at the job's end; none in between.
TEST_F(RunnerFixture, CheckpointsEveryNEpochsBeforeEachStepIsReported) {
  std::vector<bool> on_disk_when_reported;
  const core::TrialId t{6};
  runner({}, /*checkpoint_every=*/2)->run(job(6, 0, 5), [&](const core::CurvePoint& m) {
    on_disk_when_reported.push_back(fs::exists(checkpoint_path(dir.string(), t, m.step)));
    return StepAction::kContinue;
  });
  // Epochs 1..5: saved at 2 and 4 (multiples of 2) and 5 (the job's end).
  EXPECT_EQ(on_disk_when_reported, (std::vector<bool>{false, true, false, true, true}));
  // Every epoch with every = 1.
  on_disk_when_reported.clear();
  runner()->run(job(7, 0, 3), [&](const core::CurvePoint& m) {
    on_disk_when_reported.push_back(
        fs::exists(checkpoint_path(dir.string(), core::TrialId{7}, m.step)));
    return StepAction::kContinue;
  });
  EXPECT_EQ(on_disk_when_reported, (std::vector<bool>{true, true, true}));
}

// A job restarted from an epoch whose checkpoint is gone goes on from the
// latest earlier one; the epochs it repeats are the same, exactly.
TEST_F(RunnerFixture, MissingCheckpointFallsBackToTheLatestEarlierOne) {
  std::vector<core::CurvePoint> unbroken, restarted;
  auto r = runner();
  r->run(job(0, 0, 4), [&](const core::CurvePoint& m) {
    unbroken.push_back(m);
    return StepAction::kContinue;
  });
  r->run(job(1, 0, 2), [](const core::CurvePoint&) { return StepAction::kContinue; });
  fs::remove(checkpoint_path(dir.string(), core::TrialId{1}, 2));  // epoch 1's is left
  r->run(job(1, 2, 4), [&](const core::CurvePoint& m) {
    restarted.push_back(m);
    return StepAction::kContinue;
  });
  ASSERT_EQ(restarted.size(), 3u);  // epochs 2, 3, 4
  EXPECT_EQ(restarted[0].step, 2);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(restarted[i].values[kTrainLoss], unbroken[i + 1].values[kTrainLoss]) << "epoch " << i + 2;
  }
}

TEST_F(RunnerFixture, SuspendSavesTheStateAndResumeContinuesExactly) {
  std::vector<core::CurvePoint> unbroken, resumed;
  auto r = runner();
  r->run(job(0, 0, 4), [&](const core::CurvePoint& m) {
    unbroken.push_back(m);
    return StepAction::kContinue;
  });
  // A graceful stop after epoch 2 of a 0 -> 4 job, then the job resumed from epoch 2.
  const RunOutcome out = r->run(job(1, 0, 4), [&](const core::CurvePoint& m) {
    resumed.push_back(m);
    return m.step == 2 ? StepAction::kSuspend : StepAction::kContinue;
  });
  EXPECT_EQ(out.suspended_at, 2);
  EXPECT_TRUE(fs::exists(checkpoint_path(dir.string(), core::TrialId{1}, 2)));
  r->run(job(1, 2, 4), [&](const core::CurvePoint& m) {
    resumed.push_back(m);
    return StepAction::kContinue;
  });
  ASSERT_EQ(resumed.size(), 4u);
  EXPECT_DOUBLE_EQ(resumed[3].values[kTrainLoss], unbroken[3].values[kTrainLoss]);
}

TEST_F(RunnerFixture, TrialTimeLimitFailsTheJob) {
  RunnerOptions ro;
  ro.checkpoint_dir = dir.string();
  ro.device = "cpu";
  ro.trial_time = 1e-9;  // any batch exceeds it
  try {
    make_runner(data, ro)->run(job(0, 0, 2), [](const core::CurvePoint&) {
      return StepAction::kContinue;
    });
    FAIL() << "expected a failure";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("trial time limit exceeded"), std::string::npos);
  }
}

TEST_F(RunnerFixture, DivergingLossIsAFailureWithReason) {
  core::Job j = job(0, 0, 3, /*lr=*/1e12);
  j.params.set("optimizer", std::string("sgd"));
  try {
    runner()->run(j, [](const core::CurvePoint&) { return StepAction::kContinue; });
    FAIL() << "expected a failure";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("training loss is"), std::string::npos) << e.what();
  }
}

TEST_F(RunnerFixture, InjectedFailureThrows) {
  EXPECT_THROW(runner({5})->run(job(5, 0, 1), [](const core::CurvePoint&) { return StepAction::kContinue; }), std::runtime_error);
  EXPECT_NO_THROW(runner({5})->run(job(4, 0, 1), [](const core::CurvePoint&) { return StepAction::kContinue; }));
}

// With no checkpoint of the trial at all, the job starts the trial over:
// every epoch is reported again, the same as an unbroken run.
TEST_F(RunnerFixture, ResumeWithoutAnyCheckpointStartsTheTrialOver) {
  std::vector<core::CurvePoint> unbroken, restarted;
  auto r = runner();
  r->run(job(8, 0, 3), [&](const core::CurvePoint& m) {
    unbroken.push_back(m);
    return StepAction::kContinue;
  });
  r->run(job(9, 1, 3), [&](const core::CurvePoint& m) {
    restarted.push_back(m);
    return StepAction::kContinue;
  });
  ASSERT_EQ(restarted.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(restarted[i].step, static_cast<std::int64_t>(i + 1));
    EXPECT_DOUBLE_EQ(restarted[i].values[kTrainLoss], unbroken[i].values[kTrainLoss]);
  }
}

// A checkpoint the storage cannot take is not the trial's failure: the
// runner ends the job, says why, and where the trial's state is saved (its
// last checkpoint, here epoch 1). The file-size limit makes the second save
// fail with EFBIG, as a full disk fails with ENOSPC (tests/e2e full_disk
// fills a real 2 MB tmpfs).
TEST_F(RunnerFixture, CheckpointTheStorageCannotTakeEndsTheJobWithoutFailingIt) {
  auto r = runner();
  std::uintmax_t one = 0;
  r->run(job(2, 0, 1), [](const core::CurvePoint&) { return StepAction::kContinue; });
  one = fs::file_size(checkpoint_path(dir.string(), core::TrialId{2}, 1));
  struct rlimit old_limit {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead
  struct rlimit limit = old_limit;
  limit.rlim_cur = one / 2;  // less than one checkpoint
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  int steps = 0;
  const RunOutcome out = r->run(job(2, 1, 3), [&](const core::CurvePoint&) {
    ++steps;
    return StepAction::kContinue;
  });
  setrlimit(RLIMIT_FSIZE, &old_limit);
  EXPECT_EQ(steps, 0);  // epoch 2's step is not reported without its checkpoint
  EXPECT_EQ(out.suspended_at, 1);
  EXPECT_NE(out.storage_failure.find("trial_2.e2.pt"), std::string::npos) << out.storage_failure;
  EXPECT_NE(out.storage_failure.find("File too large"), std::string::npos) << out.storage_failure;
  EXPECT_FALSE(fs::exists(checkpoint_path(dir.string(), core::TrialId{2}, 2)));
  // No part-written temporary file is left.
  for (const auto& e : fs::directory_iterator(dir)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

}  // namespace
}  // namespace rungs::train
