#include "rungs/core/sweep_spec.hpp"

#include <algorithm>

namespace rungs::core {

std::int64_t SweepSpec::trial_budget() const {
  const std::int64_t a = sampler.trials, b = limits.max_trials;
  if (a > 0 && b > 0) return std::min(a, b);
  return a > 0 ? a : b;
}

const char* to_string(SchedulerKind k) {
  switch (k) {
    case SchedulerKind::kAsha: return "asha";
    case SchedulerKind::kHyperband: return "hyperband";
    case SchedulerKind::kMedian: return "median";
    case SchedulerKind::kFifo: return "fifo";
    case SchedulerKind::kSyncHalving: return "sync_halving";
  }
  return "?";
}

const char* to_string(SamplerKind k) {
  switch (k) {
    case SamplerKind::kRandom: return "random";
    case SamplerKind::kGrid: return "grid";
    case SamplerKind::kSobol: return "sobol";
    case SamplerKind::kTpe: return "tpe";
  }
  return "?";
}

const std::vector<SchedulerKind>& all_scheduler_kinds() {
  static const std::vector<SchedulerKind> kKinds = {
      SchedulerKind::kAsha, SchedulerKind::kHyperband, SchedulerKind::kMedian,
      SchedulerKind::kFifo, SchedulerKind::kSyncHalving};
  return kKinds;
}

const std::vector<SamplerKind>& all_sampler_kinds() {
  static const std::vector<SamplerKind> kKinds = {SamplerKind::kRandom, SamplerKind::kGrid,
                                                  SamplerKind::kSobol, SamplerKind::kTpe};
  return kKinds;
}

std::optional<SchedulerKind> parse_scheduler_kind(const std::string& name) {
  for (SchedulerKind k : all_scheduler_kinds()) {
    if (name == to_string(k)) return k;
  }
  return std::nullopt;
}

const char* to_string(Task t) {
  switch (t) {
    case Task::kClassification: return "classification";
    case Task::kRegression: return "regression";
    case Task::kSequenceRegression: return "sequence_regression";
  }
  return "?";
}

const std::vector<Task>& all_tasks() {
  static const std::vector<Task> kAll = {Task::kClassification, Task::kRegression,
                                         Task::kSequenceRegression};
  return kAll;
}

std::optional<Task> parse_task(const std::string& name) {
  for (Task t : all_tasks()) {
    if (name == to_string(t)) return t;
  }
  return std::nullopt;
}

std::optional<SamplerKind> parse_sampler_kind(const std::string& name) {
  for (SamplerKind k : all_sampler_kinds()) {
    if (name == to_string(k)) return k;
  }
  return std::nullopt;
}

}  // namespace rungs::core
