#include "rungs/core/sweep_driver.hpp"

#include <stdexcept>

namespace rungs::core {

double objective_value(const CurvePoint& p, const std::string& metric) {
  if (metric == "val_accuracy") return p.val_accuracy;
  if (metric == "val_loss") return p.val_loss;
  if (metric == "train_loss") return p.train_loss;
  throw std::invalid_argument("unknown objective metric '" + metric +
                              "' (val_accuracy, val_loss, train_loss)");
}

SweepDriver::SweepDriver(Scheduler& scheduler, SweepRecord& record, const Clock& clock,
                         std::vector<WorkerInfo> workers)
    : scheduler_(scheduler),
      record_(record),
      clock_(clock),
      start_(clock.now_seconds()),
      workers_(std::move(workers)) {}

void SweepDriver::worker_ready(WorkerId w) { idle_.push_back(w); }

Verdict SweepDriver::step_reported(WorkerId /*w*/, CurvePoint point) {
  point.metric = objective_value(point, record_.metadata.objective_metric);
  const TrialRecord* trial = record_.find(point.trial);
  if (trial && trial->status != TrialStatus::kRunning) {
    // A stopped trial's worker may finish one more step before it hears the
    // stop: keep the real data point, but the scheduler has moved on.
    record_.curves.push_back(point);
    return Verdict::kStop;
  }
  record_.on_step(point);
  const Verdict v = scheduler_.on_report(Report{point.trial, point.step, point.metric});
  if (v != Verdict::kContinue) record_.on_job_ended(point.trial, v, elapsed());
  return v;
}

void SweepDriver::job_ended(WorkerId w, TrialId trial, bool ok, const std::string& error) {
  if (!ok) {
    scheduler_.on_failure(trial, error);
    record_.on_trial_failed(trial, error, elapsed());
  }
  idle_.push_back(w);
}

std::vector<std::pair<WorkerId, Job>> SweepDriver::assign() {
  std::vector<std::pair<WorkerId, Job>> out;
  while (!idle_.empty()) {
    const WorkerId w = idle_.front();
    auto job = scheduler_.next_job(w);
    if (!job) break;
    idle_.pop_front();
    job->decision_steps = scheduler_.decision_steps(*job);
    const WorkerInfo info = static_cast<std::size_t>(w.value) < workers_.size()
                                ? workers_[static_cast<std::size_t>(w.value)]
                                : WorkerInfo{};
    record_.on_job_started(*job, w.value, info.host, info.device, elapsed());
    out.emplace_back(w, std::move(*job));
  }
  return out;
}

}  // namespace rungs::core
