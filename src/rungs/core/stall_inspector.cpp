#include "rungs/core/stall_inspector.hpp"

#include <algorithm>

namespace rungs::core {

namespace {

constexpr std::size_t kStepsKept = 64;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

void StallInspector::job_started(WorkerId w, TrialId trial, double now) {
  busy_[w.value] = Watch{trial, now, false};
}

void StallInspector::heard_from(WorkerId w, double now, bool step_done) {
  auto it = busy_.find(w.value);
  if (it == busy_.end()) return;
  Watch& watch = it->second;
  if (step_done) {
    const double took = now - watch.last_word;
    std::vector<double>& times = steps_[watch.trial.value];
    times.push_back(took);
    if (times.size() > kStepsKept) times.erase(times.begin());
    slowest_step_ = std::max(slowest_step_, took);
  }
  watch.last_word = now;
  watch.warned = false;
}

void StallInspector::job_ended(WorkerId w) { busy_.erase(w.value); }

double StallInspector::expected_step_seconds(TrialId trial) const {
  const auto it = steps_.find(trial.value);
  if (it != steps_.end() && !it->second.empty()) return median(it->second);
  return slowest_step_;
}

std::vector<StallFinding> StallInspector::inspect(double now) {
  std::vector<StallFinding> found;
  for (auto it = busy_.begin(); it != busy_.end();) {
    Watch& watch = it->second;
    const double quiet = now - watch.last_word;
    const double expected = expected_step_seconds(watch.trial);
    const StallFinding f{WorkerId{it->first}, watch.trial, false, quiet, expected};
    const bool lost = expected > 0.0 && policy_.lost_after > 0.0 &&
                      quiet >= std::max(policy_.min_seconds, policy_.lost_after * expected);
    if (lost) {
      found.push_back(f);
      found.back().lost = true;
      it = busy_.erase(it);
      continue;
    }
    if (!watch.warned && quiet >= std::max(policy_.min_seconds, policy_.warn_after * expected)) {
      found.push_back(f);
      watch.warned = true;
    }
    ++it;
  }
  return found;
}

}  // namespace rungs::core
