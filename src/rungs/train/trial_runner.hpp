#pragma once
// A TrialRunner trains one job of one trial on this rank's device. This
// header is free of LibTorch so that the MPI layer compiles quickly; the
// LibTorch code lives in trainer.cpp (the epoch loop every model shares),
// optimizer.cpp and models/ (one file per model).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rungs/core/scheduler.hpp"
#include "rungs/core/trial.hpp"
#include "rungs/io/dataset.hpp"

namespace rungs::train {

// What the runner does after a step.
enum class StepAction {
  kContinue,  // train on
  kStop,      // the scheduler stopped the trial: end the job, save nothing
  kSuspend,   // a graceful stop of the sweep: save the state at this step, end the job
};

// Called after every step (epoch) with the step's report: the trial, the
// epochs trained so far (this one included), one value per metric of the
// runner's task (task_metrics, in that order) and the trial's training
// seconds so far, all jobs.
using StepCallback = std::function<StepAction(const core::CurvePoint&)>;

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
  // on_step stopped it), each before the step is reported.
  // Throws std::exception with a reason on any failure (NaN loss, bad
  // checkpoint, CUDA out of memory, trial time limit): the caller records it.
  virtual RunOutcome run(const core::Job& job, const StepCallback& on_step) = 0;
  // "cpu" or "cuda:N".
  virtual std::string device() const = 0;
};

struct RunnerOptions {
  std::string model = "mlp";    // model.kind: a model of the registry (model_catalog.hpp)
  // The trial's full resource (the scheduler's max_resource, epochs): the
  // learning-rate schedule spans it, whichever job of the trial runs.
  std::int64_t max_resource = 1;
  std::string checkpoint_dir;   // where trial_<id>.e<epoch>.pt files live (created when missing)
  std::string device = "auto";  // auto (cuda if available), cpu, cuda
  int local_rank = 0;           // picks the GPU among the node's devices
  std::vector<std::int64_t> fail_trials;  // trials that throw on purpose
  double trial_time = 0.0;                // seconds a job may train; 0 = no limit
  std::int64_t checkpoint_every = 1;      // also checkpoint at multiples of this epoch; 0 = never
};

// A runner of options.model for data.task, trained on `data`, which it
// copies to the device once for the runner's whole life. Throws
// std::invalid_argument for an unknown model or data the model cannot read
// (model_data_mismatch), std::runtime_error when the device is unusable.
std::unique_ptr<TrialRunner> make_runner(const io::Dataset& data, const RunnerOptions& options);

// Whether the LibTorch this was built against has CUDA (a CPU-only one never
// trains on a GPU, whatever the node has).
bool torch_has_cuda();

// Pins LibTorch's intra-op pool and OpenBLAS (when loaded) to `threads`.
void set_compute_threads(int threads);

// Path of a trial's checkpoint taken at `epoch`. Each epoch has its own file,
// so the checkpoint a restarted job needs is never overwritten by the job
// itself before the sweep's journal knows the job moved past it.
std::string checkpoint_path(const std::string& dir, core::TrialId trial, std::int64_t epoch);

// The latest epoch <= `at_most` that `trial` has a checkpoint file for in
// `dir`, or -1 when there is none.
std::int64_t latest_checkpoint(const std::string& dir, core::TrialId trial, std::int64_t at_most);

// Deletes every trial's checkpoints in `dir` (a fresh start over an earlier
// run), or only the temporary files of saves that a kill interrupted.
void remove_all_checkpoints(const std::string& dir);
void remove_interrupted_checkpoint_writes(const std::string& dir);

// Deletes `trial`'s checkpoints older than `keep_from` epochs (all if < 0).
void remove_checkpoints(const std::string& dir, core::TrialId trial, std::int64_t keep_from);

}  // namespace rungs::train
