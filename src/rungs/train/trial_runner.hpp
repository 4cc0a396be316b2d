#pragma once
// A TrialRunner trains one job of one trial on this rank's device. This
// header is free of LibTorch so that the MPI layer compiles quickly; the
// LibTorch code lives in mlp_runner.cpp.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rungs/core/scheduler.hpp"
#include "rungs/io/dataset.hpp"

namespace rungs::train {

// What a trial reports after each step (epoch).
struct StepMetrics {
  std::int64_t step = 0;      // epochs trained so far, this one included
  double train_loss = 0.0;    // mean over the epoch's minibatches
  double val_loss = 0.0;
  double val_accuracy = 0.0;
  double seconds = 0.0;       // training seconds of the trial so far, all jobs
};

// Called after every step; returns false when the trial must stop now.
using StepCallback = std::function<bool(const StepMetrics&)>;

class TrialRunner {
 public:
  virtual ~TrialRunner() = default;
  // Trains job.trial from job.from_resource to job.to_resource (resuming from
  // the checkpoint taken at from_resource), calls on_step after every epoch,
  // and checkpoints at the end (unless on_step asked it to stop). Throws std::exception with a reason on any
  // failure (NaN loss, bad checkpoint, CUDA error): the caller records it.
  virtual void run(const core::Job& job, const StepCallback& on_step) = 0;
  // "cpu" or "cuda:N".
  virtual std::string device() const = 0;
};

struct RunnerOptions {
  std::string checkpoint_dir;   // where trial_<id>.pt files live
  std::string device = "auto";  // auto (cuda if available), cpu, cuda
  int local_rank = 0;           // picks the GPU among the node's devices
  std::vector<std::int64_t> fail_trials;  // trials that throw on purpose
};

// The MLP classifier of the model catalog ("mlp"), trained on `data`, which
// it copies to the device once for the runner's whole life.
std::unique_ptr<TrialRunner> make_mlp_runner(const io::Dataset& data,
                                             const RunnerOptions& options);

// Pins LibTorch's intra-op pool and OpenBLAS (when loaded) to `threads`.
void set_compute_threads(int threads);

// Path of a trial's checkpoint file.
std::string checkpoint_path(const std::string& dir, core::TrialId trial);

}  // namespace rungs::train
