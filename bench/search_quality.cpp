// Search quality: does a sampler or scheduler find better configurations at
// equal cost? Median simple regret (true f of the configuration chosen minus
// the known optimum) over 20 seeds, on Branin (2-D, minimum 0.397887) and
// Hartmann-6 (6-D, minimum -3.32237), run by core::simulate on 4 virtual
// workers through the real factories, driver and schedulers.
//
// Full fidelity: one evaluation is one epoch (max_resource 1, no noise), and
// FIFO runs a fixed number of evaluations with the random, Sobol or TPE sampler.
//
// Multi-fidelity: a trial trains 27 epochs of 1 virtual second; its metric
// follows a power-law learning curve that reaches f(x) at epoch 27 (see
// core/simulator.hpp), plus Gaussian noise of 5% of the function's spread at
// the first epoch that shrinks with the curve's gap and is gone at epoch 27:
// early rungs are informative but noisy, the last is exact. Every setting gets the same
// virtual time (4 workers x the time of N full evaluations / 4): ASHA
// (promotion, eta 3, rungs 1, 3, 9, 27) with random or TPE sampling, beside
// FIFO with the same samplers, which trains every trial to 27.
//
// The configuration chosen is the one with the best reported metric at 27
// epochs (at 1 in full fidelity); regret is measured on its true, noise-free f.
//
//   search_quality [--seeds 20]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "rungs/core/simulator.hpp"

namespace {

using namespace rungs::core;

struct Problem {
  const char* name;
  ObjectiveFunction function;
  std::int64_t evaluations;  // full-fidelity budget
};

struct Setting {
  const char* scheduler;  // "fifo" or "asha"
  const char* sampler;    // "random", "sobol" or "tpe"
};

constexpr int kWorkers = 4;
constexpr std::int64_t kEpochs = 27;
// Noise at the first epoch, in units of the function's spread; it shrinks with
// the curve's gap and is gone at epoch 27.
constexpr double kNoise = 0.05;

template <typename Kind>
Kind kind_named(const std::string& name, const std::vector<Kind>& all) {
  for (Kind k : all) {
    if (name == to_string(k)) return k;
  }
  std::fprintf(stderr, "unknown kind %s\n", name.c_str());
  std::exit(2);
}

SweepSpec base_spec(const Setting& s, std::uint64_t seed) {
  SweepSpec spec;
  spec.name = "search-quality";
  spec.seed = seed;
  spec.metrics = {{"val_loss", ObjectiveMode::kMin}};
  spec.objective.metric = "val_loss";
  spec.objective.mode = ObjectiveMode::kMin;
  spec.scheduler.kind = kind_named(s.scheduler, all_scheduler_kinds());
  spec.scheduler.mode = AshaMode::kPromotion;
  spec.sampler.kind = kind_named(s.sampler, all_sampler_kinds());
  return spec;
}

SimulationOptions options_for(const Problem& p, std::uint64_t seed, double noise) {
  SimulationOptions o;
  o.final_noise = 0.0;  // the multi-fidelity wrapper: exact f(x) at max_resource
  o.workers = kWorkers;
  o.epoch_seconds = 1.0;
  o.objective = p.function;
  o.curves = CurveFamily::kPowerLaw;
  o.noise = noise;
  o.seed = seed;
  return o;
}

struct Outcome {
  double regret = NAN;
  std::int64_t trials = 0;
};

Outcome run_full_fidelity(const Problem& p, const Setting& s, std::uint64_t seed) {
  SweepSpec spec = base_spec(s, seed);
  spec.scheduler.asha = AshaConfig{3, 1, 1};
  spec.sampler.trials = p.evaluations;
  const SimulationReport r = simulate(spec, options_for(p, seed, 0.0), nullptr);
  const double optimum = p.function == ObjectiveFunction::kBranin ? kBraninMinimum : kHartmann6Minimum;
  return {r.best_trial ? r.best_true_value - optimum : NAN, r.trials};
}

Outcome run_multi_fidelity(const Problem& p, const Setting& s, std::uint64_t seed) {
  SweepSpec spec = base_spec(s, seed);
  spec.scheduler.asha = AshaConfig{3, 1, kEpochs};
  // No job starts after this: the time of `evaluations` full trials on kWorkers.
  spec.limits.max_seconds = static_cast<double>(p.evaluations * kEpochs / kWorkers);
  const SimulationReport r = simulate(spec, options_for(p, seed, kNoise), nullptr);
  const double optimum = p.function == ObjectiveFunction::kBranin ? kBraninMinimum : kHartmann6Minimum;
  return {r.best_trial ? r.best_true_value - optimum : NAN, r.trials};
}

double quantile(std::vector<double> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

template <typename Run>
void row(const char* fidelity, const Problem& p, const Setting& s, int seeds, Run run) {
  std::vector<double> regrets, trials;
  for (int seed = 1; seed <= seeds; ++seed) {
    const Outcome o = run(p, s, static_cast<std::uint64_t>(seed));
    regrets.push_back(o.regret);
    trials.push_back(static_cast<double>(o.trials));
  }
  const auto found = std::count_if(regrets.begin(), regrets.end(), [](double x) { return !std::isnan(x); });
  std::printf("| %-10s | %-15s | %-4s + %-6s | %8.0f | %10.4g | %10.4g | %10.4g | %2ld/%d |\n", p.name,
              fidelity, s.scheduler, s.sampler, quantile(trials, 0.5), quantile(regrets, 0.5),
              quantile(regrets, 0.25), quantile(regrets, 0.75), static_cast<long>(found), seeds);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int seeds = 20;
  if (argc == 3 && std::string(argv[1]) == "--seeds") seeds = std::atoi(argv[2]);
  const std::vector<Problem> problems = {{"Branin", ObjectiveFunction::kBranin, 64},
                                         {"Hartmann-6", ObjectiveFunction::kHartmann6, 128}};
  std::printf("simple regret (true f of the chosen configuration - known minimum), %d seeds, "
              "%d workers\n", seeds, kWorkers);
  std::printf("full fidelity: N evaluations (Branin 64, Hartmann-6 128), no noise; "
              "multi-fidelity: %lld-epoch power-law curves, noise 5%% of spread at epoch 1, none at the end,\n"
              "virtual time of N full trials on %d workers for every setting\n\n",
              static_cast<long long>(kEpochs), kWorkers);
  std::printf("| problem | fidelity | scheduler + sampler | trials (median) | median regret | "
              "q25 | q75 | seeds with a full-resource trial |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  for (const Problem& p : problems) {
    for (const char* sampler : {"random", "sobol", "tpe"}) {
      row("full", p, Setting{"fifo", sampler}, seeds, run_full_fidelity);
    }
    for (const Setting& s : {Setting{"fifo", "random"}, Setting{"fifo", "tpe"},
                             Setting{"asha", "random"}, Setting{"asha", "tpe"}}) {
      row("multi-fidelity", p, s, seeds, run_multi_fidelity);
    }
  }
  return 0;
}
