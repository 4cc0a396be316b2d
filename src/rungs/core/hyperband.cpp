#include "rungs/core/hyperband.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace rungs::core {
namespace {

std::int64_t power(std::int64_t base, int exponent) {
  std::int64_t x = 1;
  for (int i = 0; i < exponent; ++i) x *= base;
  return x;
}

// JMLR Alg. 1: n = ceil(B / R * eta^s / (s + 1)) with B = (s_max + 1) R.
std::int64_t configurations(int eta, int s_max, int s) {
  const std::int64_t numerator = (s_max + 1) * power(eta, s);
  return (numerator + s) / (s + 1);
}

}  // namespace

int hyperband_s_max(const AshaConfig& config) {
  int s = 0;
  for (std::int64_t r = config.min_resource; r <= config.max_resource / config.eta;
       r *= config.eta) {
    ++s;
  }
  return s;
}

std::vector<HyperbandBracket> hyperband_table(const AshaConfig& config) {
  const std::string problem = config.validate();
  if (!problem.empty()) throw std::invalid_argument("hyperband: " + problem);
  const int s_max = hyperband_s_max(config);
  std::vector<HyperbandBracket> table;
  for (int s = s_max; s >= 0; --s) {
    const std::int64_t n = configurations(config.eta, s_max, s);
    const AshaConfig bracket{config.eta, config.min_resource * power(config.eta, s_max - s),
                             config.max_resource};
    HyperbandBracket b;
    b.s = s;
    std::int64_t n_i = n;
    for (std::int64_t resource : bracket.rung_resources()) {
      b.rungs.push_back({std::max<std::int64_t>(1, n_i), resource});
      n_i /= config.eta;
    }
    table.push_back(std::move(b));
  }
  return table;
}

std::vector<AshaScheduler::BracketPlan> HyperbandScheduler::plan(const AshaConfig& config,
                                                                 int brackets) {
  const std::string problem = config.validate();
  if (!problem.empty()) throw std::invalid_argument("scheduler: " + problem);
  const int s_max = hyperband_s_max(config);
  if (brackets < 0 || brackets > s_max + 1) {
    throw std::invalid_argument(
        "scheduler: brackets is " + std::to_string(brackets) + " but eta " +
        std::to_string(config.eta) + " and resources " + std::to_string(config.min_resource) +
        ".." + std::to_string(config.max_resource) + " allow at most " +
        std::to_string(s_max + 1) + " (use 0 for all of them)");
  }
  const int count = brackets == 0 ? s_max + 1 : brackets;
  std::vector<BracketPlan> out;
  for (int s = 0; s < count; ++s) {
    // ASHA bracket s is JMLR bracket s_max - s.
    out.push_back({config.min_resource * power(config.eta, s),
                   configurations(config.eta, s_max, s_max - s)});
  }
  return out;
}

HyperbandScheduler::HyperbandScheduler(AshaConfig config, AshaRules rules, int brackets,
                                       ObjectiveMode mode, SweepLimits limits, Sampler& sampler,
                                       const Clock& clock, std::uint64_t sweep_seed,
                                       DecisionSink sink)
    : AshaScheduler(config, rules, plan(config, brackets), mode, limits, sampler, clock,
                    sweep_seed, std::move(sink)) {}

}  // namespace rungs::core
