#include "rungs/core/sampler.hpp"

#include <stdexcept>

#include "rungs/core/factory.hpp"
#include "rungs/core/grid_sampler.hpp"
#include "rungs/core/seeding.hpp"
#include "rungs/core/sobol_sampler.hpp"
#include "rungs/core/tpe_sampler.hpp"

namespace rungs::core {

RandomSampler::RandomSampler(SearchSpace space, std::uint64_t sweep_seed)
    : space_(std::move(space)), sweep_seed_(sweep_seed) {}

ParamSet RandomSampler::sample(TrialId trial) {
  SplitMix64 rng(derive_seed(sweep_seed_, trial.value, SeedStream::kSampler));
  ParamSet out;
  for (const ParamSpec& s : space_.params()) {
    // An inactive parameter is left out and draws nothing.
    if (!SearchSpace::is_active(s, out)) continue;
    out.set(s.name, s.value_at(s.fixed ? 0.0 : rng.uniform01()));
  }
  return out;
}

const std::vector<std::string>& sampler_kinds() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (SamplerKind k : all_sampler_kinds()) names.emplace_back(to_string(k));
    return names;
  }();
  return kNames;
}

std::unique_ptr<Sampler> make_sampler(const SweepSpec& spec) {
  const SamplerSpec& s = spec.sampler;
  if (s.kind == SamplerKind::kGrid) return std::make_unique<GridSampler>(spec.space, s.shard);
  // Only a grid can be split; shards of a random sequence would repeat each other.
  if (s.shard.count != 1 || s.shard.index != 0) {
    throw std::invalid_argument(
        std::string("--shard applies to the grid sampler only (sampler.kind is '") +
        to_string(s.kind) + "'); to split a " + to_string(s.kind) +
        " sweep over jobs, give each job its own seed");
  }
  if (s.kind == SamplerKind::kRandom) return std::make_unique<RandomSampler>(spec.space, spec.seed);
  if (s.kind == SamplerKind::kSobol) return std::make_unique<SobolSampler>(spec.space, spec.seed);
  if (s.kind == SamplerKind::kTpe) {
    return std::make_unique<TpeSampler>(spec.space, spec.seed, s.tpe, spec.objective.mode);
  }
  throw std::invalid_argument("sampler.kind is unknown; use random, grid, sobol or tpe");
}

}  // namespace rungs::core
