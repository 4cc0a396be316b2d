#pragma once
// Median stopping: Golovin et al., "Google Vizier: A Service for Black-Box
// Optimization", KDD 2017, §3.2.2, in the form of Ray Tune's
// MedianStoppingRule.
//
// Every trial trains in one job from 0 to max_resource. After step t it is
// stopped (Verdict::kStop) when its best objective over steps 1..t is
// strictly worse than the median of the running averages at t of the other
// trials, where a trial's running average at t is the mean of the objectives
// it reported for steps 1..t. "The other trials" are all trials that have
// reported step t before this report: running, stopped and completed alike
// (Ray's rule). Vizier counts completed trials only; we count all because in
// an asynchronous sweep few trials complete early, and the early steps are
// where stopping saves the most. No stop happens while fewer than
// `min_samples` other trials have reported step t, nor at steps below
// `grace_period`, nor at max_resource (the trial is complete by then).
//
// Each step keeps its running averages in a two-heap running median:
// O(log n) per report, 8 bytes per reported step per trial.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "rungs/core/clock.hpp"
#include "rungs/core/rung.hpp"
#include "rungs/core/sampler.hpp"
#include "rungs/core/scheduler.hpp"

namespace rungs::core {

struct MedianStoppingConfig {
  std::int64_t max_resource = 27;
  std::int64_t grace_period = 0;  // no stop at steps below this
  int min_samples = 3;            // other trials needed at a step before any stop

  std::string validate() const;  // empty when usable
};

// The median of a growing multiset of numbers (NaN counts as the largest).
// The median of an even count is the mean of the two middle values.
class RunningMedian {
 public:
  void add(double x);
  std::size_t size() const { return low_.size() + high_.size(); }
  double median() const;  // NaN when empty
  std::size_t memory_bytes() const {
    return (low_.capacity() + high_.capacity()) * sizeof(double);
  }

 private:
  std::vector<double> low_;   // max-heap: the smaller half (one more when odd)
  std::vector<double> high_;  // min-heap: the larger half
};

class MedianStoppingScheduler : public Scheduler {
 public:
  MedianStoppingScheduler(MedianStoppingConfig config, ObjectiveMode mode, SweepLimits limits,
                          Sampler& sampler, const Clock& clock, std::uint64_t sweep_seed,
                          DecisionSink sink = {});

  std::optional<Job> next_job(WorkerId w) override;
  // Steps of a trial must increase; step max_resource completes it.
  Verdict on_report(const Report& r) override;
  void on_failure(TrialId t, const std::string& why) override;
  bool finished() const override;
  void set_replaying(bool replaying) override { gate_.set_replaying(replaying); }
  std::optional<std::string> limit_reached() const override;
  std::size_t running_jobs() const override { return running_jobs_; }
  // Every step from grace_period (at least 1) to max_resource - 1: the rule
  // may stop a trial at any of them.
  std::vector<std::int64_t> decision_steps(const Job& job) const override;

  std::int64_t trials_started() const { return static_cast<std::int64_t>(trials_.size()); }
  // Running averages recorded at step t (trials that reported it).
  std::size_t reached(std::int64_t step) const;
  std::size_t memory_bytes() const;

 private:
  enum class Phase : std::uint8_t { kRunning, kDone };
  struct TrialState {
    ParamSet params;  // released when the trial is over
    double sum = 0.0;
    double best = std::numeric_limits<double>::quiet_NaN();
    std::int64_t steps = 0;      // reports received
    std::int64_t last_step = 0;
    Phase phase = Phase::kRunning;
  };

  bool should_stop(const TrialState& st, std::int64_t step) const;
  Verdict end_job(TrialState& st, const Report& r, DecisionKind kind, double metric);
  void record(DecisionKind kind, TrialId t, double metric, int worker) const;
  TrialState& state_of(TrialId t, const char* caller);

  MedianStoppingConfig config_;
  ObjectiveMode mode_;
  Sampler& sampler_;
  std::uint64_t sweep_seed_;
  DecisionSink sink_;
  SweepGate gate_;
  std::vector<RunningMedian> by_step_;  // index t - 1
  std::vector<TrialState> trials_;      // indexed by trial id
  std::size_t running_jobs_ = 0;
};

}  // namespace rungs::core
