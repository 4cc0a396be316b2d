#pragma once
// The two pieces every scheduler in rungs is built from:
//
//   Rung       the results recorded at one rung of successive halving, and
//              the answers ASHA asks of them (Li et al., "A System for
//              Massively Parallel Hyperparameter Tuning", MLSys 2020, §3.2,
//              Algorithm 2): is this result within the top 1/eta, and which
//              unpromoted trial is the best of the top 1/eta?
//   SweepGate  the limits every scheduler obeys: the trial budget (capped by
//              a finite sampler), the wall time and the target objective.
//
// Rung answers in O(1) and records in O(log n) with contiguous binary heaps,
// because a rung of a large stopping-mode sweep holds millions of results and
// a sorted vector would cost O(n) per insert.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rungs/core/clock.hpp"
#include "rungs/core/ids.hpp"
#include "rungs/core/sampler.hpp"
#include "rungs/core/scheduler.hpp"
#include "rungs/core/trial.hpp"

namespace rungs::core {

struct RungEntry {
  TrialId trial;
  double metric = 0.0;
};

// The population of one rung. Results are ranked best first; equal metrics go
// to the smaller trial id; NaN ranks below everything. With n results the
// "top" is the best floor(n / eta) of them.
//
// Layout: `top_` is a heap whose root is the worst member of the top, `rest_`
// a heap whose root is the best non-member. Each insert moves at most one
// entry across, which keeps the split exact. In promotion mode `unpromoted_`
// is a heap of the entries never promoted, best at the root: the best
// promotable trial is its root when that root is inside the top, and no
// unpromoted entry is inside the top otherwise.
class Rung {
 public:
  Rung(int eta, ObjectiveMode mode, bool track_promotions);

  void add(TrialId trial, double metric);
  std::size_t size() const { return top_.size() + rest_.size(); }
  std::size_t top_size() const { return top_.size(); }  // floor(size / eta)

  // Stopping rule (Optuna's SuccessiveHalvingPruner): a result just added
  // survives when it is not NaN and no worse than the k-th best result of
  // the rung, k = max(1, floor(n / eta)), n counting the result itself; in
  // other words when fewer than k results are strictly better. Ties survive.
  bool keeps(double metric) const;

  // Promotion mode: the best entry in the top that was never promoted.
  std::optional<RungEntry> promotable() const;
  // Marks promotable() as promoted. Precondition: promotable() has a value.
  void mark_promoted();

  // All entries, best first (tests and diagnostics; O(n log n)).
  std::vector<RungEntry> sorted() const;
  // Heap bytes this rung holds (capacity, not size).
  std::size_t memory_bytes() const;

 private:
  // Scores are metrics turned so that larger is better in both modes.
  struct Key {
    double score;
    std::int64_t trial;
  };
  // Heap orders (std heaps keep the "largest" at the root).
  struct WorstAtRoot {
    bool operator()(const Key& a, const Key& b) const;
  };
  struct BestAtRoot {
    bool operator()(const Key& a, const Key& b) const;
  };

  double score(double metric) const { return maximize_ ? metric : -metric; }
  RungEntry entry(const Key& k) const { return {TrialId{k.trial}, score(k.score)}; }
  void rebalance();

  int eta_;
  bool maximize_;
  bool track_promotions_;
  std::vector<Key> top_;
  std::vector<Key> rest_;
  std::vector<Key> unpromoted_;
};

// The limits common to every scheduler. New jobs (fresh trials and
// promotions alike) may begin only while the gate is open: before
// `limits.max_seconds` have passed and before any accepted report has reached
// `limits.target`. Running jobs are never cut by the gate; they end as their
// scheduler says. Fresh trials also need budget: the smaller of
// `limits.max_trials` (0: no limit) and the sampler's size when finite.
class SweepGate {
 public:
  SweepGate(const SweepLimits& limits, ObjectiveMode mode, const Sampler& sampler,
            const Clock& clock);

  double elapsed() const { return clock_.now_seconds() - start_; }
  bool time_is_up() const;
  bool target_reached() const { return target_reached_; }
  bool open() const { return replaying_ || (!target_reached_ && !time_is_up()); }
  // Whether trial number `started` (0-based) may be started.
  bool budget_left(std::int64_t started) const {
    return replaying_ || !budget_ || started < *budget_;
  }
  std::optional<std::int64_t> trial_budget() const { return budget_; }
  // Replay follows the journal: the gate stands open (see Scheduler::set_replaying).
  void set_replaying(bool replaying) { replaying_ = replaying; }
  // Which of limits.time, limits.target, limits.trials keeps trial number
  // `started` (or any promotion) from starting now; nullopt when none does
  // (also when only the sweep's own size or a finite sampler is used up).
  std::optional<std::string> limit_reached(std::int64_t started) const;
  // An accepted report's objective; notes whether it reaches the target.
  void note(double metric);

 private:
  SweepLimits limits_;
  ObjectiveMode mode_;
  const Clock& clock_;
  double start_;
  std::optional<std::int64_t> budget_;
  std::optional<std::int64_t> size_;  // the sweep's own size: sampler.trials, a finite sampler
  bool target_reached_ = false;
  bool replaying_ = false;
};

}  // namespace rungs::core
