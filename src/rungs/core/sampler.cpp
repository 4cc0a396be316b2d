#include "rungs/core/sampler.hpp"

#include <cmath>
#include <random>

#include "rungs/core/seeding.hpp"

namespace rungs::core {
namespace {

// std::uniform_real_distribution's algorithm is implementation-defined; this
// one is not, so archives are reproducible across standard libraries.
double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);  // 53 bits
}

std::int64_t uniform_index(std::mt19937_64& rng, std::uint64_t n) {
  // Rejection sampling avoids modulo bias.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return static_cast<std::int64_t>(x % n);
}

double draw_float(const ParamSpec& s, std::mt19937_64& rng) {
  const double u = uniform01(rng);
  if (s.log) {
    const double v = std::exp(std::log(s.low) + u * (std::log(s.high) - std::log(s.low)));
    return std::min(std::max(v, s.low), s.high);
  }
  return s.low + u * (s.high - s.low);
}

std::int64_t draw_int(const ParamSpec& s, std::mt19937_64& rng) {
  if (!s.int_choices.empty()) {
    return s.int_choices[uniform_index(rng, s.int_choices.size())];
  }
  const auto lo = static_cast<std::int64_t>(std::ceil(s.low));
  const auto hi = static_cast<std::int64_t>(std::floor(s.high));
  if (s.log) {
    // Log-uniform over [lo - 0.5, hi + 0.5), rounded: every integer reachable.
    const double a = std::log(lo - 0.5 > 0 ? lo - 0.5 : lo), b = std::log(hi + 0.5);
    const auto v = static_cast<std::int64_t>(std::llround(std::exp(a + uniform01(rng) * (b - a))));
    return std::min(std::max(v, lo), hi);
  }
  return lo + uniform_index(rng, static_cast<std::uint64_t>(hi - lo + 1));
}

std::string draw_categorical(const ParamSpec& s, std::mt19937_64& rng) {
  if (s.weights.empty()) return s.choices[uniform_index(rng, s.choices.size())];
  double total = 0.0;
  for (double w : s.weights) total += w;
  double u = uniform01(rng) * total;
  for (std::size_t i = 0; i < s.choices.size(); ++i) {
    if (u < s.weights[i]) return s.choices[i];
    u -= s.weights[i];
  }
  // Rounding can leave u a hair above the last weight: take the last positive.
  for (std::size_t i = s.choices.size(); i-- > 0;) {
    if (s.weights[i] > 0) return s.choices[i];
  }
  return s.choices.back();
}

}  // namespace

RandomSampler::RandomSampler(SearchSpace space, std::uint64_t sweep_seed)
    : space_(std::move(space)), sweep_seed_(sweep_seed) {}

ParamSet RandomSampler::sample(TrialId trial) {
  std::mt19937_64 rng(derive_seed(sweep_seed_, trial.value, SeedStream::kSampler));
  ParamSet out;
  for (const ParamSpec& s : space_.params()) {
    switch (s.type) {
      case ParamType::kFloat: out.set(s.name, draw_float(s, rng)); break;
      case ParamType::kInt: out.set(s.name, draw_int(s, rng)); break;
      case ParamType::kCategorical: out.set(s.name, draw_categorical(s, rng)); break;
    }
  }
  return out;
}

}  // namespace rungs::core
