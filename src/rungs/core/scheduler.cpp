// make_scheduler (factory.hpp): the one place a SweepSpec becomes a
// Scheduler, so the MPI coordinator, the in-process driver and the simulator
// all run the same core with the same checks.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "rungs/core/asha.hpp"
#include "rungs/core/factory.hpp"
#include "rungs/core/fifo.hpp"
#include "rungs/core/hyperband.hpp"
#include "rungs/core/median_stopping.hpp"
#include "rungs/core/sync_halving.hpp"

namespace rungs::core {
namespace {

[[noreturn]] void reject(const std::string& what, const std::string& fix) {
  throw std::invalid_argument("scheduler: " + what + "; " + fix);
}

}  // namespace

const std::vector<std::string>& scheduler_kinds() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (SchedulerKind k : all_scheduler_kinds()) names.emplace_back(to_string(k));
    return names;
  }();
  return kNames;
}

namespace {

AshaRules asha_rules(const SchedulerSpec& s) { return AshaRules{s.mode, s.grace_period}; }

// What no single scheduler's constructor can see: settings that belong to
// other kinds. Each scheduler checks the settings it uses when it is built
// (AshaConfig::validate for the rung ladder); the config reader runs the same
// checks first, to name the file and line.
void check_common(const SchedulerSpec& s) {
  if (s.brackets != 0 && s.kind != SchedulerKind::kHyperband) {
    reject("brackets applies only to kind: hyperband", "remove brackets, or set kind: hyperband");
  }
  const bool stops = s.kind == SchedulerKind::kMedian || s.mode == AshaMode::kStopping;
  if (s.grace_period != 0 && (s.kind == SchedulerKind::kFifo ||
                              s.kind == SchedulerKind::kSyncHalving || !stops)) {
    reject("grace_period applies only to kind: median and to mode: stopping (this scheduler "
           "never stops a running trial)",
           "remove grace_period, or use mode: stopping or kind: median");
  }
}

}  // namespace

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kContinue: return "continue";
    case Verdict::kPause: return "pause";
    case Verdict::kComplete: return "complete";
    case Verdict::kStop: return "stop";
  }
  return "unknown";
}

std::unique_ptr<Scheduler> make_scheduler(const SweepSpec& spec, Sampler& sampler,
                                          const Clock& clock, DecisionSink sink) {
  const SchedulerSpec& s = spec.scheduler;
  check_common(s);
  SweepLimits limits = spec.limits;
  limits.sweep_trials = spec.sampler.trials;  // each scheduler also caps it by sampler.size()
  const ObjectiveMode mode = spec.objective.mode;
  switch (s.kind) {
    case SchedulerKind::kAsha:
      return std::make_unique<AshaScheduler>(s.asha, asha_rules(s), mode, limits, sampler, clock,
                                             spec.seed, std::move(sink));
    case SchedulerKind::kHyperband:
      return std::make_unique<HyperbandScheduler>(s.asha, asha_rules(s), s.brackets, mode, limits,
                                                  sampler, clock, spec.seed, std::move(sink));
    case SchedulerKind::kMedian: {
      const MedianStoppingConfig config{s.asha.max_resource, s.grace_period, s.min_samples};
      return std::make_unique<MedianStoppingScheduler>(config, mode, limits, sampler, clock,
                                                       spec.seed, std::move(sink));
    }
    case SchedulerKind::kSyncHalving:
      return std::make_unique<SyncHalvingScheduler>(s.asha, 0, mode, limits, sampler, clock,
                                                    spec.seed, std::move(sink));
    case SchedulerKind::kFifo: break;
  }
  return std::make_unique<FifoScheduler>(s.asha.max_resource, mode, limits, sampler, clock,
                                         spec.seed, std::move(sink));
}

}  // namespace rungs::core
