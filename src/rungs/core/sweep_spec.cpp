#include "rungs/core/sweep_spec.hpp"

#include <algorithm>

namespace rungs::core {

std::int64_t SweepSpec::trial_budget() const {
  const std::int64_t a = sampler.trials, b = limits.max_trials;
  if (a > 0 && b > 0) return std::min(a, b);
  return a > 0 ? a : b;
}

}  // namespace rungs::core
