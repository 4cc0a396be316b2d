#include "rungs/core/sync_halving.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "rungs/core/seeding.hpp"

namespace rungs::core {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::int64_t full_bracket(const AshaConfig& c, std::size_t rungs) {
  std::int64_t n = 1;
  for (std::size_t k = 1; k < rungs; ++k) n *= c.eta;
  return n;
}

}  // namespace

SyncHalvingScheduler::SyncHalvingScheduler(AshaConfig config, std::int64_t bracket_size,
                                           ObjectiveMode mode, SweepLimits limits,
                                           Sampler& sampler, const Clock& clock,
                                           std::uint64_t sweep_seed, DecisionSink sink)
    : eta_(config.eta),
      mode_(mode),
      sampler_(sampler),
      sweep_seed_(sweep_seed),
      sink_(std::move(sink)),
      gate_(limits, mode, sampler, clock) {
  const std::string problem = config.validate();
  if (!problem.empty()) throw std::invalid_argument("scheduler: " + problem);
  if (bracket_size < 0) {
    throw std::invalid_argument("scheduler: bracket_size must be >= 0 (0: eta^(rungs-1)), got " +
                                std::to_string(bracket_size));
  }
  resources_ = config.rung_resources();
  bracket_size_ = bracket_size > 0 ? bracket_size : full_bracket(config, resources_.size());
  open_bracket();
}

void SyncHalvingScheduler::record(DecisionKind kind, TrialId t, int rung, double metric,
                                  int worker) const {
  if (sink_) sink_(Decision{t, rung, kind, gate_.elapsed(), metric, worker, {}});
}

SyncHalvingScheduler::TrialState& SyncHalvingScheduler::state_of(TrialId t,
                                                                 const char* caller) {
  if (t.value < 0 || t.value >= trials_started()) {
    throw std::invalid_argument(std::string(caller) + ": unknown trial " +
                                std::to_string(t.value));
  }
  return trials_[static_cast<std::size_t>(t.value)];
}

void SyncHalvingScheduler::release(TrialState& st) {
  st.phase = Phase::kDone;
  st.params = ParamSet{};
}

// A new bracket: as many new configurations as the budget still allows, up
// to bracket_size.
void SyncHalvingScheduler::open_bracket() {
  std::int64_t room = bracket_size_;
  if (const auto budget = gate_.trial_budget()) room = std::min(room, *budget - trials_started());
  if (room <= 0) {
    done_ = true;
    return;
  }
  ++bracket_;
  rung_ = 0;
  members_ = room;
  to_start_ = room;
  queue_.clear();
  next_queued_ = 0;
  results_.clear();
}

std::optional<Job> SyncHalvingScheduler::next_job(WorkerId w) {
  if (!gate_.open() || done_) return std::nullopt;
  if (to_start_ > 0) return start(w);
  if (next_queued_ < queue_.size()) return promote(w);
  return std::nullopt;  // waiting at the barrier
}

Job SyncHalvingScheduler::start(WorkerId w) {
  --to_start_;
  ++outstanding_;
  ++running_jobs_;
  const TrialId id{trials_started()};
  trials_.push_back(TrialState{sampler_.sample(id), 0, bracket_, Phase::kRunning});
  record(DecisionKind::kStart, id, 0, kNaN, w.value);
  return Job{id, 0, 0, resources_[0], trials_.back().params,
             derive_seed(sweep_seed_, id.value, SeedStream::kTraining), bracket_, {}};
}

Job SyncHalvingScheduler::promote(WorkerId w) {
  const RungEntry e = queue_[next_queued_++];
  ++outstanding_;
  ++running_jobs_;
  TrialState& st = trials_[static_cast<std::size_t>(e.trial.value)];
  st.rung = rung_;
  st.phase = Phase::kRunning;
  record(DecisionKind::kPromote, e.trial, rung_, e.metric, w.value);
  const auto k = static_cast<std::size_t>(rung_);
  return Job{e.trial, rung_, resources_[k - 1], resources_[k], st.params,
             derive_seed(sweep_seed_, e.trial.value, SeedStream::kTraining), bracket_, {}};
}

Verdict SyncHalvingScheduler::on_report(const Report& r) {
  TrialState& st = state_of(r.trial, "on_report");
  if (st.phase != Phase::kRunning) {
    throw std::invalid_argument("on_report: trial " + std::to_string(r.trial.value) +
                                " has no job running");
  }
  const std::int64_t end = resources_[static_cast<std::size_t>(st.rung)];
  if (r.step > end) {
    throw std::invalid_argument("on_report: trial " + std::to_string(r.trial.value) +
                                " reported step " + std::to_string(r.step) +
                                " past the end of its rung (" + std::to_string(end) + ")");
  }
  sampler_.observe(r.trial, st.params, r.step, r.metric);
  gate_.note(r.metric);
  if (r.step < end) return Verdict::kContinue;
  --running_jobs_;
  --outstanding_;
  results_.push_back({r.trial, r.metric});
  const bool top = st.rung + 1 == static_cast<int>(resources_.size());
  if (top) {
    release(st);
  } else {
    st.phase = Phase::kPaused;
  }
  record(top ? DecisionKind::kComplete : DecisionKind::kPause, r.trial, st.rung, r.metric, -1);
  pass_barrier_if_due();
  return top ? Verdict::kComplete : Verdict::kPause;
}

void SyncHalvingScheduler::on_failure(TrialId t, const std::string& /*why*/) {
  TrialState& st = state_of(t, "on_failure");
  if (st.phase != Phase::kRunning) return;
  --running_jobs_;
  --outstanding_;
  release(st);
  record(DecisionKind::kFail, t, st.rung, kNaN, -1);
  pass_barrier_if_due();
}

void SyncHalvingScheduler::pass_barrier_if_due() {
  if (outstanding_ == 0 && to_start_ == 0 && next_queued_ == queue_.size()) close_rung();
}

// The barrier: every member of the rung has reported (or failed). The best
// max(1, floor(m / eta)) go on; the rest are stopped.
void SyncHalvingScheduler::close_rung() {
  const bool top = rung_ + 1 == static_cast<int>(resources_.size());
  if (top || results_.empty()) {
    open_bracket();
    return;
  }
  const ObjectiveMode mode = mode_;
  std::sort(results_.begin(), results_.end(), [mode](const RungEntry& a, const RungEntry& b) {
    if (better(mode, a.metric, b.metric)) return true;
    if (better(mode, b.metric, a.metric)) return false;
    return a.trial < b.trial;
  });
  const std::int64_t keep =
      std::min<std::int64_t>(static_cast<std::int64_t>(results_.size()),
                             std::max<std::int64_t>(1, members_ / eta_));
  queue_.assign(results_.begin(), results_.begin() + keep);
  next_queued_ = 0;
  for (std::size_t i = static_cast<std::size_t>(keep); i < results_.size(); ++i) {
    release(trials_[static_cast<std::size_t>(results_[i].trial.value)]);
    record(DecisionKind::kStop, results_[i].trial, rung_, results_[i].metric, -1);
  }
  members_ = keep;
  ++rung_;
  results_.clear();
}

bool SyncHalvingScheduler::finished() const {
  if (running_jobs_ > 0) return false;
  return !gate_.open() || done_;
}

std::optional<std::string> SyncHalvingScheduler::limit_reached() const {
  return gate_.limit_reached(trials_started());
}

}  // namespace rungs::core
