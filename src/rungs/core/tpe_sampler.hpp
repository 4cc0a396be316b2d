#pragma once
// Model-based search: the Tree-structured Parzen Estimator.
//
//   TpeSpec tpe;                                  // startup 10, gamma 0.25, 24 candidates
//   TpeSampler sampler(space, /*sweep_seed=*/7, tpe, ObjectiveMode::kMin);
//   ParamSet p = sampler.sample(TrialId{0});      // random until enough results
//   sampler.observe(TrialId{0}, p, /*resource=*/1, /*metric=*/0.42);
//   ParamSet q = sampler.sample(TrialId{1});      // drawn where good trials were
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "rungs/core/sampler.hpp"
#include "rungs/core/sweep_spec.hpp"
#include "rungs/core/trial.hpp"

namespace rungs::core {

// TPE (Bergstra, Bardenet, Bengio and Kegl, "Algorithms for Hyper-Parameter
// Optimization", NeurIPS 2011, section 4), in Optuna's modern form (Watanabe,
// "Tree-Structured Parzen Estimator: Understanding Its Algorithm Components
// and Their Roles for Better Empirical Performance", 2023) where the two
// differ, with BOHB's choice of budget (Falkner, Klein and Hutter, ICML 2018)
// for multi-fidelity results.
//
// 1. Until some resource level holds max(startup_trials, searched params + 1)
//    trials' results, a trial gets the RandomSampler's configuration.
// 2. The model level is the highest resource with that many trials (BOHB:
//    the largest budget with enough results to fit a model; below that the
//    next lower one); each trial's latest metric at that resource counts.
// 3. Those trials are ranked (ties by trial id); the best ceil(gamma * n),
//    at least 1 and at most n - 1, are "good", the rest "bad".
// 4. l(x) and g(x) are Parzen estimators (mixtures of kernels) fitted on the
//    good and the bad trials, each with a prior kernel of weight 1 beside
//    observations of weight 1 (Optuna's weights without its age ramp):
//    - floats and int ranges: truncated Gaussians on [low, high], in log space
//      for log ranges. Ints are relaxed to [low - step/2, top + step/2], drawn
//      continuously and rounded onto the step grid, and scored by the mass of
//      their grid cell. Independent mode takes each kernel's bandwidth from
//      its neighbour distances (the larger gap to the left or right
//      neighbour, bounds and prior mean included); multivariate mode uses a
//      Scott-type rule, 0.2 * (high - low) * n^(-1/(d+4)). Both are clipped
//      to [(high - low) / min(100, n + 2), high - low] (Optuna's "magic
//      clip"). The prior kernel sits mid-range with sigma = high - low.
//    - categoricals and int choices: each observation puts weight 1 on its
//      choice plus 1 spread by the user's weights (uniform when none); the
//      prior kernel is the user's weights. So the mixture is smoothed counts
//      and a choice of weight 0 is never proposed.
// 5. `candidates` draws from l(x); the one with the largest
//    log l(x) - log g(x) is proposed (it maximises expected improvement,
//    Bergstra et al. section 4.1).
//
// Independent mode (the default) models each parameter alone, so step 5 runs
// per parameter. Multivariate mode (as BOHB's kernel density; Optuna's
// multivariate=True) models the unconditional searched parameters jointly:
// a kernel is a product over them, and a candidate is drawn whole from one
// good observation's kernel. Conditional parameters are always modelled
// alone, fitted only on the trials where they were active.
//
// Fixed parameters take their value; inactive ones are left out.
// A proposal is a function of (sweep seed, trial id, the results observed).
//
// Cost: each sample() refits on the history (a sort, then per parameter
// O(kernels * candidates) density evaluations). To stay within milliseconds
// for thousands of trials, l and g use at most kMaxKernels observations each:
// when a group is larger, every k-th trial in rank order is kept, which
// preserves the spread of the group rather than its most recent members.
class TpeSampler : public Sampler {
 public:
  static constexpr std::size_t kMaxKernels = 512;

  // Throws std::invalid_argument for startup_trials < 1, gamma outside
  // (0, 1) or candidates < 1.
  TpeSampler(SearchSpace space, std::uint64_t sweep_seed, TpeSpec spec, ObjectiveMode mode);

  ParamSet sample(TrialId trial) override;
  // Records the latest metric of `trial` at `resource`; NaN ranks last.
  void observe(TrialId trial, const ParamSet& params, std::int64_t resource,
               double metric) override;

  // What the model is fitted on now: the resource level and the good and bad
  // trials, best first (before thinning). Empty while sampling at random.
  struct Split {
    std::int64_t resource = 0;
    std::vector<TrialId> good, bad;
  };
  std::optional<Split> split() const;

 private:
  struct History {
    ParamSet params;
    std::map<std::int64_t, double> metric_at;  // resource -> latest metric
  };

  std::optional<std::int64_t> model_resource() const;
  ParamSet propose(TrialId trial, const Split& split) const;

  SearchSpace space_;
  std::uint64_t sweep_seed_;
  TpeSpec spec_;
  ObjectiveMode mode_;
  RandomSampler random_;
  std::int64_t min_results_ = 0;                 // per level, before the model is used
  std::map<std::int64_t, History> history_;      // by trial id
  std::map<std::int64_t, std::int64_t> level_count_;  // resource -> trials with a result
};

}  // namespace rungs::core
