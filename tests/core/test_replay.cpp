// Resume by replay: a sweep's journal, replayed through a fresh driver and
// scheduler, rebuilds the sweep, and the resumed sweep ends as an unbroken
// one would.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <set>

#include "rungs/core/asha.hpp"
#include "rungs/core/factory.hpp"
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

// A deterministic learning curve: better with larger lr, rising with steps.
double metric_of(const ParamSet& p, std::int64_t step) {
  return std::log10(p.get_double("lr", 1e-3)) + 0.01 * static_cast<double>(step);
}

// One run of a sweep: eta 3, rungs 1, 3, 9; 12 trials; one worker.
struct SweepRun {
  explicit SweepRun(int retries = 0)
      : sampler(space(), 5),
        clock(base),
        record(test_support::accuracy_record()),
        asha(AshaConfig{3, 1, 9}, ObjectiveMode::kMax, SweepLimits{12, 0, {}}, sampler, clock, 5,
             [this](const Decision& d) { record.decisions.push_back(d); }),
        driver(asha, record, clock, {{"host", "cpu"}}, retries) {
    record.metadata.rung_resources = {1, 3, 9};
    driver.set_event_sink([this](const SweepEvent& e) { journal.push_back(e); });
  }
  void go_live() {
    clock.go_live();
    driver.begin_session();
    driver.worker_ready(WorkerId{0});
  }
  // Drives the one worker; stops after `budget` steps (a kill), or at the end.
  void drive(int budget = 1 << 30, std::int64_t fail_trial = -1) {
    while (!driver.finished() && budget > 0) {
      auto jobs = driver.assign();
      ASSERT_EQ(jobs.size(), 1u);
      const Job& j = jobs[0].second;
      if (j.trial.value == fail_trial) {
        driver.job_ended(WorkerId{0}, j.trial, false, "boom");
        continue;
      }
      bool ended = false;
      for (std::int64_t s = j.from_resource + 1; s <= j.to_resource && budget > 0; ++s) {
        --budget;
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
  }
  RandomSampler sampler;
  SteadyClock base;
  ResumableClock clock;
  SweepRecord record;
  AshaScheduler asha;
  SweepDriver driver;
  std::vector<SweepEvent> journal;
};

std::set<std::pair<std::int64_t, std::int64_t>> curve_keys(const SweepRecord& r) {
  std::set<std::pair<std::int64_t, std::int64_t>> keys;
  for (const auto& p : r.curves) keys.insert({p.trial.value, p.step});
  return keys;
}

TEST(Replay, ResumedSweepEndsLikeAnUnbrokenOne) {
  SweepRun unbroken;
  unbroken.go_live();
  unbroken.drive();
  ASSERT_TRUE(unbroken.driver.finished());
  // 12 trials x 1 epoch, floor(12/3) = 4 promoted for 2 epochs, floor(4/3) = 1
  // promoted for 6: 26 steps in all.
  ASSERT_EQ(unbroken.record.curves.size(), 26u);

  SweepRun first;
  first.go_live();
  first.drive(/*budget=*/17);  // killed in the middle of a job
  ASSERT_FALSE(first.driver.finished());

  SweepRun resumed;
  resumed.driver.replay(first.journal, resumed.clock);
  EXPECT_EQ(curve_keys(resumed.record), curve_keys(first.record));  // nothing lost
  EXPECT_EQ(resumed.driver.restarts_pending(), 1u);                // the job in flight
  resumed.go_live();
  resumed.drive();
  ASSERT_TRUE(resumed.driver.finished());

  ASSERT_EQ(resumed.record.trials.size(), unbroken.record.trials.size());  // 12: the budget
  for (std::size_t i = 0; i < unbroken.record.trials.size(); ++i) {
    EXPECT_EQ(resumed.record.trials[i].status, unbroken.record.trials[i].status) << i;
    EXPECT_EQ(resumed.record.trials[i].resource, unbroken.record.trials[i].resource) << i;
    EXPECT_EQ(resumed.record.trials[i].params, unbroken.record.trials[i].params) << i;
  }
  // Every (trial, step) once: the restarted job's repeated steps were not recorded twice.
  EXPECT_EQ(resumed.record.curves.size(), unbroken.record.curves.size());
  EXPECT_EQ(curve_keys(resumed.record), curve_keys(unbroken.record));
}

TEST(Replay, JournalOfAnotherSweepDiverges) {
  SweepRun first;
  first.go_live();
  first.drive(5);
  // A different sampler seed gives other configurations, so other metrics and
  // other promotions: replay notices instead of mixing two sweeps.
  SweepRun other;
  other.sampler = RandomSampler(space(), 99);
  first.journal[1].job.trial = TrialId{3};  // and a trial the scheduler never gives first
  EXPECT_THROW(other.driver.replay(first.journal, other.clock), std::runtime_error);
}

TEST(Replay, InterruptedJobRestartsFromItsSavedEpoch) {
  SweepRun r;
  r.go_live();
  // Three trials fill rung 0 (epoch 1); the best is promoted to rung 1 (epochs 2..3).
  r.drive(3);
  auto jobs = r.driver.assign();
  ASSERT_EQ(jobs.size(), 1u);
  Job promoted = jobs[0].second;
  ASSERT_EQ(promoted.from_resource, 1);
  CurvePoint p;
  p.trial = promoted.trial;
  p.step = 2;
  p.values = {metric_of(promoted.params, 2)};
  r.driver.step_reported(WorkerId{0}, p);
  r.driver.job_ended(WorkerId{0}, promoted.trial, true, "", /*interrupted_at=*/2);
  r.driver.drain();
  EXPECT_TRUE(r.driver.assign().empty());  // draining: nothing handed out

  SweepRun resumed;
  resumed.driver.replay(r.journal, resumed.clock);
  resumed.go_live();
  jobs = resumed.driver.assign();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].second.trial, promoted.trial);
  EXPECT_EQ(jobs[0].second.from_resource, 2);  // from the saved epoch, not from 1
  EXPECT_EQ(jobs[0].second.to_resource, 3);
}

