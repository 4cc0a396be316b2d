#pragma once
// A TrialRunner trains one job of one trial on this rank's device: a
// built-in LibTorch model (train/) or any program (command_runner.hpp). The
// worker loop (worker.hpp) drives it the same way whichever it is.
#include <cstdint>
#include <functional>
#include <string>

#include "rungs/core/scheduler.hpp"
#include "rungs/core/trial.hpp"

namespace rungs::run {

// What the runner does after a step.
enum class StepAction {
  kContinue,  // train on
  kStop,      // the scheduler stopped the trial: end the job, save nothing
  kSuspend,   // a graceful stop of the sweep: save the state at this step, end the job
};

// Called after every step (epoch) with the step's report: the trial, the
// epochs trained so far (this one included), one value per declared metric
// (in that order) and the trial's training seconds so far, all jobs.
using StepCallback = std::function<StepAction(const core::CurvePoint&)>;

// Without blocking: has the sweep asked for a graceful stop? A runner that
// can act between steps (a command trial's program, told with SIGUSR1) asks.
using DrainProbe = std::function<bool()>;

struct RunOutcome {
  std::int64_t suspended_at = -1;  // >= 0: the state was saved at this epoch (kSuspend)
  // Non-empty: a checkpoint could not be written (a full disk, a quota, an
  // I/O error), so the sweep must stop; suspended_at is then the last epoch
  // whose state is on disk (or the job's start).
  std::string storage_failure;
};

class TrialRunner {
 public:
  virtual ~TrialRunner() = default;
  // Trains job.trial from job.from_resource to job.to_resource (resuming from
  // the checkpoint taken at from_resource), calls on_step after every epoch,
  // and checkpoints every `checkpoint_every` epochs and at the end (unless
  // on_step stopped it), each before the step is reported. A runner that
  // can act on a graceful stop between steps (a command trial's program,
  // told with SIGUSR1) polls drain_requested; the built-in models see it at
  // their next step, through on_step.
  // Throws std::exception with a reason on any failure (NaN loss, bad
  // checkpoint, CUDA out of memory, trial time limit, a program that exits
  // non-zero): the caller records it.
  virtual RunOutcome run(const core::Job& job, const StepCallback& on_step,
                         const DrainProbe& drain_requested) = 0;
  // The same, for a caller with no graceful stop to pass on.
  RunOutcome run(const core::Job& job, const StepCallback& on_step) {
    return run(job, on_step, [] { return false; });
  }
  // "cpu" or "cuda:N".
  virtual std::string device() const = 0;
};

}  // namespace rungs::run
