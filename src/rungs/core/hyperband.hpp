#pragma once
// Hyperband: Li et al., "Hyperband: A Novel Bandit-Based Approach to
// Hyperparameter Optimization", JMLR 18(185), 2018, Algorithm 1 and Table 1;
// run asynchronously as several ASHA brackets (Li et al., MLSys 2020, §3.2).
//
// Bracket numbering follows ASHA's "early-stopping rate" s: bracket s has its
// first rung at min_resource * eta^s, for s = 0..s_max with
// s_max = floor(log_eta(max_resource / min_resource)). Bracket 0 is plain
// ASHA (most aggressive); bracket s_max runs every trial (nearly) to the end.
// In the JMLR paper's numbering the same bracket is s' = s_max - s.
//
// Spreading new trials: synchronous Hyperband starts n_{s'} configurations in
// bracket s' per iteration (JMLR Alg. 1, n = ceil((s_max + 1) eta^{s'} / (s'+1))),
// which gives every bracket about the same total budget. The asynchronous
// version keeps those proportions: bracket s gets weight n_{s_max - s}, and
// each new trial goes to the bracket whose share is most overdue (the
// smallest (started_s + 1) / weight_s, ties to the smaller s). For eta = 3,
// resources 1..9 the weights are 9, 5, 3 and trials 0..16 go to brackets
// 0 1 0 0 2 1 0 0 1 0 2 0 1 0 0 1 2, then the pattern repeats.
//
// Promotions come before new trials across all brackets (the paused trial
// at the highest rung resource first), so no paused trial waits for its
// bracket's turn. Both ASHA modes work per bracket.
#include <cstdint>
#include <vector>

#include "rungs/core/asha.hpp"

namespace rungs::core {

// One rung of a synchronous Hyperband bracket: n configurations trained to
// `resource`.
struct HyperbandRung {
  std::int64_t n = 0;
  std::int64_t resource = 0;
  friend bool operator==(const HyperbandRung& a, const HyperbandRung& b) {
    return a.n == b.n && a.resource == b.resource;
  }
};

struct HyperbandBracket {
  int s = 0;  // JMLR numbering: s = s_max is the most aggressive bracket
  std::vector<HyperbandRung> rungs;
};

// floor(log_eta(max_resource / min_resource)), in integers.
int hyperband_s_max(const AshaConfig& config);

// Synchronous Hyperband's brackets, s = s_max down to 0 (JMLR Table 1 order).
// n_i = floor(n / eta^i) as in Alg. 1, at least 1; resources are those of the
// matching ASHA bracket (min_resource * eta^(s_max - s + i), the last one
// max_resource), which equal R * eta^(i - s) when max/min is a power of eta.
std::vector<HyperbandBracket> hyperband_table(const AshaConfig& config);

// Asynchronous Hyperband: ASHA brackets s = 0..brackets-1 (0 = all s_max + 1
// brackets) over one trial budget, new trials spread as described above.
class HyperbandScheduler : public AshaScheduler {
 public:
  HyperbandScheduler(AshaConfig config, AshaRules rules, int brackets, ObjectiveMode mode,
                     SweepLimits limits, Sampler& sampler, const Clock& clock,
                     std::uint64_t sweep_seed, DecisionSink sink = {});

 private:
  static std::vector<BracketPlan> plan(const AshaConfig& config, int brackets);
};

}  // namespace rungs::core
