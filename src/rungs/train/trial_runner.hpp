#pragma once
// The built-in models' runner (run/trial_runner.hpp's interface). This
// header is free of LibTorch so that the layers above compile quickly; the
// LibTorch code lives in trainer.cpp (the epoch loop every model shares),
// optimizer.cpp and models/ (one file per model).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rungs/io/dataset.hpp"
#include "rungs/run/checkpoint_files.hpp"
#include "rungs/run/trial_runner.hpp"

namespace rungs::train {

using run::RunOutcome;
using run::StepAction;
using run::StepCallback;
using run::TrialRunner;
using run::checkpoint_path;
using run::latest_checkpoint;
using run::remove_all_checkpoints;
using run::remove_checkpoints;
using run::remove_interrupted_checkpoint_writes;

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

}  // namespace rungs::train
