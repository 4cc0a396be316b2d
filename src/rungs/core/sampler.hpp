#pragma once
// Samplers propose the configuration of a new trial.
#include <cstdint>

#include "rungs/core/ids.hpp"
#include "rungs/core/search_space.hpp"

namespace rungs::core {

class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual ParamSet sample(TrialId trial) = 0;
};

// Independent draws, deterministic in (sweep seed, trial id): the same trial
// gets the same configuration whatever the worker count or arrival order.
// Floats are uniform (or uniform in log space); ints uniform over the range
// or the choices; categoricals by weight.
class RandomSampler : public Sampler {
 public:
  RandomSampler(SearchSpace space, std::uint64_t sweep_seed);
  ParamSet sample(TrialId trial) override;

 private:
  SearchSpace space_;
  std::uint64_t sweep_seed_;
};

}  // namespace rungs::core