TEST(Retries, FailedJobRunsAgainThenFails) {
  SweepRun r(/*retries=*/2);
  r.go_live();
  r.drive(1 << 30, /*fail_trial=*/4);
  ASSERT_TRUE(r.driver.finished());
  const TrialRecord& t = r.record.trials[4];
  EXPECT_EQ(t.status, TrialStatus::kFailed);
  EXPECT_EQ(t.error, "boom");
  int starts = 0;
  for (const auto& e : r.journal) starts += e.kind == SweepEventKind::kJobStarted && e.job.trial.value == 4;
  EXPECT_EQ(starts, 3);  // the first run and 2 retries
  EXPECT_EQ(r.record.trials.size(), 12u);
}

}  // namespace
}  // namespace rungs::core

namespace rungs::core {
namespace {

// Every scheduler and sampler resumes exactly: a sweep killed mid-job and
// resumed from its journal ends with the same trials, configurations,
// statuses and curves as an unbroken run. (TPE's history, Hyperband's
// brackets and the samplers' positions are rebuilt by the replay itself.)
struct Kind {
  const char* scheduler;
  const char* mode;
  const char* sampler;
};

SweepSpec spec_of(const Kind& k) {
  SweepSpec s;
  s.name = "replay";
  s.seed = 3;
  s.scheduler.kind = *parse_scheduler_kind(k.scheduler);
  s.scheduler.mode = *parse_asha_mode(k.mode);
  s.scheduler.asha = AshaConfig{3, 1, 9};
  s.scheduler.min_samples = 2;
  s.sampler.kind = *parse_sampler_kind(k.sampler);
  s.sampler.trials = 20;
  s.sampler.tpe.startup_trials = 4;
  s.space.add(ParamSpec::float_range("lr", 1e-4, 1e-1, true));
  ParamSpec hidden = ParamSpec::int_set("hidden", {16, 32, 64});
  hidden.grid_points = 0;
  s.space.add(hidden);
  if (std::string(k.sampler) == "grid") {
    s.space = SearchSpace();
    ParamSpec lr = ParamSpec::float_range("lr", 1e-4, 1e-1, true);
    lr.grid_points = 5;
    s.space.add(lr);
    s.space.add(ParamSpec::int_set("hidden", {16, 32, 64, 128}));
  }
  return s;
}

struct SpecRun {
  explicit SpecRun(const SweepSpec& s)
      : spec(s),
        clock(base),
        record(test_support::accuracy_record()),
        sampler(make_sampler(spec)),
        scheduler(make_scheduler(spec, *sampler, clock,
                                 [this](const Decision& d) { record.decisions.push_back(d); })),
        driver(*scheduler, record, clock, {{"h", "cpu"}}) {
    record.metadata.rung_resources = spec.scheduler.asha.rung_resources();
    driver.set_event_sink([this](const SweepEvent& e) { journal.push_back(e); });
  }
  void go_live() {
    clock.go_live();
    driver.begin_session();
    driver.worker_ready(WorkerId{0});
  }
  // One worker; a job's steps until a verdict ends it. Stops after `budget` steps.
  void drive(int budget = 1 << 30) {
    while (!driver.finished() && budget > 0) {
      auto jobs = driver.assign();
      ASSERT_EQ(jobs.size(), 1u);
      const Job& j = jobs[0].second;
      bool ended = false;
      for (std::int64_t s = j.from_resource + 1; s <= j.to_resource && budget > 0; ++s) {
        --budget;
        CurvePoint p;
        p.trial = j.trial;
        p.step = s;
        // Crossing-ish curves so the schedulers have decisions to make.
        p.values = {std::log10(j.params.get_double("lr", 1e-3)) * (1.0 - 0.05 * s) +
                    0.001 * static_cast<double>(j.params.get_int("hidden", 16))};
        if (driver.step_reported(WorkerId{0}, p) != Verdict::kContinue) {
          ended = true;
          break;
        }
      }
      if (ended) driver.job_ended(WorkerId{0}, j.trial, true, "");
    }
  }
  SweepSpec spec;
  SteadyClock base;
  ResumableClock clock;
  SweepRecord record;
  std::unique_ptr<Sampler> sampler;
  std::unique_ptr<Scheduler> scheduler;
  SweepDriver driver;
  std::vector<SweepEvent> journal;
};

class ReplayEveryKind : public ::testing::TestWithParam<Kind> {};

TEST_P(ReplayEveryKind, ResumedSweepEndsLikeAnUnbrokenOne) {
  const SweepSpec spec = spec_of(GetParam());
  SpecRun unbroken(spec);
  unbroken.go_live();
  unbroken.drive();
  ASSERT_TRUE(unbroken.driver.finished());
  const int total = static_cast<int>(unbroken.record.curves.size());
  for (int kill_after : {1, total / 3, total / 2, total - 1}) {
    SpecRun first(spec);
    first.go_live();
    first.drive(kill_after);
    SpecRun resumed(spec);
    resumed.driver.replay(first.journal, resumed.clock);
    resumed.go_live();
    resumed.drive();
    ASSERT_TRUE(resumed.driver.finished()) << "killed after " << kill_after;
    ASSERT_EQ(resumed.record.trials.size(), unbroken.record.trials.size()) << kill_after;
    for (std::size_t i = 0; i < unbroken.record.trials.size(); ++i) {
      EXPECT_EQ(resumed.record.trials[i].params, unbroken.record.trials[i].params) << i;
      EXPECT_EQ(resumed.record.trials[i].status, unbroken.record.trials[i].status) << i;
      EXPECT_EQ(resumed.record.trials[i].resource, unbroken.record.trials[i].resource) << i;
    }
    EXPECT_EQ(curve_keys(resumed.record), curve_keys(unbroken.record)) << kill_after;
    EXPECT_EQ(resumed.record.curves.size(), unbroken.record.curves.size()) << kill_after;
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllSchedulersAndSamplers, ReplayEveryKind,
    ::testing::Values(Kind{"asha", "promotion", "random"}, Kind{"asha", "stopping", "random"},
                      Kind{"hyperband", "promotion", "random"},
                      Kind{"hyperband", "stopping", "sobol"}, Kind{"median", "promotion", "tpe"},
                      Kind{"fifo", "promotion", "grid"}, Kind{"asha", "promotion", "tpe"},
                      Kind{"asha", "stopping", "sobol"}),
    [](const ::testing::TestParamInfo<Kind>& info) {
      return std::string(info.param.scheduler) + "_" + info.param.mode + "_" + info.param.sampler;
    });

}  // namespace
}  // namespace rungs::core

namespace rungs::core {
namespace {

TEST(LostWorker, ItsJobRunsAgainElsewhereFromItsStartAndItGetsNoMoreWork) {
  RandomSampler sampler(space(), 5);
  SteadyClock base;
  ResumableClock clock(base);
  SweepRecord record = test_support::accuracy_record();
  record.metadata.rung_resources = {1, 3, 9};
  AshaScheduler asha(AshaConfig{3, 1, 9}, ObjectiveMode::kMax, SweepLimits{12, 0, {}}, sampler,
                     clock, 5);
  SweepDriver driver(asha, record, clock, {{"a", "cpu"}, {"b", "cpu"}});
  std::vector<SweepEvent> journal;
  driver.set_event_sink([&](const SweepEvent& e) { journal.push_back(e); });
  clock.go_live();
  driver.begin_session();
  driver.worker_ready(WorkerId{0});
  driver.worker_ready(WorkerId{1});
  auto jobs = driver.assign();
  ASSERT_EQ(jobs.size(), 2u);
  ASSERT_EQ(jobs[1].first.value, 1);
  const Job lost_job = jobs[1].second;

  driver.lose_worker(WorkerId{1});
  EXPECT_EQ(driver.lost_workers(), 1u);
  EXPECT_EQ(driver.restarts_pending(), 1u);
  // Journaled as an interrupted end at the job's start (no checkpoint epochs
  // set), so a resume replays it the same way.
  ASSERT_EQ(journal.back().kind, SweepEventKind::kJobEnded);
  EXPECT_EQ(journal.back().worker, 1);
  EXPECT_EQ(journal.back().interrupted_at, 0);
  // Whatever the lost worker says later, it is never idle again.
  driver.worker_ready(WorkerId{1});
  driver.job_ended(WorkerId{1}, lost_job.trial, true, "");
  EXPECT_EQ(driver.idle_workers(), 0u);

  // Worker 0 ends its job and gets the lost trial's job first.
  CurvePoint p;
  p.trial = jobs[0].second.trial;
  p.step = 1;
  p.values = {0.5};
  driver.step_reported(WorkerId{0}, p);
  driver.job_ended(WorkerId{0}, p.trial, true, "");
  const auto next = driver.assign();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].first.value, 0);
  EXPECT_EQ(next[0].second.trial, lost_job.trial);
  EXPECT_EQ(next[0].second.from_resource, 0);
}

}  // namespace
}  // namespace rungs::core
