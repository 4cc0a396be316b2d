// Limits and resume: a journal is replayed as it happened, whatever limits
// the resumed run sets; the new limits judge only what happens next. A sweep
// that stopped at a limit keeps its paused trials and continues when the
// limit is raised.
//
// Time is a manual clock that advances 1 s per trained epoch, so no test
// depends on how fast the machine is.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "rungs/core/asha.hpp"
#include "rungs/core/sampler.hpp"
#include "rungs/core/sweep_driver.hpp"
#include "rungs/core/sweep_event.hpp"
#include "support/test_support.hpp"

namespace rungs::core {
namespace {

SearchSpace space() {
  SearchSpace s;
  s.add(ParamSpec::float_range("lr", 1e-4, 1e-1, true));
  return s;
}

// log10(lr) + 0.01 * step: in [-4, -0.91], better with larger lr.
double metric_of(const ParamSet& p, std::int64_t step) {
  return std::log10(p.get_double("lr", 1e-3)) + 0.01 * static_cast<double>(step);
}

SweepLimits limits(std::int64_t max_trials, double max_seconds,
                   std::optional<double> target = std::nullopt) {
  SweepLimits l;
  l.max_trials = max_trials;
  l.max_seconds = max_seconds;
  l.target = target;
  l.sweep_trials = 12;  // sampler.trials: the sweep's own size
  return l;
}

// One run of an ASHA sweep (eta 3, rungs 1, 3, 9, 12 trials, one worker)
// under `l`.
struct SweepRun {
  SweepRun(const SweepRun&) = delete;
  explicit SweepRun(SweepLimits l)
      : sampler(space(), 5),
        clock(base),
        record(test_support::accuracy_record()),
        asha(AshaConfig{3, 1, 9}, ObjectiveMode::kMax, l, sampler, clock, 5,
             [this](const Decision& d) { record.decisions.push_back(d); }),
        driver(asha, record, clock, {{"host", "cpu"}}) {
    record.metadata.rung_resources = {1, 3, 9};
    driver.set_event_sink([this](const SweepEvent& e) { journal.push_back(e); });
  }
  // Replays `journal` (a resume), then goes live.
  void resume(const std::vector<SweepEvent>& earlier) {
    driver.replay(earlier, clock);
    journal = earlier;
    go_live();
  }
  void go_live() {
    clock.go_live();
    driver.begin_session();
    driver.worker_ready(WorkerId{0});
  }
  // Drives the one worker; stops after `budget` epochs (a kill), or at the end.
  void drive(int budget = 1 << 30) {
    while (!driver.finished() && budget > 0) {
      auto jobs = driver.assign();
      ASSERT_EQ(jobs.size(), 1u) << "the scheduler gave no job, yet is not finished";
      const Job& j = jobs[0].second;
      bool ended = false;
      for (std::int64_t s = j.from_resource + 1; s <= j.to_resource && budget > 0; ++s) {
        --budget;
        base.advance(1.0);
        CurvePoint p;
        p.trial = j.trial;
        p.step = s;
        p.values = {metric_of(j.params, s)};
        if (driver.step_reported(WorkerId{0}, p) != Verdict::kContinue) {
          ended = true;
          break;
        }
      }
      if (ended) driver.job_ended(WorkerId{0}, j.trial, true, "");
    }
    if (driver.finished()) driver.conclude(driver.elapsed());
  }
  std::size_t count(TrialStatus s) const {
    std::size_t n = 0;
    for (const auto& t : record.trials) n += t.status == s;
    return n;
  }

