#include "rungs/core/simulator.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <map>

namespace rungs::core {
namespace {

constexpr double kPi = 3.14159265358979323846;

SweepSpec small_spec(std::int64_t trials, std::int64_t min_resource, std::int64_t max_resource) {
  SweepSpec spec;
  spec.name = "sim";
  spec.seed = 11;
  spec.metrics = {{"val_loss", ObjectiveMode::kMin}};
  spec.objective.metric = "val_loss";
  spec.objective.mode = ObjectiveMode::kMin;
  spec.scheduler.asha.eta = 3;
  spec.scheduler.asha.min_resource = min_resource;
  spec.scheduler.asha.max_resource = max_resource;
  spec.sampler.trials = trials;
  spec.space.add(ParamSpec::float_range("lr", 1e-4, 1e-1, /*log=*/true));
  spec.space.add(ParamSpec::int_set("hidden", {16, 32, 64, 128}));
  spec.space.add(ParamSpec::categorical("optimizer", {"adam", "sgd"}));
  return spec;
}

SimulationOptions lognormal_options(std::uint64_t seed) {
  SimulationOptions o;
  o.workers = 5;
  o.durations = DurationModel::kLognormal;
  o.sigma = 1.0;
  o.noise = 0.05;
  o.seed = seed;
  return o;
}

TEST(Simulator, SameSeedGivesIdenticalRecords) {
  const SweepSpec spec = small_spec(60, 1, 9);
  SweepRecord a, b;
  simulate(spec, lognormal_options(3), &a);
  simulate(spec, lognormal_options(3), &b);
  ASSERT_EQ(a.trials.size(), 60u);
  ASSERT_EQ(a.trials.size(), b.trials.size());
  for (std::size_t i = 0; i < a.trials.size(); ++i) {
    EXPECT_EQ(a.trials[i].params, b.trials[i].params);
    EXPECT_EQ(a.trials[i].status, b.trials[i].status);
    EXPECT_EQ(a.trials[i].metric, b.trials[i].metric);
    EXPECT_EQ(a.trials[i].rank, b.trials[i].rank);
    EXPECT_EQ(a.trials[i].end_time, b.trials[i].end_time);
  }
  ASSERT_EQ(a.curves.size(), b.curves.size());
  for (std::size_t i = 0; i < a.curves.size(); ++i) {
    EXPECT_EQ(a.curves[i].trial, b.curves[i].trial);
    EXPECT_EQ(a.curves[i].step, b.curves[i].step);
    EXPECT_EQ(a.curves[i].metric, b.curves[i].metric);
  }
  ASSERT_EQ(a.decisions.size(), b.decisions.size());
  for (std::size_t i = 0; i < a.decisions.size(); ++i) {
    EXPECT_EQ(a.decisions[i].trial, b.decisions[i].trial);
    EXPECT_EQ(a.decisions[i].kind, b.decisions[i].kind);
    EXPECT_EQ(a.decisions[i].time, b.decisions[i].time);
    EXPECT_EQ(a.decisions[i].worker, b.decisions[i].worker);
  }
}

TEST(Simulator, DifferentSeedsGiveDifferentCurves) {
  const SweepSpec spec = small_spec(30, 1, 9);
  SweepRecord a, b;
  simulate(spec, lognormal_options(1), &a);
  simulate(spec, lognormal_options(2), &b);
  ASSERT_FALSE(a.curves.empty());
  ASSERT_FALSE(b.curves.empty());
  // Trial 0 has the same configuration in both (the sweep seed is the same)
  // but its curve comes from the simulation seed.
  EXPECT_NE(a.curves[0].metric, b.curves[0].metric);
  EXPECT_NE(a.metadata.wall_seconds, b.metadata.wall_seconds);
}

TEST(Simulator, EveryTrialHasOnePointPerSimulatedStep) {
  SweepRecord record;
  const SimulationReport r = simulate(small_spec(80, 1, 27), lognormal_options(5), &record);
  std::map<std::int64_t, std::vector<std::int64_t>> steps;
  for (const CurvePoint& p : record.curves) steps[p.trial.value].push_back(p.step);
  ASSERT_EQ(steps.size(), record.trials.size());
  for (const TrialRecord& t : record.trials) {
    const auto& s = steps[t.id.value];
    ASSERT_EQ(static_cast<std::int64_t>(s.size()), t.resource) << "trial " << t.id.value;
    for (std::size_t i = 0; i < s.size(); ++i) EXPECT_EQ(s[i], static_cast<std::int64_t>(i + 1));
  }
  EXPECT_EQ(r.reports, static_cast<std::int64_t>(record.curves.size()));
  // The scheduler's decisions, then one stop per trial still paused when the
  // sweep ended (the only rows with a reason).
  std::int64_t end_stops = 0;
  for (const Decision& d : record.decisions) end_stops += !d.reason.empty();
  EXPECT_EQ(r.decisions + end_stops, static_cast<std::int64_t>(record.decisions.size()));
  EXPECT_EQ(end_stops, static_cast<std::int64_t>(std::count_if(
                           record.trials.begin(), record.trials.end(), [](const TrialRecord& t) {
                             return t.status == TrialStatus::kStopped;
                           })));
}

// 2 workers, one-epoch trials of 10 s, ASHA with a single rung (min = max = 1):
// trials 0,1 run over [0, 10), trials 2,3 over [10, 20). Makespan 20 s,
// busy 4 x 10 = 40 worker-seconds = 2 workers x 20 s: a busy fraction of 1.
TEST(Simulator, BusyFractionIsOneWhenConstantJobsFillEveryWorker) {
  SimulationOptions o;
  o.workers = 2;
  o.epoch_seconds = 10.0;
  const SimulationReport r = simulate(small_spec(4, 1, 1), o, nullptr);
  EXPECT_EQ(r.trials, 4);
  EXPECT_EQ(r.reports, 4);
  EXPECT_DOUBLE_EQ(r.makespan, 20.0);
  EXPECT_DOUBLE_EQ(r.busy_seconds, 40.0);
  EXPECT_DOUBLE_EQ(r.busy_fraction, 1.0);
  EXPECT_DOUBLE_EQ(r.longest_trial, 10.0);
}

// The same with 3 trials: the second worker idles over [10, 20): 30 / 40.
TEST(Simulator, BusyFractionCountsAnIdleWorker) {
  SimulationOptions o;
  o.workers = 2;
  o.epoch_seconds = 10.0;
  const SimulationReport r = simulate(small_spec(3, 1, 1), o, nullptr);
  EXPECT_DOUBLE_EQ(r.makespan, 20.0);
  EXPECT_DOUBLE_EQ(r.busy_fraction, 0.75);
}

// One worker, 10 s per one-epoch trial, no trial budget, a 35 s limit: jobs
// start at 0, 10, 20 and 30 s; at 40 s the limit has passed and none starts.
TEST(Simulator, WallTimeLimitCountsVirtualSeconds) {
  SweepSpec spec = small_spec(0, 1, 1);
  spec.limits.max_seconds = 35.0;
  SimulationOptions o;
  o.workers = 1;
  o.epoch_seconds = 10.0;
  SweepRecord record;
  const SimulationReport r = simulate(spec, o, &record);
  EXPECT_EQ(r.trials, 4);
  EXPECT_DOUBLE_EQ(r.makespan, 40.0);
  EXPECT_DOUBLE_EQ(record.metadata.wall_seconds, 40.0);
  EXPECT_DOUBLE_EQ(record.trials.back().start_time, 30.0);
}

// A scheduler that runs one one-epoch job at a time, `n` in all: the second
// worker always idles, as under a rung barrier.
class OneAtATime : public Scheduler {
 public:
  explicit OneAtATime(std::int64_t n) : n_(n) {}
  std::optional<Job> next_job(WorkerId) override {
    if (running_ || started_ >= n_) return std::nullopt;
    running_ = true;
    Job job;
    job.trial = TrialId{started_++};
    job.to_resource = 1;
    return job;
  }
  Verdict on_report(const Report&) override {
    running_ = false;
    return Verdict::kComplete;
  }
  void on_failure(TrialId, const std::string&) override { running_ = false; }
  bool finished() const override { return !running_ && started_ >= n_; }
  std::size_t running_jobs() const override { return running_ ? 1 : 0; }

