#pragma once
// FIFO: no early stopping. Every trial trains in one job from 0 to
// max_resource and completes; new trials start, in id order, whenever a
// worker is free and the sweep's limits allow. The baseline the other
// schedulers are measured against (plain random search, Bergstra & Bengio,
// JMLR 2012, run with a trial budget).
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/core/clock.hpp"
#include "rungs/core/rung.hpp"
#include "rungs/core/sampler.hpp"
#include "rungs/core/scheduler.hpp"

namespace rungs::core {

class FifoScheduler : public Scheduler {
 public:
  FifoScheduler(std::int64_t max_resource, ObjectiveMode mode, SweepLimits limits,
                Sampler& sampler, const Clock& clock, std::uint64_t sweep_seed,
                DecisionSink sink = {});

  std::optional<Job> next_job(WorkerId w) override;
  Verdict on_report(const Report& r) override;
  void on_failure(TrialId t, const std::string& why) override;
  bool finished() const override;
  void set_replaying(bool replaying) override { gate_.set_replaying(replaying); }
  std::optional<std::string> limit_reached() const override;
  std::size_t running_jobs() const override { return running_jobs_; }

  std::int64_t trials_started() const { return static_cast<std::int64_t>(trials_.size()); }

 private:
  struct TrialState {
    ParamSet params;  // released when the trial is over
    bool running = true;
  };
  TrialState& state_of(TrialId t, const char* caller);
  void record(DecisionKind kind, TrialId t, double metric, int worker) const;

  std::int64_t max_resource_;
  Sampler& sampler_;
  std::uint64_t sweep_seed_;
  DecisionSink sink_;
  SweepGate gate_;
  std::vector<TrialState> trials_;  // indexed by trial id
  std::size_t running_jobs_ = 0;
};

}  // namespace rungs::core
