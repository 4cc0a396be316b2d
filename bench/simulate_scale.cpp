// Simulator at scale: is rank 0 ever the bottleneck, and do workers wait?
//
// 10,000 virtual workers run a 1,000,000-trial sweep (eta 3, rungs 1..81,
// power-law curves, lognormal epoch times with mean 60 s and sigma 1) under
// the real scheduler core, through core::Simulator and core::SweepDriver:
//   - ASHA, promotion mode (Li et al., MLSys 2020, Algorithm 2);
//   - ASHA, stopping mode;
//   - synchronous successive halving (Jamieson and Talwalkar, AISTATS 2016),
//     brackets of workers * eta^(rungs - 1) trials, so that every rung of a
//     full bracket has at least one job per worker and idle time comes from
//     the rung barriers alone.
// All three see the same curves and epoch times: a trial's are drawn from
// (seed, trial id), and trial ids get the same configurations everywhere.
//
// Printed per scheduler: trials, steps, virtual makespan and a lower bound
// on it that no scheduler beats for the same work (the work spread evenly
// over the workers, or the longest trial's epochs end to end), the workers'
// busy fraction over the whole run, at that bound, and until the last new
// trial started (after it the budget is spent and only the last rungs of the
// last trials remain), real seconds and peak resident memory of the run. No record is kept
// (record = nullptr): the driver's scratch record holds the trial table only.
//
//   simulate_scale [--workers 10000] [--trials 1000000] [--sigma 1] [--seed 1]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "rungs/core/asha.hpp"
#include "rungs/core/sampler.hpp"
#include "rungs/core/simulator.hpp"
#include "rungs/core/sync_halving.hpp"

namespace {

using namespace rungs::core;

struct Args {
  int workers = 10000;
  std::int64_t trials = 1000000;
  double sigma = 1.0;
  std::uint64_t seed = 1;
  DurationModel durations = DurationModel::kLognormal;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--workers") a.workers = std::atoi(argv[i + 1]);
    else if (k == "--trials") a.trials = std::atoll(argv[i + 1]);
    else if (k == "--sigma") a.sigma = std::atof(argv[i + 1]);
    else if (k == "--seed") a.seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (k == "--durations" && parse_duration_model(argv[i + 1])) a.durations = *parse_duration_model(argv[i + 1]);
    else {
      std::fprintf(stderr,
                   "usage: simulate_scale [--workers N] [--trials N] [--sigma S] [--seed S]\n"
                   "                      [--durations lognormal|lognormal-epochs]\n");
      std::exit(2);
    }
  }
  return a;
}

// Peak resident memory since the last reset_peak_rss(), in MiB.
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }
double peak_rss_mib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0.0;
}

SweepSpec spec_for(const Args& a) {
  SweepSpec spec;
  spec.name = "simulate-scale";
  spec.seed = a.seed;
  spec.metrics = {{"val_loss", ObjectiveMode::kMin}};
  spec.objective.metric = "val_loss";
  spec.objective.mode = ObjectiveMode::kMin;
  spec.scheduler.asha = AshaConfig{3, 1, 81};
  spec.sampler.trials = a.trials;
  spec.space.add(ParamSpec::float_range("lr", 1e-4, 1e-1, /*log=*/true));
  spec.space.add(ParamSpec::float_range("dropout", 0.0, 0.5));
  spec.space.add(ParamSpec::int_set("hidden", {64, 128, 256, 512}));
  return spec;
}

SimulationOptions options_for(const Args& a) {
  SimulationOptions o;
  o.workers = a.workers;
  o.durations = a.durations;
  o.sigma = a.sigma;
  o.epoch_seconds = 60.0;
  o.seed = a.seed;
  return o;
}

SweepLimits limits_for(const Args& a) {
  SweepLimits l;
  l.max_trials = a.trials;
  return l;
}

// The makespan no scheduler can beat for this run's work: the work spread
// evenly over the workers, or the longest trial's epochs end to end.
double makespan_bound(const SimulationReport& r, int workers) {
  return std::max(r.busy_seconds / workers, r.longest_trial);
}

void print_row(const char* name, const SimulationReport& r, int workers, double rss) {
  const double bound = makespan_bound(r, workers);
  std::printf("| %-28s | %8lld | %9lld | %9.0f | %9.0f | %6.2f%% | %6.2f%% | %7.2f%% | %9.0f | %6.1f | %7.0f |\n",
              name, static_cast<long long>(r.trials), static_cast<long long>(r.reports),
              r.makespan, bound, 100.0 * r.busy_fraction,
              100.0 * r.busy_seconds / (workers * bound), 100.0 * r.busy_fraction_until_last_start,
              r.last_start, r.real_seconds, rss);
  std::fflush(stdout);
}

void run_asha(const Args& a, AshaMode mode) {
  reset_peak_rss();
  const SweepSpec spec = spec_for(a);
  Simulator sim(spec, options_for(a));
  RandomSampler sampler(spec.space, spec.seed);
  AshaScheduler asha(spec.scheduler.asha, AshaRules{mode, 0}, spec.objective.mode, limits_for(a),
                     sampler, sim.clock(), spec.seed, sim.decision_sink(nullptr));
  const SimulationReport r = sim.run(asha, nullptr);
  print_row(mode == AshaMode::kPromotion ? "ASHA promotion" : "ASHA stopping", r, a.workers,
            peak_rss_mib());
}

void run_sync(const Args& a) {
  reset_peak_rss();
  const SweepSpec spec = spec_for(a);
  Simulator sim(spec, options_for(a));
  RandomSampler sampler(spec.space, spec.seed);
  const auto rungs = spec.scheduler.asha.rung_resources();
  std::int64_t bracket = a.workers;
  for (std::size_t k = 1; k < rungs.size(); ++k) bracket *= spec.scheduler.asha.eta;
  SyncHalvingScheduler sync(spec.scheduler.asha, bracket, spec.objective.mode, limits_for(a),
                            sampler, sim.clock(), spec.seed, sim.decision_sink(nullptr));
  const SimulationReport r = sim.run(sync, nullptr);
  const std::string name = "sync SH, brackets of " + std::to_string(bracket);
  print_row(name.c_str(), r, a.workers, peak_rss_mib());
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse_args(argc, argv);
  std::printf("simulated sweep: %d workers, %lld trials, eta 3, rungs 1..81, power-law curves,\n"
              "%s epoch times (mean 60 s, sigma %.2f), seed %llu\n\n",
              a.workers, static_cast<long long>(a.trials), to_string(a.durations), a.sigma,
              static_cast<unsigned long long>(a.seed));
  std::printf("| scheduler | trials | steps | makespan (virtual s) | makespan bound (virtual s) | "
              "busy, whole run | busy at the bound | busy until last new trial | "
              "last new trial (virtual s) | real s | peak RSS MiB |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  run_asha(a, AshaMode::kPromotion);
  run_asha(a, AshaMode::kStopping);
  run_sync(a);
  return 0;
}