 private:
  std::int64_t n_;
  std::int64_t started_ = 0;
  bool running_ = false;
};

// Starts at 0, 10 and 20 s on one worker of two: busy 30 of 2 x 30
// worker-seconds; until the last start, 20 of 2 x 20.
TEST(Simulator, BusyFractionsCountWorkersTheSchedulerLeavesIdle) {
  SimulationOptions o;
  o.workers = 2;
  o.epoch_seconds = 10.0;
  Simulator sim(small_spec(3, 1, 1), o);
  OneAtATime scheduler(3);
  const SimulationReport r = sim.run(scheduler, nullptr);
  EXPECT_DOUBLE_EQ(r.makespan, 30.0);
  EXPECT_DOUBLE_EQ(r.busy_fraction, 0.5);
  EXPECT_DOUBLE_EQ(r.last_start, 20.0);
  EXPECT_DOUBLE_EQ(r.busy_fraction_until_last_start, 0.5);
}

// Never finished, never gives a job: the run cannot end, and says so.
class Stuck : public OneAtATime {
 public:
  Stuck() : OneAtATime(0) {}
  bool finished() const override { return false; }
};

TEST(Simulator, SchedulerThatStallsIsReported) {
  SimulationOptions o;
  Simulator sim(small_spec(3, 1, 1), o);
  Stuck scheduler;
  EXPECT_THROW(sim.run(scheduler, nullptr), std::logic_error);
}

TEST(Simulator, NullRecordGivesTheSameRun) {
  const SweepSpec spec = small_spec(50, 1, 9);
  SweepRecord record;
  const SimulationReport kept = simulate(spec, lognormal_options(9), &record);
  const SimulationReport lean = simulate(spec, lognormal_options(9), nullptr);
  EXPECT_EQ(kept.makespan, lean.makespan);
  EXPECT_EQ(kept.trials, lean.trials);
  EXPECT_EQ(kept.reports, lean.reports);
  EXPECT_EQ(kept.decisions, lean.decisions);
  ASSERT_TRUE(kept.best_trial && lean.best_trial);
  EXPECT_EQ(*kept.best_trial, *lean.best_trial);
}

// Known minima from Surjanovic and Bingham's Virtual Library of Simulation
// Experiments (sfu.ca/~ssurjano/branin.html, hart6.html), given to 6 digits.
TEST(TestFunctions, BraninMinimaAreAllAt0397887) {
  EXPECT_NEAR(branin(-kPi, 12.275), 0.397887, 1e-6);
  EXPECT_NEAR(branin(kPi, 2.275), 0.397887, 1e-6);
  EXPECT_NEAR(branin(9.42478, 2.475), 0.397887, 1e-6);
  // By hand at (0, 0): (-6)^2 + 10 (1 - 1/(8 pi)) cos 0 + 10 = 55.602112.
  EXPECT_NEAR(branin(0.0, 0.0), 55.602112, 1e-6);
}

TEST(TestFunctions, Hartmann6MinimumIsMinus332237) {
  EXPECT_NEAR(hartmann6({0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573}), -3.32237,
              1e-5);
  EXPECT_GT(hartmann6({0.5, 0.5, 0.5, 0.5, 0.5, 0.5}), -3.32237);
}

TEST(TestFunctions, ObjectiveReadsParamsX1ToX6) {
  SyntheticObjective b(ObjectiveFunction::kBranin, {}, 0);
  ParamSet p;
  p.set("x1", -kPi);
  p.set("x2", 12.275);
  EXPECT_NEAR(b.value(p), kBraninMinimum, 1e-6);
  EXPECT_EQ(SyntheticObjective::domain(ObjectiveFunction::kHartmann6, {}).params().size(), 6u);
}

SweepSpec one_param_spec() {
  SweepSpec spec;
  spec.scheduler.asha.max_resource = 27;
  spec.space.add(ParamSpec::float_range("x", 0.0, 1.0));
  return spec;
}

TEST(TrialModel, CurveReachesTheTrueValueAtMaxResource) {
  for (CurveFamily c : {CurveFamily::kPowerLaw, CurveFamily::kExponential, CurveFamily::kCrossing}) {
    SimulationOptions o;
    o.curves = c;
    o.noise = 0.0;
    const SweepSpec spec = one_param_spec();
    TrialModel m(o, SyntheticObjective(ObjectiveFunction::kGeneric, spec.space, 1), 27);
    ParamSet x;
    x.set("x", 0.3);
    const TrialProfile p = m.profile(TrialId{4}, x);
    EXPECT_NEAR(m.value_at(p, TrialId{4}, 27), p.final_value, 1e-12) << to_string(c);
    EXPECT_NEAR(m.value_at(p, TrialId{4}, 1), p.final_value + p.gap, 1e-12) << to_string(c);
    EXPECT_GT(m.value_at(p, TrialId{4}, 3), m.value_at(p, TrialId{4}, 9)) << to_string(c);
  }
}

// The multi-fidelity wrapper (final_noise 0): noisy early, exact at the end.
TEST(TrialModel, NoiseCanVanishAtMaxResource) {
  SimulationOptions o;
  o.noise = 0.1;
  o.final_noise = 0.0;
  const SweepSpec spec = one_param_spec();
  TrialModel m(o, SyntheticObjective(ObjectiveFunction::kGeneric, spec.space, 1), 27);
  ParamSet x;
  x.set("x", 0.3);
  const TrialProfile p = m.profile(TrialId{2}, x);
  EXPECT_DOUBLE_EQ(m.value_at(p, TrialId{2}, 27), p.final_value);
  EXPECT_NE(m.value_at(p, TrialId{2}, 1), p.final_value + p.gap);
  o.final_noise = 1.0;
  TrialModel noisy(o, SyntheticObjective(ObjectiveFunction::kGeneric, spec.space, 1), 27);
  EXPECT_NE(noisy.value_at(noisy.profile(TrialId{2}, x), TrialId{2}, 27), p.final_value);
}

// Crossing curves: a configuration at the hidden optimum starts worse than a
// poor one, and ends better.
TEST(TrialModel, CrossingCurvesRankTheBestLastAtTheFirstStep) {
  SimulationOptions o;
  o.curves = CurveFamily::kCrossing;
  o.noise = 0.0;
  const SweepSpec spec = one_param_spec();
  const SyntheticObjective f(ObjectiveFunction::kGeneric, spec.space, 1);
  TrialModel m(o, f, 27);
  // Find the hidden optimum on a grid, and the worst point.
  ParamSet best, worst;
  double lo = 1e9, hi = -1e9;
  for (int i = 0; i <= 100; ++i) {
    ParamSet x;
    x.set("x", i / 100.0);
    const double v = f.value(x);
    if (v < lo) lo = v, best = x;
    if (v > hi) hi = v, worst = x;
  }
  const TrialProfile pb = m.profile(TrialId{0}, best), pw = m.profile(TrialId{1}, worst);
  EXPECT_GT(m.value_at(pb, TrialId{0}, 1), m.value_at(pw, TrialId{1}, 1));
  EXPECT_LT(m.value_at(pb, TrialId{0}, 27), m.value_at(pw, TrialId{1}, 27));
}

// The lognormal epoch time keeps the configured mean: E = exp(mu + s^2/2)
// with mu = log(mean) - s^2/2. Over 20000 trials with s = 1 the sample mean's
// standard error is sqrt(e - 1) / sqrt(20000) = 0.9% of the mean.
TEST(TrialModel, LognormalEpochTimesKeepTheirMean) {
  SimulationOptions o;
  o.durations = DurationModel::kLognormal;
  o.sigma = 1.0;
  o.epoch_seconds = 60.0;
  const SweepSpec spec = one_param_spec();
  TrialModel m(o, SyntheticObjective(ObjectiveFunction::kGeneric, spec.space, 1), 27);
  ParamSet x;
  x.set("x", 0.5);
  double sum = 0.0, longest = 0.0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double s = m.profile(TrialId{i}, x).epoch_seconds;
    sum += s;
    longest = std::max(longest, s);
  }
  EXPECT_NEAR(sum / n, 60.0, 0.05 * 60.0);
  EXPECT_GT(longest, 10 * 60.0);  // a heavy tail: e^(3.5 sigma) ~ 33 x the median
}

TEST(SimulatorNames, ParseWhatToStringWrites) {
  EXPECT_EQ(parse_curve_family("crossing"), CurveFamily::kCrossing);
  EXPECT_EQ(parse_duration_model("lognormal"), DurationModel::kLognormal);
  EXPECT_EQ(parse_objective_function("hartmann6"), ObjectiveFunction::kHartmann6);
  EXPECT_FALSE(parse_curve_family("linear"));
}

}  // namespace
}  // namespace rungs::core
