#include "rungs/core/asha.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "rungs/core/seeding.hpp"

namespace rungs::core {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kContinue: return "continue";
    case Verdict::kPause: return "pause";
    case Verdict::kComplete: return "complete";
    case Verdict::kStop: return "stop";
  }
  return "unknown";
}

std::string AshaConfig::validate() const {
  std::ostringstream err;
  if (eta < 2) {
    err << "eta must be an integer >= 2, got " << eta << "; 3 or 4 are usual";
  } else if (min_resource < 1) {
    err << "min_resource must be >= 1, got " << min_resource;
  } else if (max_resource < min_resource) {
    err << "max_resource (" << max_resource << ") must be >= min_resource (" << min_resource
        << ")";
  }
  return err.str();
}

std::vector<std::int64_t> AshaConfig::rung_resources() const {
  std::vector<std::int64_t> r;
  for (std::int64_t x = min_resource; x < max_resource; x *= eta) r.push_back(x);
  r.push_back(max_resource);
  return r;
}

AshaScheduler::AshaScheduler(AshaConfig config, ObjectiveMode mode, SweepLimits limits,
                             Sampler& sampler, const Clock& clock, std::uint64_t sweep_seed,
                             DecisionSink sink)
    : config_(config),
      mode_(mode),
      limits_(limits),
      sampler_(sampler),
      clock_(clock),
      sweep_seed_(sweep_seed),
      sink_(std::move(sink)),
      start_time_(clock.now_seconds()) {
  const std::string problem = config_.validate();
  if (!problem.empty()) throw std::invalid_argument("scheduler: " + problem);
  rung_resources_ = config_.rung_resources();
  rungs_.resize(rung_resources_.size());
}

bool AshaScheduler::time_is_up() const {
  return limits_.max_seconds > 0 && clock_.now_seconds() - start_time_ >= limits_.max_seconds;
}

bool AshaScheduler::may_start_new_trial() const {
  return limits_.max_trials <= 0 || next_trial_ < limits_.max_trials;
}

long AshaScheduler::promotable_index(int k) const {
  const auto& rung = rungs_[k];
  const std::size_t top = rung.size() / static_cast<std::size_t>(config_.eta);
  for (std::size_t i = 0; i < top; ++i) {
    if (!rung[i].promoted) return static_cast<long>(i);
  }
  return -1;
}

void AshaScheduler::record(DecisionKind kind, TrialId t, int rung, double metric,
                           int worker) const {
  if (sink_) sink_(Decision{t, rung, kind, clock_.now_seconds() - start_time_, metric, worker});
}

AshaScheduler::TrialState& AshaScheduler::state_of(TrialId t, const char* caller) {
  if (t.value < 0 || t.value >= next_trial_) {
    throw std::invalid_argument(std::string(caller) + ": unknown trial " +
                                std::to_string(t.value));
  }
  return trials_[static_cast<std::size_t>(t.value)];
}

std::optional<Job> AshaScheduler::next_job(WorkerId w) {
  if (time_is_up()) return std::nullopt;
  const int top_rung = static_cast<int>(rungs_.size()) - 1;
  for (int k = top_rung - 1; k >= 0; --k) {
    const long i = promotable_index(k);
    if (i < 0) continue;
    RungEntry& entry = rungs_[k][static_cast<std::size_t>(i)];
    entry.promoted = true;
    TrialState& st = trials_[static_cast<std::size_t>(entry.trial.value)];
    st.target_rung = k + 1;
    st.phase = TrialPhase::kRunning;
    ++running_jobs_;
    record(DecisionKind::kPromote, entry.trial, k + 1, entry.metric, w.value);
    return Job{entry.trial, k + 1, rung_resources_[k], rung_resources_[k + 1], st.params,
               st.seed};
  }
  if (!may_start_new_trial()) return std::nullopt;
  const TrialId id{next_trial_++};
  TrialState st;
  st.params = sampler_.sample(id);
  st.seed = derive_seed(sweep_seed_, id.value, SeedStream::kTraining);
  trials_.push_back(st);
  ++running_jobs_;
  record(DecisionKind::kStart, id, 0, std::numeric_limits<double>::quiet_NaN(), w.value);
  return Job{id, 0, 0, rung_resources_[0], st.params, st.seed};
}

Verdict AshaScheduler::on_report(const Report& r) {
  TrialState& st = state_of(r.trial, "on_report");
  if (st.phase != TrialPhase::kRunning) {
    throw std::invalid_argument("on_report: trial " + std::to_string(r.trial.value) +
                                " has no job running");
  }
  const int k = st.target_rung;
  if (r.step < rung_resources_[k]) return Verdict::kContinue;
  if (r.step > rung_resources_[k]) {
    throw std::invalid_argument("on_report: trial " + std::to_string(r.trial.value) +
                                " reported step " + std::to_string(r.step) +
                                " past the end of its rung (" +
                                std::to_string(rung_resources_[k]) + ")");
  }
  // Best first; equal metrics go to the smaller trial id.
  auto& rung = rungs_[k];
  const RungEntry entry{r.trial, r.metric, false};
  auto ahead = [this](const RungEntry& a, const RungEntry& b) {
    if (better(mode_, a.metric, b.metric)) return true;
    if (better(mode_, b.metric, a.metric)) return false;
    return a.trial < b.trial;
  };
  auto pos = std::upper_bound(rung.begin(), rung.end(), entry, ahead);
  rung.insert(pos, entry);
  --running_jobs_;
  const bool last = k == static_cast<int>(rungs_.size()) - 1;
  st.phase = last ? TrialPhase::kDone : TrialPhase::kPaused;
  record(last ? DecisionKind::kComplete : DecisionKind::kPause, r.trial, k, r.metric, -1);
  return last ? Verdict::kComplete : Verdict::kPause;
}

void AshaScheduler::on_failure(TrialId t, const std::string& /*why*/) {
  TrialState& st = state_of(t, "on_failure");
  if (st.phase == TrialPhase::kRunning) --running_jobs_;
  st.phase = TrialPhase::kDone;
  record(DecisionKind::kFail, t, st.target_rung, std::numeric_limits<double>::quiet_NaN(), -1);
}

bool AshaScheduler::finished() const {
  if (running_jobs_ > 0) return false;
  if (time_is_up()) return true;
  if (may_start_new_trial()) return false;
  for (int k = 0; k + 1 < static_cast<int>(rungs_.size()); ++k) {
    if (promotable_index(k) >= 0) return false;
  }
  return true;
}

}  // namespace rungs::core
