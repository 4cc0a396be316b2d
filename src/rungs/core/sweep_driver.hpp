#pragma once
// The transport-free heart of a sweep's coordinator: turns worker events
// (ready, step reported, job ended) into scheduler calls and record updates,
// and says which idle worker gets which job. The MPI coordinator feeds it
// from messages; tests feed it by hand.
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "rungs/core/clock.hpp"
#include "rungs/core/scheduler.hpp"
#include "rungs/core/sweep_record.hpp"

namespace rungs::core {

// The objective's value among a step's metrics: "val_accuracy", "val_loss"
// or "train_loss".
double objective_value(const CurvePoint& point, const std::string& metric);

struct WorkerInfo {
  std::string host;
  std::string device;
};

class SweepDriver {
 public:
  // `workers[i]` describes worker (rank) i. `clock` measures sweep time from
  // the driver's construction.
  SweepDriver(Scheduler& scheduler, SweepRecord& record, const Clock& clock,
              std::vector<WorkerInfo> workers);

  void worker_ready(WorkerId w);
  // A step of the job `w` runs. The step's objective is taken from the
  // record's objective metric. kStop means: tell the worker to stop this
  // trial now (it may already have been told; say it again, it is harmless).
  Verdict step_reported(WorkerId w, CurvePoint point);
  // The job of `w` ended: normally (ok) or with `error`. Either way `w` is
  // free again.
  void job_ended(WorkerId w, TrialId trial, bool ok, const std::string& error);

  // Jobs for idle workers, as many as the scheduler gives now.
  std::vector<std::pair<WorkerId, Job>> assign();
  bool finished() const { return scheduler_.finished(); }
  double elapsed() const { return clock_.now_seconds() - start_; }
  std::size_t idle_workers() const { return idle_.size(); }

 private:
  Scheduler& scheduler_;
  SweepRecord& record_;
  const Clock& clock_;
  double start_;
  std::vector<WorkerInfo> workers_;
  std::deque<WorkerId> idle_;
};

}  // namespace rungs::core
