#include "rungs/core/fifo.hpp"

#include <limits>
#include <stdexcept>

#include "rungs/core/seeding.hpp"

namespace rungs::core {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

FifoScheduler::FifoScheduler(std::int64_t max_resource, ObjectiveMode mode, SweepLimits limits,
                             Sampler& sampler, const Clock& clock, std::uint64_t sweep_seed,
                             DecisionSink sink)
    : max_resource_(max_resource),
      sampler_(sampler),
      sweep_seed_(sweep_seed),
      sink_(std::move(sink)),
      gate_(limits, mode, sampler, clock) {
  if (max_resource < 1) {
    throw std::invalid_argument("scheduler: max_resource must be >= 1, got " +
                                std::to_string(max_resource));
  }
}

void FifoScheduler::record(DecisionKind kind, TrialId t, double metric, int worker) const {
  if (sink_) sink_(Decision{t, 0, kind, gate_.elapsed(), metric, worker, {}});
}

FifoScheduler::TrialState& FifoScheduler::state_of(TrialId t, const char* caller) {
  if (t.value < 0 || t.value >= trials_started()) {
    throw std::invalid_argument(std::string(caller) + ": unknown trial " +
                                std::to_string(t.value));
  }
  return trials_[static_cast<std::size_t>(t.value)];
}

std::optional<Job> FifoScheduler::next_job(WorkerId w) {
  if (!gate_.open() || !gate_.budget_left(trials_started())) return std::nullopt;
  const TrialId id{trials_started()};
  trials_.push_back(TrialState{sampler_.sample(id), true});
  ++running_jobs_;
  record(DecisionKind::kStart, id, kNaN, w.value);
  return Job{id, 0, 0, max_resource_, trials_.back().params,
             derive_seed(sweep_seed_, id.value, SeedStream::kTraining), 0, {}};
}

Verdict FifoScheduler::on_report(const Report& r) {
  TrialState& st = state_of(r.trial, "on_report");
  if (!st.running) {
    throw std::invalid_argument("on_report: trial " + std::to_string(r.trial.value) +
                                " has no job running");
  }
  if (r.step > max_resource_) {
    throw std::invalid_argument("on_report: trial " + std::to_string(r.trial.value) +
                                " reported step " + std::to_string(r.step) +
                                " past max_resource (" + std::to_string(max_resource_) + ")");
  }
  sampler_.observe(r.trial, st.params, r.step, r.metric);
  gate_.note(r.metric);
  if (r.step < max_resource_) return Verdict::kContinue;
  st.running = false;
  st.params = ParamSet{};
  --running_jobs_;
  record(DecisionKind::kComplete, r.trial, r.metric, -1);
  return Verdict::kComplete;
}

void FifoScheduler::on_failure(TrialId t, const std::string& /*why*/) {
  TrialState& st = state_of(t, "on_failure");
  if (!st.running) return;
  st.running = false;
  st.params = ParamSet{};
  --running_jobs_;
  record(DecisionKind::kFail, t, kNaN, -1);
}

bool FifoScheduler::finished() const {
  if (running_jobs_ > 0) return false;
  return !gate_.open() || !gate_.budget_left(trials_started());
}

std::optional<std::string> FifoScheduler::limit_reached() const {
  return gate_.limit_reached(trials_started());
}

}  // namespace rungs::core