  RandomSampler sampler;
  ManualClock base;
  ResumableClock clock;
  SweepRecord record;
  AshaScheduler asha;
  SweepDriver driver;
  std::vector<SweepEvent> journal;
};

// The unbroken sweep without limits: 12 trials x 1 epoch, 4 promoted for 2
// more epochs, 1 promoted for 6 more: 26 epochs, so 26 s.
std::unique_ptr<SweepRun> unbroken() {
  auto r = std::make_unique<SweepRun>(limits(0, 0));
  r->go_live();
  r->drive();
  return r;
}

void expect_same_trials(const SweepRun& a, const SweepRun& b) {
  ASSERT_EQ(a.record.trials.size(), b.record.trials.size());
  for (std::size_t i = 0; i < a.record.trials.size(); ++i) {
    EXPECT_EQ(a.record.trials[i].status, b.record.trials[i].status) << "trial " << i;
    EXPECT_EQ(a.record.trials[i].resource, b.record.trials[i].resource) << "trial " << i;
  }
  EXPECT_EQ(a.record.curves.size(), b.record.curves.size());
}

TEST(ReplayLimits, UnbrokenSweepFinishesAndStopsItsPausedTrialsWithAReason) {
  const auto owner = unbroken();
  const SweepRun& r = *owner;
  EXPECT_EQ(r.record.metadata.state, "finished");
  EXPECT_EQ(r.record.curves.size(), 26u);
  // 12 - 4 trials never left rung 0, 4 - 1 never left rung 1: 11 stopped, 1 completed.
  EXPECT_EQ(r.count(TrialStatus::kStopped), 11u);
  EXPECT_EQ(r.count(TrialStatus::kCompleted), 1u);
  std::size_t with_reason = 0;
  for (const auto& d : r.record.decisions) {
    if (d.kind == DecisionKind::kStop && !d.reason.empty()) ++with_reason;
  }
  EXPECT_EQ(with_reason, 11u);
}

// --- time ---------------------------------------------------------------------

TEST(ReplayLimits, TimeLoweredBelowWhatTheJournalUsedReplaysAndStartsNothingNew) {
  SweepRun first(limits(0, 0));
  first.go_live();
  first.drive(14);  // killed at 14 s, mid-job
  SweepRun resumed(limits(0, 5.0));
  ASSERT_NO_THROW(resumed.resume(first.journal));
  EXPECT_EQ(resumed.record.curves.size(), 14u);  // nothing lost
  const std::size_t trials = resumed.record.trials.size();
  resumed.drive();
  ASSERT_TRUE(resumed.driver.finished());
  // The job in flight was restarted and finished its rung; no job started anew.
  EXPECT_EQ(resumed.record.trials.size(), trials);
  EXPECT_EQ(resumed.record.metadata.state, "at_limit");
  EXPECT_EQ(resumed.record.metadata.limit, "limits.time");
  EXPECT_GT(resumed.count(TrialStatus::kPaused), 0u);
  EXPECT_EQ(resumed.count(TrialStatus::kStopped), 0u);
}

TEST(ReplayLimits, TimeRaisedContinuesASweepThatStoppedAtItsTimeLimit) {
  SweepRun first(limits(0, 10.0));
  first.go_live();
  first.drive();
  ASSERT_EQ(first.record.metadata.state, "at_limit");
  EXPECT_EQ(first.record.metadata.limit, "limits.time");
  EXPECT_LT(first.record.trials.size(), 12u);
  EXPECT_GT(first.count(TrialStatus::kPaused), 0u);  // paused trials stay paused
  EXPECT_EQ(first.count(TrialStatus::kStopped), 0u);

  SweepRun resumed(limits(0, 3600.0));
  resumed.resume(first.journal);
  resumed.drive();
  EXPECT_EQ(resumed.record.metadata.state, "finished");
  expect_same_trials(resumed, *unbroken());
}

// --- trials -------------------------------------------------------------------

TEST(ReplayLimits, TrialsLoweredBelowWhatTheJournalStartedReplays) {
  SweepRun first(limits(0, 0));
  first.go_live();
  first.drive(7);  // trials 0..2 at rung 0, the best promoted, then trials 3, 4
  const std::size_t started = first.record.trials.size();
  ASSERT_EQ(started, 5u);
  SweepRun resumed(limits(3, 0));
  ASSERT_NO_THROW(resumed.resume(first.journal));
  resumed.drive();
  EXPECT_EQ(resumed.record.trials.size(), started);  // no new trial
  EXPECT_EQ(resumed.record.metadata.state, "at_limit");
  EXPECT_EQ(resumed.record.metadata.limit, "limits.trials");
}

TEST(ReplayLimits, TrialsRaisedContinuesASweepThatStoppedAtItsTrialLimit) {
  SweepRun first(limits(4, 0));
  first.go_live();
  first.drive();
  ASSERT_EQ(first.record.metadata.state, "at_limit");
  EXPECT_EQ(first.record.metadata.limit, "limits.trials");
  EXPECT_EQ(first.record.trials.size(), 4u);
  SweepRun resumed(limits(0, 0));
  resumed.resume(first.journal);
  resumed.drive();
  EXPECT_EQ(resumed.record.metadata.state, "finished");
  EXPECT_EQ(resumed.record.trials.size(), 12u);
}

TEST(ReplayLimits, TrialLimitAboveTheSweepSizeIsNoLimit) {
  SweepRun r(limits(50, 0));  // 50 > sampler.trials 12: the sweep's own size ends it
  r.go_live();
  r.drive();
  EXPECT_EQ(r.record.metadata.state, "finished");
  EXPECT_TRUE(r.record.metadata.limit.empty());
}

// --- target -------------------------------------------------------------------

double best_so_far(const SweepRun& r) {
  double best = -1e9;
  for (const auto& p : r.record.curves) best = std::max(best, p.values[0]);
  return best;
}

TEST(ReplayLimits, TargetLoweredBelowWhatTheJournalReachedReplays) {
  SweepRun first(limits(0, 0));
  first.go_live();
  first.drive(9);
  const double reached = best_so_far(first);
  SweepRun resumed(limits(0, 0, reached - 0.5));
  ASSERT_NO_THROW(resumed.resume(first.journal));
  resumed.drive();
  EXPECT_EQ(resumed.record.trials.size(), first.record.trials.size());
  EXPECT_EQ(resumed.record.metadata.state, "at_limit");
  EXPECT_EQ(resumed.record.metadata.limit, "limits.target");
}

TEST(ReplayLimits, TargetRaisedContinuesASweepThatReachedItsTarget) {
  const double everything = -10.0;  // any report reaches it
  SweepRun first(limits(0, 0, everything));
  first.go_live();
  first.drive();
  ASSERT_EQ(first.record.metadata.state, "at_limit");
  EXPECT_EQ(first.record.metadata.limit, "limits.target");
  EXPECT_EQ(first.record.trials.size(), 1u);  // the first report closed the gate
  SweepRun resumed(limits(0, 0, 100.0));           // unreachable
  resumed.resume(first.journal);
  resumed.drive();
  EXPECT_EQ(resumed.record.metadata.state, "finished");
  expect_same_trials(resumed, *unbroken());
}

// --- graceful stop ------------------------------------------------------------

TEST(ReplayLimits, InterruptedJobIsSuspendedNotRunning) {
  SweepRun r(limits(0, 0));
  r.go_live();
  auto jobs = r.driver.assign();
  ASSERT_EQ(jobs.size(), 1u);
  r.driver.job_ended(WorkerId{0}, jobs[0].second.trial, true, "", /*interrupted_at=*/0);
  EXPECT_EQ(r.record.trials[0].status, TrialStatus::kSuspended);
  // On the next run it restarts, and is running again.
  SweepRun resumed(limits(0, 0));
  resumed.resume(r.journal);
  EXPECT_EQ(resumed.record.trials[0].status, TrialStatus::kSuspended);
  resumed.driver.assign();
  EXPECT_EQ(resumed.record.trials[0].status, TrialStatus::kRunning);
}

TEST(ReplayLimits, JobInFlightAtAKillReadsAsSuspendedAfterReplay) {
  SweepRun first(limits(0, 0));
  first.go_live();
  first.drive(1);  // trial 0 reported epoch 1 of 1 and paused; trial 1 not begun
  first.driver.assign();  // trial 1 starts, then the kill
  SweepRun read(limits(0, 0));
  read.driver.replay(first.journal, read.clock);
  EXPECT_EQ(read.record.trials[1].status, TrialStatus::kSuspended);
}

}  // namespace
}  // namespace rungs::core

