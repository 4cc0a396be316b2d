#include <gtest/gtest.h>

#include <cmath>

#include "rungs/core/asha.hpp"
#include "rungs/core/sweep_driver.hpp"
#include "support/test_support.hpp"

namespace rungs::core {
namespace {

class FixedSampler : public Sampler {
 public:
  ParamSet sample(TrialId t) override {
    ParamSet p;
    p.set("lr", 0.01 * static_cast<double>(t.value + 1));
    return p;
  }
};

// A sweep of eta=3 rungs {1, 3} driven by hand through the SweepDriver, as
// the coordinator drives it from MPI messages.
struct DriverFixture {
  DriverFixture()
      : record(test_support::record_reporting(
            {{"val_loss", ObjectiveMode::kMin}, {"val_accuracy", ObjectiveMode::kMax}},
            "val_accuracy")),
        asha(AshaConfig{3, 1, 3}, ObjectiveMode::kMax, SweepLimits{4, 0, {}}, sampler, clock, 1,
             [this](const Decision& d) { record.decisions.push_back(d); }),
        driver(asha, record, clock, {{"n0", "cpu"}, {"n1", "cuda:0"}}) {
    record.metadata.rung_resources = {1, 3};
  }
  CurvePoint point(TrialId t, std::int64_t step, double acc) {
    CurvePoint p;
    p.trial = t;
    p.step = step;
    p.values = {1.0 - acc, acc};
    p.seconds = static_cast<double>(step);
    return p;
  }
  FixedSampler sampler;
  ManualClock clock;
  SweepRecord record;
  AshaScheduler asha;
  SweepDriver driver;
};

TEST(SweepDriver, AssignsOneJobPerIdleWorkerAndRecordsWhere) {
  DriverFixture f;
  f.driver.worker_ready(WorkerId{0});
  f.driver.worker_ready(WorkerId{1});
  const auto jobs = f.driver.assign();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[1].first.value, 1);
  ASSERT_EQ(f.record.trials.size(), 2u);
  EXPECT_EQ(f.record.trials[1].rank, 1);
  EXPECT_EQ(f.record.trials[1].device, "cuda:0");
  EXPECT_EQ(f.record.trials[1].status, TrialStatus::kRunning);
  EXPECT_TRUE(f.driver.assign().empty());  // nobody idle
}

TEST(SweepDriver, StepsBuildCurvesAndRungEndPausesTrial) {
  DriverFixture f;
  f.driver.worker_ready(WorkerId{0});
  const auto jobs = f.driver.assign();
  const TrialId t = jobs[0].second.trial;
  EXPECT_EQ(f.driver.step_reported(WorkerId{0}, f.point(t, 1, 0.6)), Verdict::kPause);
  f.driver.job_ended(WorkerId{0}, t, true, "");
  const TrialRecord& r = f.record.trials[0];
  EXPECT_EQ(r.status, TrialStatus::kPaused);
  EXPECT_EQ(r.rung, 0);
  EXPECT_EQ(r.resource, 1);
  EXPECT_DOUBLE_EQ(r.metric, 0.6);  // objective is val_accuracy
  ASSERT_EQ(f.record.curves.size(), 1u);
  EXPECT_DOUBLE_EQ(f.record.curves[0].metric, 0.6);
  EXPECT_EQ(f.driver.idle_workers(), 1u);
}

TEST(SweepDriver, FailureIsRecordedWithReasonAndWorkerFreed) {
  DriverFixture f;
  f.driver.worker_ready(WorkerId{1});
  const auto jobs = f.driver.assign();
  f.driver.job_ended(WorkerId{1}, jobs[0].second.trial, false, "NaN loss");
  EXPECT_EQ(f.record.trials[0].status, TrialStatus::kFailed);
  EXPECT_EQ(f.record.trials[0].error, "NaN loss");
  EXPECT_EQ(f.asha.running_jobs(), 0u);
  EXPECT_EQ(f.driver.assign().size(), 1u);  // the worker gets the next trial
}

TEST(SweepDriver, WholeSweepEndsWithCompletedAndStoppedTrials) {
  DriverFixture f;
  f.driver.worker_ready(WorkerId{0});
  // Serial: 4 trials at rung 0 (accuracy 0.1 * (id + 1)), then promotions.
  for (int guard = 0; guard < 20 && !f.driver.finished(); ++guard) {
    auto jobs = f.driver.assign();
    ASSERT_EQ(jobs.size(), 1u);
    const Job& j = jobs[0].second;
    for (std::int64_t s = j.from_resource + 1; s <= j.to_resource; ++s) {
      f.driver.step_reported(WorkerId{0}, f.point(j.trial, s, 0.1 * (j.trial.value + 1) + s));
    }
    f.driver.job_ended(WorkerId{0}, j.trial, true, "");
  }
  ASSERT_TRUE(f.driver.finished());
  f.record.finish(10.0);
  // Metric at step s is 0.1 * (id + 1) + s. Trials 0,1,2 fill rung 0 and
  // trial 2 (best) is promoted and completes; trial 3 starts (the budget's
  // last) and, with 4 results, floor(4/3) = 1 puts trial 3 (1.4 > 1.3) in the
  // top slot, so it is promoted and completes too. Trials 0 and 1 stop.
  const SweepStats s = f.record.stats();
  EXPECT_EQ(s.by_status.at(TrialStatus::kCompleted), 2);
  EXPECT_EQ(s.by_status.at(TrialStatus::kStopped), 2);
  EXPECT_EQ(s.rung_population, (std::vector<std::int64_t>{4, 2}));
  ASSERT_TRUE(s.best.has_value());
  EXPECT_EQ(s.best->value, 3);
  EXPECT_EQ(f.record.metadata.state, "finished");
}

TEST(ProgressLine, NamesCountsBestAndRungs) {
  DriverFixture f;
  f.driver.worker_ready(WorkerId{0});
  const auto jobs = f.driver.assign();
  f.driver.step_reported(WorkerId{0}, f.point(jobs[0].second.trial, 1, 0.75));
  const std::string line = progress_line(f.record, 10.0);
  EXPECT_NE(line.find("paused 1"), std::string::npos) << line;
  EXPECT_NE(line.find("best val_accuracy 0.7500 (trial 0)"), std::string::npos) << line;
  EXPECT_NE(line.find("rungs 1:1 3:0"), std::string::npos) << line;
  EXPECT_NE(line.find("0.10 results/s"), std::string::npos) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos);
}

