#pragma once
// Any program as a trial (model.kind: command). Each job starts the program
// without a shell (posix_spawn), in its own process group, with the trial's
// values in its argv placeholders and its environment; the program reports
// each step as a JSON line on RUNGS_REPORT_FD (report_line.hpp) and reads
// the verdict rungs writes back. The protocol, for one job:
//
//   1. spawn      argv expanded, RUNGS_* set, stdout/stderr appended to
//                 <log_dir>/trial_<id>.out/.err, RUNGS_REPORT_FD a socket.
//   2. report     per step: {"step": s, <metric>: value, ...}; rungs feeds it
//                 to the scheduler and answers {"verdict": "continue"}, or
//                 "stop" (then SIGTERM to the group, SIGKILL after the
//                 grace), or "suspend" (a graceful stop of the sweep).
//   3. checkpoint {"checkpoint": s}: the program saved its state at step s
//                 in RUNGS_CHECKPOINT_DIR (one folder per trial, kept across
//                 its jobs). A graceful stop sends SIGUSR1 at once, so a
//                 program mid-step can save and exit.
//   4. exit       0 after the last step (RUNGS_TO_RESOURCE); anything else,
//                 a malformed line, a step out of order, or no report within
//                 limits.trial_time fails the job with the reason and the
//                 last 20 lines of the job's stderr.
//
// With resume: false a promoted trial's program starts from step 0 again;
// the steps it already reported are checked for order and not reported twice.
#include <memory>
#include <string>
#include <vector>

#include "rungs/core/command_template.hpp"
#include "rungs/core/sweep_spec.hpp"
#include "rungs/run/trial_runner.hpp"

namespace rungs::run {

struct CommandOptions {
  core::CommandSpec command;
  std::vector<core::MetricSpec> metrics;  // what every step reports, in order
  std::int64_t max_resource = 1;
  std::string checkpoint_dir;  // trial folders go here (trial_folder)
  std::string log_dir;         // per-trial stdout/stderr logs (created when missing)
  std::string data_path;       // data.path, passed on; "" when the sweep names none
  double report_timeout = 0.0; // limits.trial_time: seconds without a report; 0 = none
  int threads = 1;             // OMP_NUM_THREADS and RUNGS_THREADS, unless env sets them
  // What this rank's program sees: "cpu", or "cuda:<i>" with
  // CUDA_VISIBLE_DEVICES narrowed to that one GPU (gpu_binding).
  std::string device = "cpu";
  std::string cuda_visible_devices;  // the value for the program ("" hides every GPU)
  std::vector<std::int64_t> fail_trials;  // trials that fail on purpose (tests)
};

// This rank's GPU for a command's program: training.device `wanted`, the
// parent's CUDA_VISIBLE_DEVICES (nullptr when unset), the GPUs the driver
// lists, and the node-local rank. Returns {device, CUDA_VISIBLE_DEVICES}.
struct GpuBinding {
  std::string device;
  std::string cuda_visible_devices;
};
GpuBinding gpu_binding(const std::string& wanted, const char* visible_env, int driver_gpus,
                       int local_rank);

// The full path of argv[0] as it would run: itself when it holds a '/',
// else the first executable match on PATH. Throws std::invalid_argument
// with the fix when there is none: checked at start-up, before any trial.
std::string resolve_program(const std::string& program);

// The file names a trial's logs have under `log_dir`.
std::string stdout_log(const std::string& log_dir, core::TrialId trial);
std::string stderr_log(const std::string& log_dir, core::TrialId trial);

std::unique_ptr<TrialRunner> make_command_runner(const CommandOptions& options);

}  // namespace rungs::run
