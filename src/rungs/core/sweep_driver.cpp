#include "rungs/core/sweep_driver.hpp"

#include <algorithm>
#include <stdexcept>

#include "rungs/core/sweep_event.hpp"

namespace rungs::core {

namespace {

std::size_t objective_index(const SweepMetadata& m) {
  const auto index = metric_index(m.metrics, m.objective_metric);
  if (!index) {
    std::string names;
    for (const MetricSpec& s : m.metrics) names += (names.empty() ? "" : ", ") + s.name;
    throw std::invalid_argument("the objective metric '" + m.objective_metric +
                                "' is not among the sweep's metrics (" + names + ")");
  }
  return *index;
}

}  // namespace

SweepDriver::SweepDriver(Scheduler& scheduler, SweepRecord& record, const Clock& clock,
                         std::vector<WorkerInfo> workers, int retries)
    : scheduler_(scheduler),
      record_(record),
      clock_(clock),
      start_(clock.now_seconds()),
      workers_(std::move(workers)),
      retries_(retries),
      objective_index_(objective_index(record.metadata)) {}

void SweepDriver::emit(const SweepEvent& e) const {
  if (sink_) sink_(e);
}

WorkerInfo SweepDriver::info_of(WorkerId w) const {
  return static_cast<std::size_t>(w.value) < workers_.size()
             ? workers_[static_cast<std::size_t>(w.value)]
             : WorkerInfo{};
}

void SweepDriver::begin_session() {
  SweepEvent e;
  e.kind = SweepEventKind::kSession;
  e.time = elapsed();
  e.workers = workers_;
  emit(e);
}

void SweepDriver::worker_ready(WorkerId w) {
  if (lost_.count(w.value) == 0) idle_.push_back(w);
}

void SweepDriver::lose_worker(WorkerId w) {
  if (!lost_.insert(w.value).second) return;
  const auto it = inflight_.find(w.value);
  if (it != inflight_.end()) {
    const Job job = it->second.job;
    job_ended(w, job.trial, true, "", restart_point(job));
  }
  idle_.erase(std::remove_if(idle_.begin(), idle_.end(),
                             [&](WorkerId idle) { return idle.value == w.value; }),
              idle_.end());
}

void SweepDriver::conclude(double wall_seconds) {
  if (const auto limit = scheduler_.limit_reached()) {
    record_.stop_at_limit(*limit, wall_seconds);
  } else {
    record_.finish(wall_seconds);
  }
}

// Shared by live steps and replay: the record and the scheduler see a step
// once, whatever restarts repeat it.
Verdict SweepDriver::process_step(WorkerId w, CurvePoint& point) {
  if (point.values.size() != record_.metadata.metrics.size()) {
    throw std::runtime_error("trial " + std::to_string(point.trial.value) + " step " +
                                std::to_string(point.step) + " reports " +
                                std::to_string(point.values.size()) + " metric values; the sweep " +
                                "declares " + std::to_string(record_.metadata.metrics.size()));
  }
  point.metric = point.values[objective_index_];
  auto job = inflight_.find(w.value);
  const bool live = job != inflight_.end() && job->second.open && job->second.job.trial == point.trial;
  auto seen = reported_.find(point.trial.value);
  if (live && seen != reported_.end() && point.step <= seen->second) {
    return Verdict::kContinue;  // a restarted job repeating a step already recorded
  }
  if (!live) {
    // A stopped trial's worker may finish one more step before it hears the
    // stop: keep the real data point, but the scheduler has moved on.
    if (record_.keep_curves) record_.curves.push_back(point);
    return Verdict::kStop;
  }
  reported_[point.trial.value] = point.step;
  record_.on_step(point);
  const Verdict v = scheduler_.on_report(Report{point.trial, point.step, point.metric});
  if (v != Verdict::kContinue) {
    record_.on_job_ended(point.trial, v, elapsed());
    job->second.open = false;
  }
  return v;
}

Verdict SweepDriver::step_reported(WorkerId w, CurvePoint point) {
  const Verdict v = process_step(w, point);
  if (sink_) {  // the most frequent event: built only when someone listens
    SweepEvent e;
    e.kind = SweepEventKind::kStep;
    e.time = elapsed();
    e.worker = w.value;
    e.point = std::move(point);
    e.verdict = v;
    emit(e);
  }
  return v;
}

void SweepDriver::end_job(WorkerId w, TrialId trial, bool ok, const std::string& error,
                          std::int64_t interrupted_at) {
  auto it = inflight_.find(w.value);
  if (it != inflight_.end() && it->second.job.trial == trial) {
    InFlight f = it->second;
    inflight_.erase(it);
    if (f.open && interrupted_at >= 0) {
      f.job.from_resource = interrupted_at;  // resume where its state was saved
      requeued_.push_back(f.job);
      record_.on_job_suspended(trial, elapsed());
    } else if (f.open && !ok && failures_[trial.value]++ < retries_) {
      record_.trials[static_cast<std::size_t>(trial.value)].error = error;
      requeued_.push_back(f.job);  // retry from the job's own starting point
    } else if (f.open && !ok) {
      scheduler_.on_failure(trial, error);
      record_.on_trial_failed(trial, error, elapsed());
    } else if (f.open) {
      const std::string why = "the worker ended the job before its last step";
      scheduler_.on_failure(trial, why);
      record_.on_trial_failed(trial, why, elapsed());
    }
  }
  if (lost_.count(w.value) == 0) idle_.push_back(w);
}

void SweepDriver::job_ended(WorkerId w, TrialId trial, bool ok, const std::string& error,
                            std::int64_t interrupted_at) {
  end_job(w, trial, ok, error, interrupted_at);
  SweepEvent e;
  e.kind = SweepEventKind::kJobEnded;
  e.time = elapsed();
  e.worker = w.value;
  e.trial = trial;
  e.ok = ok;
  e.error = error;
  e.interrupted_at = interrupted_at;
  emit(e);
}

void SweepDriver::start_job(WorkerId w, const Job& job) {
  const WorkerInfo info = info_of(w);
  record_.on_job_started(job, w.value, info.host, info.device, elapsed());
  inflight_[w.value] = InFlight{job, w, true};
}

std::vector<std::pair<WorkerId, Job>> SweepDriver::assign() {
  std::vector<std::pair<WorkerId, Job>> out;
  while (!idle_.empty() && !draining_) {
    const WorkerId w = idle_.front();
    Job job;
    if (!requeued_.empty()) {
      job = requeued_.front();
      requeued_.pop_front();
    } else {
      auto next = scheduler_.next_job(w);
      if (!next) break;
      job = std::move(*next);
      job.decision_steps = scheduler_.decision_steps(job);
    }
    idle_.pop_front();
    start_job(w, job);
    SweepEvent e;
    e.kind = SweepEventKind::kJobStarted;
    e.time = elapsed();
    e.worker = w.value;
    e.job = job;
    emit(e);
    out.emplace_back(w, std::move(job));
  }
  return out;
}

// A step reaches the record only after its checkpoint is on disk, so the
// latest recorded step at a checkpoint epoch is where the job can go on.
std::int64_t SweepDriver::restart_point(const Job& job) const {
  const auto seen = reported_.find(job.trial.value);
  if (checkpoint_every_ > 0 && seen != reported_.end()) {
    const std::int64_t at = seen->second - seen->second % checkpoint_every_;
    if (at > job.from_resource && at < job.to_resource) return at;
  }
  return job.from_resource;
}

// Jobs the scheduler still counts as running, whose worker is gone (a new
// session) or never said it ended: run them again.
void SweepDriver::requeue_open_jobs() {
  for (auto& [worker, f] : inflight_) {
    if (!f.open) continue;
    Job restart = f.job;
    restart.from_resource = restart_point(f.job);
    requeued_.push_back(restart);
    record_.on_job_suspended(f.job.trial, elapsed());
  }
  inflight_.clear();
  idle_.clear();
}

namespace {

std::string diverged(std::size_t index, const std::string& what) {
  return "journal replay diverged at event " + std::to_string(index) + ": " + what +
         " (was the sweep's configuration changed since it started?)";
}

}  // namespace

void SweepDriver::replay(const std::vector<SweepEvent>& events, ResumableClock& clock) {
  // The journal is what happened; the limits of this run judge only what
  // happens next (a resume may lower or raise them).
  struct ReplayMode {
    Scheduler& s;
    explicit ReplayMode(Scheduler& x) : s(x) { s.set_replaying(true); }
    ~ReplayMode() { s.set_replaying(false); }
  } replay_mode(scheduler_);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const SweepEvent& e = events[i];
    clock.set_replay_time(e.time);
    const WorkerId w{e.worker};
    switch (e.kind) {
      case SweepEventKind::kSession:
        requeue_open_jobs();
        workers_ = e.workers;
        break;
      case SweepEventKind::kJobStarted: {
        Job job = e.job;
        bool restart = false;
        for (auto it = requeued_.begin(); it != requeued_.end(); ++it) {
          if (it->trial == job.trial) {
            requeued_.erase(it);
            restart = true;
            break;
          }
        }
        if (!restart) {
          auto next = scheduler_.next_job(w);
          if (!next || next->trial != job.trial || next->rung != job.rung ||
              next->from_resource != job.from_resource) {
            throw std::runtime_error(diverged(
                i, "the journal starts trial " + std::to_string(job.trial.value) +
                       " but the scheduler " +
                       (next ? "gives trial " + std::to_string(next->trial.value) : "gives none")));
          }
        }
        start_job(w, job);
        break;
      }
      case SweepEventKind::kStep: {
        CurvePoint point = e.point;
        const Verdict v = process_step(w, point);
        if (v != e.verdict) {
          throw std::runtime_error(diverged(i, "trial " + std::to_string(point.trial.value) +
                                                   " step " + std::to_string(point.step) +
                                                   ": verdict " + to_string(v) + ", journal " +
                                                   to_string(e.verdict)));
        }
        break;
      }
      case SweepEventKind::kJobEnded:
        end_job(w, e.trial, e.ok, e.error, e.interrupted_at);
        break;
    }
  }
  requeue_open_jobs();  // whoever ran them is gone
}

}  // namespace rungs::core
