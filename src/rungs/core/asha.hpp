#pragma once
// Asynchronous successive halving (ASHA): Li et al., "A System for Massively
// Parallel Hyperparameter Tuning", MLSys 2020, §3.2 and Algorithm 2.
//
// Rungs sit at resources min_resource * eta^k (k = 0, 1, ...) below
// max_resource, and a last rung at max_resource itself. Two modes:
//
// Promotion (Algorithm 2, pause and resume). A trial pauses at the end of
// each rung. When a worker frees up it gets, scanning rungs from the top
// down, the best paused trial that is within the top floor(n/eta) of its rung
// (n = results recorded there) and not yet promoted; that trial resumes from
// its checkpoint and trains up to the next rung. If none qualifies, a new
// configuration starts at rung 0. No worker ever waits for a rung to fill.
//
// Stopping (Ray Tune's AsyncHyperBandScheduler, Optuna's
// SuccessiveHalvingPruner). A trial trains in one job from 0 to max_resource.
// At each rung it goes on at once if fewer than max(1, floor(n/eta)) results
// recorded there are strictly better than its own (n counting its own),
// else it is stopped for good (Verdict::kStop). Never before grace_period.
//
// Ties in the metric go to the earlier trial (smaller id), so decisions are a
// pure function of the report sequence.
//
// One scheduler can run several brackets (rung ladders with different
// minimum resources) over one trial budget: that is asynchronous Hyperband,
// see hyperband.hpp. Plain ASHA is the one bracket s = 0.
//
//   AshaScheduler asha(AshaConfig{3, 1, 27}, AshaRules{AshaMode::kStopping, 3},
//                      ObjectiveMode::kMax, limits, sampler, clock, seed);
//   auto job = asha.next_job(WorkerId{1});   // trial 0, resources 0 -> 27
//   asha.on_report({job->trial, 1, 0.61});   // rung 1: kContinue or kStop
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rungs/core/clock.hpp"
#include "rungs/core/rung.hpp"
#include "rungs/core/sampler.hpp"
#include "rungs/core/scheduler.hpp"

namespace rungs::core {

// Bounds that keep every rung and resource product inside 64 bits: 2^40
// epochs is far beyond any training run, and eta above 1000 leaves one rung.
inline constexpr std::int64_t kMaxResource = std::int64_t{1} << 40;
inline constexpr int kMaxEta = 1000;

struct AshaConfig {
  int eta = 3;
  std::int64_t min_resource = 1;
  std::int64_t max_resource = 27;

  std::string validate() const;  // empty when usable
  // Resources at which rungs end, ascending; the last is max_resource.
  std::vector<std::int64_t> rung_resources() const;
};

enum class AshaMode { kPromotion, kStopping };
const char* to_string(AshaMode m);
std::optional<AshaMode> parse_asha_mode(const std::string& s);  // "promotion", "stopping"

struct AshaRules {
  AshaMode mode = AshaMode::kPromotion;
  std::int64_t grace_period = 0;  // stopping mode: no stop below this resource

  std::string validate(const AshaConfig& config) const;  // empty when usable
};

// ASHA in either mode over one or more brackets (see the top of this file);
// every trial, rung and decision of the sweep goes through it.
class AshaScheduler : public Scheduler {
 public:
  // Promotion mode, one bracket: Algorithm 2 as published.
  AshaScheduler(AshaConfig config, ObjectiveMode mode, SweepLimits limits, Sampler& sampler,
                const Clock& clock, std::uint64_t sweep_seed, DecisionSink sink = {});
  // Either mode, one bracket.
  AshaScheduler(AshaConfig config, AshaRules rules, ObjectiveMode mode, SweepLimits limits,
                Sampler& sampler, const Clock& clock, std::uint64_t sweep_seed,
                DecisionSink sink = {});

  std::optional<Job> next_job(WorkerId w) override;
  Verdict on_report(const Report& r) override;
  // A failed job's trial is over. A failure for a trial with no job running
  // (it was paused, stopped or completed meanwhile) changes nothing.
  void on_failure(TrialId t, const std::string& why) override;
  bool finished() const override;
  std::size_t running_jobs() const override { return running_jobs_; }
  // Stopping mode: the job's rung resources at or above grace_period, below
  // max_resource (where kStop can come). Promotion mode: none.
  std::vector<std::int64_t> decision_steps(const Job& job) const override;
  void set_replaying(bool replaying) override { gate_.set_replaying(replaying); }
  std::optional<std::string> limit_reached() const override;

  AshaMode mode() const { return rules_.mode; }
  int bracket_count() const { return static_cast<int>(brackets_.size()); }
  const std::vector<std::int64_t>& rung_resources(int bracket = 0) const;
  // Results recorded at rung k of `bracket` (its population).
  std::size_t rung_size(int k, int bracket = 0) const;
  const Rung& rung(int k, int bracket = 0) const;
  std::int64_t trials_started() const { return next_trial_; }
  std::int64_t trials_in_bracket(int bracket) const;
  // Bytes held by rungs and per-trial state (capacity), for sizing sweeps.
  std::size_t memory_bytes() const;

 protected:
  // Several brackets: bracket b's rungs start at min_resources[b]; new trials
  // are spread over brackets in proportion to weights[b] (see choose_bracket).
  struct BracketPlan {
    std::int64_t min_resource = 1;
    std::int64_t weight = 1;
  };
  AshaScheduler(AshaConfig config, AshaRules rules, std::vector<BracketPlan> plan,
                ObjectiveMode mode, SweepLimits limits, Sampler& sampler, const Clock& clock,
                std::uint64_t sweep_seed, DecisionSink sink);

 private:
  struct Bracket {
    std::vector<std::int64_t> resources;
    std::vector<Rung> rungs;
    std::int64_t weight = 1;
    std::int64_t started = 0;
    int top() const { return static_cast<int>(rungs.size()) - 1; }
    int promotable_rung() const;  // highest rung below the top with one; -1 if none
  };
  enum class Phase : std::uint8_t { kRunning, kPaused, kDone };
  struct TrialState {
    ParamSet params;        // released when the trial is over
    std::int32_t rung = 0;  // promotion: rung the job trains to; stopping: next rung to judge
    std::int16_t bracket = 0;
    Phase phase = Phase::kRunning;
  };

  std::optional<Job> promote(WorkerId w);
  Job start(WorkerId w);
  int choose_bracket() const;
  Verdict on_promotion_report(TrialState& st, const Report& r);
  Verdict on_stopping_report(TrialState& st, const Report& r);
  Verdict end_job(TrialState& st, const Report& r, DecisionKind kind, int rung);
  std::uint64_t seed_of(TrialId t) const;
  void record(DecisionKind kind, TrialId t, int rung, double metric, int worker) const;
  TrialState& state_of(TrialId t, const char* caller);

  AshaRules rules_;
  ObjectiveMode mode_;
  Sampler& sampler_;
  std::uint64_t sweep_seed_;
  DecisionSink sink_;
  SweepGate gate_;

  std::vector<Bracket> brackets_;
  std::vector<TrialState> trials_;  // indexed by trial id
  std::int64_t next_trial_ = 0;
  std::size_t running_jobs_ = 0;
};

}  // namespace rungs::core
