#include "rungs/core/sobol_sampler.hpp"

#include <boost/random/sobol.hpp>
#include <stdexcept>

#include "rungs/core/seeding.hpp"

namespace rungs::core {
namespace {

// Keeps the shift masks apart from every other stream derived from the seed.
constexpr std::uint64_t kShiftSalt = 0x50B01D16175A17ULL;
constexpr std::size_t kMaxDimension = 3667;

}  // namespace

struct SobolSampler::Engine {
  explicit Engine(std::size_t dimension) : sobol(dimension) {}
  boost::random::sobol sobol;
};

SobolSampler::SobolSampler(SearchSpace space, std::uint64_t sweep_seed)
    : space_(std::move(space)) {
  int searched = 0;
  for (const ParamSpec& s : space_.params()) dimension_.push_back(s.fixed ? -1 : searched++);
  if (static_cast<std::size_t>(searched) > kMaxDimension) {
    throw std::invalid_argument("the Sobol sampler supports at most 3667 searched parameters, "
                                "got " + std::to_string(searched) + "; use kind: random");
  }
  SplitMix64 masks(splitmix64(sweep_seed ^ kShiftSalt));
  for (int d = 0; d < searched; ++d) shift_.push_back(masks.next());
  if (searched > 0) engine_ = std::make_unique<Engine>(static_cast<std::size_t>(searched));
}

SobolSampler::~SobolSampler() = default;
SobolSampler::SobolSampler(SobolSampler&&) noexcept = default;
SobolSampler& SobolSampler::operator=(SobolSampler&&) noexcept = default;

std::vector<double> SobolSampler::unit_point(TrialId trial) {
  if (trial.value < 0) throw std::out_of_range("Sobol point of a negative trial id");
  std::vector<double> u;
  if (!engine_) return u;
  // seed(t) seeks to point t (Boost's sequence starts after the origin).
  engine_->sobol.seed(static_cast<std::uint64_t>(trial.value));
  for (std::uint64_t mask : shift_) {
    const std::uint64_t x = engine_->sobol() ^ mask;
    u.push_back(static_cast<double>(x >> 11) * 0x1.0p-53);
  }
  return u;
}

ParamSet SobolSampler::sample(TrialId trial) {
  const std::vector<double> u = unit_point(trial);
  ParamSet out;
  const auto& params = space_.params();
  for (std::size_t k = 0; k < params.size(); ++k) {
    if (!SearchSpace::is_active(params[k], out)) continue;
    const int d = dimension_[k];
    out.set(params[k].name, params[k].value_at(d < 0 ? 0.0 : u[static_cast<std::size_t>(d)]));
  }
  return out;
}

}  // namespace rungs::core