namespace rungs::core {
namespace {

// --- restarts from per-epoch checkpoints ---------------------------------------

// The unbroken sweep's jobs, in epochs: trials 0, 1, 2 at rung 0 (epochs
// 1-3), trial 2 promoted 1 -> 3 (4-5), trials 3, 4, 5 (6-8), trial 1 1 -> 3
// (9-10), trials 6, 7, 8 (11-13), trial 4 1 -> 3 (14-15), trial 2 3 -> 9
// (16-21). Killed 18 epochs in, trial 2's last job has recorded steps 4, 5
// and 6. Its restart goes on from the latest of them that had a checkpoint:
// with every epoch checkpointed 6; every 2: 6; every 4: 4; every 5: 5;
// every 7 (none of 4-6) or none at all: the job's own start, 3.
TEST(ReplayLimits, KilledJobRestartsFromItsLatestCheckpointedStep) {
  SweepRun first(limits(0, 0));
  first.go_live();
  first.drive(18);
  for (const auto& [every, from] : std::vector<std::pair<std::int64_t, std::int64_t>>{
           {0, 3}, {1, 6}, {2, 6}, {4, 4}, {5, 5}, {7, 3}}) {
    SweepRun resumed(limits(0, 0));
    resumed.driver.set_checkpoint_every(every);
    resumed.resume(first.journal);
    const auto jobs = resumed.driver.assign();
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].second.to_resource, 9) << "every " << every;
    EXPECT_EQ(jobs[0].second.from_resource, from) << "every " << every;
  }
  // Going on from step 6 loses nothing and repeats nothing.
  SweepRun resumed(limits(0, 0));
  resumed.driver.set_checkpoint_every(1);
  resumed.resume(first.journal);
  resumed.drive();
  EXPECT_EQ(resumed.record.metadata.state, "finished");
  EXPECT_EQ(resumed.record.curves.size(), 26u);
  expect_same_trials(resumed, *unbroken());
}

}  // namespace
}  // namespace rungs::core
