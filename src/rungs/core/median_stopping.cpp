#include "rungs/core/median_stopping.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "rungs/core/seeding.hpp"

namespace rungs::core {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// a < b with NaN above every number, so heaps stay well ordered.
bool below(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return a < b;
}
bool above(double a, double b) { return below(b, a); }

void move_root(std::vector<double>& from, bool (*from_order)(double, double),
               std::vector<double>& to, bool (*to_order)(double, double)) {
  std::pop_heap(from.begin(), from.end(), from_order);
  to.push_back(from.back());
  from.pop_back();
  std::push_heap(to.begin(), to.end(), to_order);
}

}  // namespace

std::string MedianStoppingConfig::validate() const {
  std::ostringstream err;
  if (max_resource < 1) {
    err << "max_resource must be >= 1, got " << max_resource;
  } else if (grace_period < 0) {
    err << "grace_period must be >= 0, got " << grace_period;
  } else if (grace_period > max_resource) {
    err << "grace_period (" << grace_period << ") exceeds max_resource (" << max_resource
        << "), so no trial could ever be stopped; use a grace_period <= max_resource";
  } else if (min_samples < 1) {
    err << "min_samples must be >= 1, got " << min_samples
        << "; 3 (the default) waits for three other trials at a step";
  }
  return err.str();
}

// ---------------------------------------------------------------------------

void RunningMedian::add(double x) {
  if (low_.empty() || !below(low_.front(), x)) {
    low_.push_back(x);
    std::push_heap(low_.begin(), low_.end(), below);
  } else {
    high_.push_back(x);
    std::push_heap(high_.begin(), high_.end(), above);
  }
  if (low_.size() > high_.size() + 1) move_root(low_, below, high_, above);
  if (high_.size() > low_.size()) move_root(high_, above, low_, below);
}

double RunningMedian::median() const {
  if (low_.empty()) return kNaN;
  if (low_.size() > high_.size()) return low_.front();
  return 0.5 * (low_.front() + high_.front());
}

// ---------------------------------------------------------------------------

MedianStoppingScheduler::MedianStoppingScheduler(MedianStoppingConfig config, ObjectiveMode mode,
                                                 SweepLimits limits, Sampler& sampler,
                                                 const Clock& clock, std::uint64_t sweep_seed,
                                                 DecisionSink sink)
    : config_(config),
      mode_(mode),
      sampler_(sampler),
      sweep_seed_(sweep_seed),
      sink_(std::move(sink)),
      gate_(limits, mode, sampler, clock) {
  const std::string problem = config_.validate();
  if (!problem.empty()) throw std::invalid_argument("scheduler: " + problem);
}

std::size_t MedianStoppingScheduler::reached(std::int64_t step) const {
  if (step < 1 || step > static_cast<std::int64_t>(by_step_.size())) return 0;
  return by_step_[static_cast<std::size_t>(step - 1)].size();
}

std::size_t MedianStoppingScheduler::memory_bytes() const {
  std::size_t bytes = trials_.capacity() * sizeof(TrialState);
  bytes += by_step_.capacity() * sizeof(RunningMedian);
  for (const RunningMedian& m : by_step_) bytes += m.memory_bytes();
  return bytes;
}

void MedianStoppingScheduler::record(DecisionKind kind, TrialId t, double metric,
                                     int worker) const {
  if (sink_) sink_(Decision{t, 0, kind, gate_.elapsed(), metric, worker, {}});
}

MedianStoppingScheduler::TrialState& MedianStoppingScheduler::state_of(TrialId t,
                                                                       const char* caller) {
  if (t.value < 0 || t.value >= trials_started()) {
    throw std::invalid_argument(std::string(caller) + ": unknown trial " +
                                std::to_string(t.value));
  }
  return trials_[static_cast<std::size_t>(t.value)];
}

std::optional<Job> MedianStoppingScheduler::next_job(WorkerId w) {
  if (!gate_.open() || !gate_.budget_left(trials_started())) return std::nullopt;
  const TrialId id{trials_started()};
  TrialState st;
  st.params = sampler_.sample(id);
  trials_.push_back(std::move(st));
  ++running_jobs_;
  record(DecisionKind::kStart, id, kNaN, w.value);
  return Job{id, 0, 0, config_.max_resource, trials_.back().params,
             derive_seed(sweep_seed_, id.value, SeedStream::kTraining), 0, {}};
}

Verdict MedianStoppingScheduler::on_report(const Report& r) {
  TrialState& st = state_of(r.trial, "on_report");
  if (st.phase != Phase::kRunning) {
    throw std::invalid_argument("on_report: trial " + std::to_string(r.trial.value) +
                                " has no job running");
  }
  if (r.step <= st.last_step || r.step > config_.max_resource) {
    throw std::invalid_argument("on_report: trial " + std::to_string(r.trial.value) +
                                " reported step " + std::to_string(r.step) + " after step " +
                                std::to_string(st.last_step) + "; steps must increase up to " +
                                std::to_string(config_.max_resource));
  }
  sampler_.observe(r.trial, st.params, r.step, r.metric);
  gate_.note(r.metric);
  st.sum += r.metric;
  ++st.steps;
  st.last_step = r.step;
  if (better(mode_, r.metric, st.best)) st.best = r.metric;
  // Judge against the others first, then join the population of step t.
  const bool stop = should_stop(st, r.step);
  const auto t = static_cast<std::size_t>(r.step);
  if (by_step_.size() < t) by_step_.resize(t);
  by_step_[t - 1].add(st.sum / static_cast<double>(st.steps));
  if (r.step == config_.max_resource) return end_job(st, r, DecisionKind::kComplete, r.metric);
  if (stop) return end_job(st, r, DecisionKind::kStop, st.best);
  return Verdict::kContinue;
}

bool MedianStoppingScheduler::should_stop(const TrialState& st, std::int64_t step) const {
  if (step < config_.grace_period) return false;
  if (reached(step) < static_cast<std::size_t>(config_.min_samples)) return false;
  const double median = by_step_[static_cast<std::size_t>(step - 1)].median();
  return better(mode_, median, st.best);  // best strictly worse than the median
}

Verdict MedianStoppingScheduler::end_job(TrialState& st, const Report& r, DecisionKind kind,
                                         double metric) {
  --running_jobs_;
  st.phase = Phase::kDone;
  st.params = ParamSet{};
  record(kind, r.trial, metric, -1);
  return kind == DecisionKind::kComplete ? Verdict::kComplete : Verdict::kStop;
}

void MedianStoppingScheduler::on_failure(TrialId t, const std::string& /*why*/) {
  TrialState& st = state_of(t, "on_failure");
  if (st.phase != Phase::kRunning) return;
  --running_jobs_;
  st.phase = Phase::kDone;
  st.params = ParamSet{};
  record(DecisionKind::kFail, t, kNaN, -1);
}

std::vector<std::int64_t> MedianStoppingScheduler::decision_steps(const Job& job) const {
  std::vector<std::int64_t> steps;
  const std::int64_t first = std::max({job.from_resource + 1, config_.grace_period,
                                       std::int64_t{1}});
  const std::int64_t last = std::min(job.to_resource, config_.max_resource - 1);
  for (std::int64_t s = first; s <= last; ++s) steps.push_back(s);
  return steps;
}

bool MedianStoppingScheduler::finished() const {
  if (running_jobs_ > 0) return false;
  return !gate_.open() || !gate_.budget_left(trials_started());
}

std::optional<std::string> MedianStoppingScheduler::limit_reached() const {
  return gate_.limit_reached(trials_started());
}

}  // namespace rungs::core
