#pragma once
// Synchronous successive halving (SHA): Jamieson & Talwalkar, AISTATS 2016,
// Algorithm 1, as the inner loop of Hyperband (Li et al., JMLR 2018, Alg. 1).
// The baseline ASHA was built to beat (Li et al., MLSys 2020, §3.1): it waits
// at every rung.
//
// A bracket starts `bracket_size` new configurations at rung 0. When every
// one of them has reported at the rung (the barrier), the best
// max(1, floor(m / eta)) of the m there are promoted to the next rung and the
// others are stopped; until then a free worker gets no job (next_job returns
// nullopt), which is the idle time a simulator can measure. After the top
// rung the next bracket starts, until the trial budget is spent (the last
// bracket may be smaller). Rungs are AshaConfig::rung_resources(); a failed
// trial leaves its rung without a result and is never promoted.
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/core/asha.hpp"
#include "rungs/core/clock.hpp"
#include "rungs/core/rung.hpp"
#include "rungs/core/sampler.hpp"
#include "rungs/core/scheduler.hpp"

namespace rungs::core {

class SyncHalvingScheduler : public Scheduler {
 public:
  // bracket_size 0: eta^(rungs - 1), so that exactly one trial per full
  // bracket reaches max_resource.
  SyncHalvingScheduler(AshaConfig config, std::int64_t bracket_size, ObjectiveMode mode,
                       SweepLimits limits, Sampler& sampler, const Clock& clock,
                       std::uint64_t sweep_seed, DecisionSink sink = {});

  std::optional<Job> next_job(WorkerId w) override;
  Verdict on_report(const Report& r) override;
  void on_failure(TrialId t, const std::string& why) override;
  bool finished() const override;
  void set_replaying(bool replaying) override { gate_.set_replaying(replaying); }
  std::optional<std::string> limit_reached() const override;
  std::size_t running_jobs() const override { return running_jobs_; }

  const std::vector<std::int64_t>& rung_resources() const { return resources_; }
  std::int64_t bracket_size() const { return bracket_size_; }
  int bracket() const { return bracket_; }  // the current bracket, from 0
  int rung() const { return rung_; }        // the current rung of that bracket
  std::int64_t trials_started() const { return static_cast<std::int64_t>(trials_.size()); }

 private:
  enum class Phase : std::uint8_t { kRunning, kPaused, kDone };
  struct TrialState {
    ParamSet params;  // released when the trial is over
    std::int32_t rung = 0;
    std::int32_t bracket = 0;
    Phase phase = Phase::kRunning;
  };

  Job start(WorkerId w);
  Job promote(WorkerId w);
  void open_bracket();
  void pass_barrier_if_due();
  void close_rung();
  void release(TrialState& st);
  void record(DecisionKind kind, TrialId t, int rung, double metric, int worker) const;
  TrialState& state_of(TrialId t, const char* caller);

  int eta_;
  ObjectiveMode mode_;
  Sampler& sampler_;
  std::uint64_t sweep_seed_;
  DecisionSink sink_;
  SweepGate gate_;
  std::vector<std::int64_t> resources_;
  std::int64_t bracket_size_;

  std::vector<TrialState> trials_;  // indexed by trial id
  int bracket_ = -1;
  int rung_ = 0;
  std::int64_t members_ = 0;       // trials the current rung holds
  std::int64_t to_start_ = 0;      // rung 0: new trials still to start
  std::vector<RungEntry> queue_;   // rung > 0: promoted trials still to run, best first
  std::size_t next_queued_ = 0;
  std::int64_t outstanding_ = 0;   // jobs of the current rung not yet over
  std::vector<RungEntry> results_; // the current rung's results
  bool done_ = false;              // no bracket left to start
  std::size_t running_jobs_ = 0;
};

}  // namespace rungs::core
