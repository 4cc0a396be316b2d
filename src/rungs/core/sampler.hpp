#pragma once
// Samplers propose the configuration of a new trial.
#include <cstdint>
#include <optional>

#include "rungs/core/ids.hpp"
#include "rungs/core/search_space.hpp"

namespace rungs::core {

class Sampler {
 public:
  virtual ~Sampler() = default;
  // The configuration of new trial `trial`. Trial ids come in increasing order.
  virtual ParamSet sample(TrialId trial) = 0;
  // A result: `trial` (configuration `params`) reached `resource` with
  // `metric`. Schedulers call this on every report they accept; model-based
  // samplers (TPE) learn from it, the others ignore it.
  virtual void observe(TrialId /*trial*/, const ParamSet& /*params*/, std::int64_t /*resource*/,
                       double /*metric*/) {}
  // How many configurations the sampler can give, when finite (grid).
  virtual std::optional<std::int64_t> size() const { return std::nullopt; }
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
