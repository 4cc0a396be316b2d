#pragma once
// Samplers propose the configuration of a new trial.
#include <cstdint>
#include <optional>

#include "rungs/core/ids.hpp"
#include "rungs/core/search_space.hpp"
#include "rungs/core/seeding.hpp"

namespace rungs::core {

// SplitMix64 (Steele, Lea and Flood, OOPSLA 2014) as a stream of uniform
// numbers. Every sample() seeds a fresh one, so it must be cheap to seed:
// one word, against mt19937_64's 312 words (~1.5 us, the whole budget of a
// sample). Its output passes BigCrush.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    const std::uint64_t r = splitmix64(state_);
    state_ += 0x9E3779B97F4A7C15ULL;
    return r;
  }
  // Uniform in [0, 1) with 53 random bits; the algorithm is fixed here, not
  // left to the standard library, so archives reproduce across platforms.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

// Proposes configurations; model-based samplers also learn from results.
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
// Floats are uniform (or uniform in log space); ints uniform over the range's
// step grid or the choices; categoricals by weight (ParamSpec::value_at).
// Fixed parameters take their value; inactive conditional ones are left out.
class RandomSampler : public Sampler {
 public:
  RandomSampler(SearchSpace space, std::uint64_t sweep_seed);
  ParamSet sample(TrialId trial) override;

 private:
  SearchSpace space_;
  std::uint64_t sweep_seed_;
};

}  // namespace rungs::core
