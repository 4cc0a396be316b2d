#pragma once
// Seeds derived from (sweep seed, trial id, stream) by a SplitMix64 mix, so a
// trial's draws and its training seed depend on nothing else (not on worker
// count, order of arrival or timing).
#include <cmath>
#include <cstdint>
#include <utility>

namespace rungs::core {

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

enum class SeedStream : std::uint64_t { kSampler = 1, kTraining = 2 };

inline std::uint64_t derive_seed(std::uint64_t sweep_seed, std::int64_t trial,
                                 SeedStream stream) {
  std::uint64_t h = splitmix64(sweep_seed);
  h = splitmix64(h ^ static_cast<std::uint64_t>(trial));
  return splitmix64(h ^ static_cast<std::uint64_t>(stream));
}

// The one normal-variate generator: Box-Muller on two uniforms, u1 in (0, 1]
// (so log(u1) is finite) and u2 in [0, 1); returns the independent pair
// (r cos(2 pi u2), r sin(2 pi u2)). Written out because the stream of
// std::normal_distribution is implementation-defined, and runs and data sets
// must match across standard libraries.
inline std::pair<double, double> box_muller(double u1, double u2) {
  constexpr double kTwoPi = 6.28318530717958647692;
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double angle = kTwoPi * u2;
  return {r * std::cos(angle), r * std::sin(angle)};
}

}  // namespace rungs::core
