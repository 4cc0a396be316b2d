#pragma once
// Quasi-random search: a low-discrepancy sequence instead of independent draws.
//
//   SobolSampler sobol(space, /*sweep_seed=*/7);
//   ParamSet p = sobol.sample(TrialId{3});   // point 3 of seed 7's sequence
#include <cstdint>
#include <memory>
#include <vector>

#include "rungs/core/sampler.hpp"

namespace rungs::core {

// The Sobol sequence (Sobol', USSR Comp. Math. 1967; direction numbers of
// Joe and Kuo, SIAM J. Sci. Comput. 2008, as Boost.Random ships them), one
// dimension per searched (non-fixed) parameter. Its first n points cover the
// unit cube more evenly than n random ones (discrepancy O(log^d n / n)
// against O(1/sqrt n)), which is what a small budget wants (Bergstra and
// Bengio, JMLR 2012).
//
// Each sweep seed gets its own sequence by a random digital shift (Owen,
// 2003, "Variance with alternative scramblings of digital nets"):
// coordinate d of every point is XORed with a 64-bit mask drawn from the
// seed. XOR with a constant permutes the elementary intervals, so the shifted
// points keep the sequence's equidistribution. Trial t gets point t (the
// engine seeks to it), so a trial's configuration depends only on (seed, t).
//
// A coordinate u in [0, 1) becomes a value by ParamSpec::value_at: log ranges
// in log space, ints and categoricals by flooring into the range grid or the
// (cumulatively weighted) choices. A conditional parameter keeps its
// dimension and uses it only where it is active.
class SobolSampler : public Sampler {
 public:
  // Throws std::invalid_argument when more than 3667 parameters are searched
  // (the dimensions Boost's direction numbers cover).
  SobolSampler(SearchSpace space, std::uint64_t sweep_seed);
  ~SobolSampler() override;
  SobolSampler(SobolSampler&&) noexcept;
  SobolSampler& operator=(SobolSampler&&) noexcept;

  ParamSet sample(TrialId trial) override;
  // Point t's shifted coordinates in [0, 1), one per searched parameter.
  std::vector<double> unit_point(TrialId trial);

 private:
  struct Engine;  // Boost's generator, kept out of this header
  SearchSpace space_;
  std::vector<int> dimension_;        // per parameter; -1 for a fixed one
  std::vector<std::uint64_t> shift_;  // per dimension
  std::unique_ptr<Engine> engine_;    // null when nothing is searched
};

}  // namespace rungs::core
