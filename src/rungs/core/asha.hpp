#pragma once
// Asynchronous successive halving, promotion mode: Li et al., "A System for
// Massively Parallel Hyperparameter Tuning", MLSys 2020, Algorithm 2.
//
// Rungs sit at resources min_resource * eta^k (k = 0, 1, ...) below
// max_resource, and a last rung at max_resource itself. A trial pauses at the
// end of each rung. When a worker frees up it gets, scanning rungs from the
// top down, the best paused trial that is within the top floor(n/eta) of its
// rung (n = results recorded there) and not yet promoted; that trial resumes
// from its checkpoint and trains up to the next rung. If none qualifies, a new
// configuration starts at rung 0. No worker ever waits for a rung to fill.
//
// Ties in the metric go to the earlier trial (smaller id), so decisions are a
// pure function of the report sequence.
#include <cstdint>
#include <vector>

#include "rungs/core/clock.hpp"
#include "rungs/core/sampler.hpp"
#include "rungs/core/scheduler.hpp"

namespace rungs::core {

struct AshaConfig {
  int eta = 3;
  std::int64_t min_resource = 1;
  std::int64_t max_resource = 27;

  std::string validate() const;  // empty when usable
  // Resources at which rungs end, ascending; the last is max_resource.
  std::vector<std::int64_t> rung_resources() const;
};

class AshaScheduler : public Scheduler {
 public:
  AshaScheduler(AshaConfig config, ObjectiveMode mode, SweepLimits limits, Sampler& sampler,
                const Clock& clock, std::uint64_t sweep_seed, DecisionSink sink = {});

  std::optional<Job> next_job(WorkerId w) override;
  Verdict on_report(const Report& r) override;
  void on_failure(TrialId t, const std::string& why) override;
  bool finished() const override;
  std::size_t running_jobs() const override { return running_jobs_; }

  const std::vector<std::int64_t>& rung_resources() const { return rung_resources_; }
  // Results recorded at rung k (its population).
  std::size_t rung_size(int k) const { return rungs_[k].size(); }
  std::int64_t trials_started() const { return next_trial_; }

 private:
  struct RungEntry {
    TrialId trial;
    double metric;
    bool promoted;
  };
  enum class TrialPhase { kRunning, kPaused, kDone };
  struct TrialState {
    ParamSet params;
    std::uint64_t seed = 0;
    int target_rung = 0;  // rung the current or last job trains to
    TrialPhase phase = TrialPhase::kRunning;
  };

  bool time_is_up() const;
  bool may_start_new_trial() const;
  // Index into rungs_[k] of the best unpromoted entry in the top floor(n/eta); -1 if none.
  long promotable_index(int k) const;
  void record(DecisionKind kind, TrialId t, int rung, double metric, int worker) const;
  TrialState& state_of(TrialId t, const char* caller);

  AshaConfig config_;
  ObjectiveMode mode_;
  SweepLimits limits_;
  Sampler& sampler_;
  const Clock& clock_;
  std::uint64_t sweep_seed_;
  DecisionSink sink_;
  double start_time_;

  std::vector<std::int64_t> rung_resources_;
  std::vector<std::vector<RungEntry>> rungs_;  // each kept sorted best first
  std::vector<TrialState> trials_;             // indexed by trial id
  std::int64_t next_trial_ = 0;
  std::size_t running_jobs_ = 0;
};

}  // namespace rungs::core