TEST(SweepDriver, ObjectiveIsTheNamedMetricAmongTheValues) {
  DriverFixture f;
  f.driver.worker_ready(WorkerId{0});
  const auto jobs = f.driver.assign();
  f.driver.step_reported(WorkerId{0}, f.point(jobs[0].second.trial, 1, 0.75));
  // values {val_loss 0.25, val_accuracy 0.75}: the objective is the second.
  EXPECT_DOUBLE_EQ(f.record.curves.back().metric, 0.75);
  EXPECT_DOUBLE_EQ(f.record.trials[0].metric, 0.75);
  EXPECT_EQ(f.record.trials[0].last_values, (std::vector<double>{0.25, 0.75}));
}

TEST(SweepDriver, RefusesAStepWithTheWrongNumberOfValues) {
  DriverFixture f;
  f.driver.worker_ready(WorkerId{0});
  const auto jobs = f.driver.assign();
  CurvePoint p = f.point(jobs[0].second.trial, 1, 0.75);
  p.values.pop_back();
  EXPECT_THROW(f.driver.step_reported(WorkerId{0}, p), std::runtime_error);
  EXPECT_TRUE(f.record.curves.empty());
}

TEST(SweepDriver, RefusesAnObjectiveThatIsNotAMetric) {
  SweepRecord record = test_support::record_reporting({{"loss", ObjectiveMode::kMin}}, "acc");
  ManualClock clock;
  FixedSampler sampler;
  AshaScheduler asha(AshaConfig{3, 1, 3}, ObjectiveMode::kMax, SweepLimits{4, 0, {}}, sampler,
                     clock, 1, [](const Decision&) {});
  try {
    SweepDriver driver(asha, record, clock, {});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'acc' is not among the sweep's metrics (loss)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace rungs::core
