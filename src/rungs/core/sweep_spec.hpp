#pragma once
// A sweep's configuration as plain data. io/sweep_config.hpp fills it from
// YAML; docs/configuration.md describes every field.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rungs/core/asha.hpp"
#include "rungs/core/metrics.hpp"
#include "rungs/core/scheduler.hpp"
#include "rungs/core/search_space.hpp"
#include "rungs/core/stall_inspector.hpp"
#include "rungs/core/trial.hpp"

namespace rungs::core {

// What trials learn (data.task): it decides the loss, the metrics every
// step reports (train/task.hpp) and what the data set's y must hold.
enum class Task {
  kClassification,      // y: one class index per sample; cross-entropy
  kRegression,          // y: one value (or a vector) per sample; mean squared error
  kSequenceRegression,  // x (N, T, F), y: a value (or vector) per step of each sample; MSE
};
const char* to_string(Task t);  // "classification", "regression", "sequence_regression"
const std::vector<Task>& all_tasks();
std::optional<Task> parse_task(const std::string& name);

struct DataSpec {
  std::string path;
  std::string train = "/train";
  std::string val = "/val";
  std::string test;  // a held-out split, checked at start-up; "" = none
  Task task = Task::kClassification;
};

// model.kind: command: any program as a trial (docs/command-trials.md).
struct CommandSpec {
  std::vector<std::string> argv;  // placeholders "{name}" are whole arguments
  std::vector<std::pair<std::string, std::string>> env;  // set for the program, in order
  // true: a promoted trial's program continues from its checkpoint at
  // RUNGS_FROM_RESOURCE; false: it retrains from step 0 every job.
  bool resume = true;
  double grace = 10.0;  // seconds between SIGTERM and SIGKILL for a stopped trial
};

inline constexpr char kCommandModel[] = "command";

struct ModelSpec {
  std::string kind = "mlp";
  CommandSpec command;  // kind == command only
  bool is_command() const { return kind == kCommandModel; }
};

struct ObjectiveSpec {
  std::string metric;  // one of the SweepSpec's metrics
  ObjectiveMode mode = ObjectiveMode::kMax;
};

// The schedulers and samplers a sweep can name. The config reader parses
// their names once into these; to_string gives the names back.
enum class SchedulerKind { kAsha, kHyperband, kMedian, kFifo, kSyncHalving };
enum class SamplerKind { kRandom, kGrid, kSobol, kTpe };
const char* to_string(SchedulerKind k);  // "asha", "hyperband", "median", "fifo", "sync_halving"
const char* to_string(SamplerKind k);    // "random", "grid", "sobol", "tpe"
// Every kind, in the documented order.
const std::vector<SchedulerKind>& all_scheduler_kinds();
const std::vector<SamplerKind>& all_sampler_kinds();
// The kind of that name; nullopt for any other text.
std::optional<SchedulerKind> parse_scheduler_kind(const std::string& name);
std::optional<SamplerKind> parse_sampler_kind(const std::string& name);

struct SchedulerSpec {
  SchedulerKind kind = SchedulerKind::kAsha;
  AshaMode mode = AshaMode::kPromotion;  // asha and hyperband: promotion or stopping
  AshaConfig asha;                 // eta, min_resource, max_resource
  int brackets = 0;                // hyperband: brackets s = 0..brackets-1; 0 = all (s_max + 1)
  std::int64_t grace_period = 0;   // median/stopping: no stop before this resource
  int min_samples = 3;             // median: trials needed at a step before any stop
};

struct TpeSpec {
  int startup_trials = 10;   // random trials before the model is used
  double gamma = 0.25;       // fraction of observations called "good"
  int candidates = 24;       // samples from l(x) scored by l(x)/g(x)
  bool multivariate = false; // joint kernels instead of one per parameter
};

// Which part of a finite sampler (grid) this job covers: shard `index` of
// `count` (0-based). --shard i/n sets it; n jobs cover the grid disjointly.
struct Shard {
  int index = 0;
  int count = 1;
};

struct SamplerSpec {
  SamplerKind kind = SamplerKind::kRandom;
  std::int64_t trials = 0;      // configurations to try; 0 = limits.trials decides
  TpeSpec tpe;
  Shard shard;
};

struct CheckpointSpec {
  std::string dir;            // empty: "<archive>.checkpoints" beside the archive
  bool keep_stopped = false;  // keep checkpoints of trials ASHA stopped
  // Checkpoint a trial at every epoch that is a multiple of this, besides
  // each job's end; 0: only at each job's end. What a kill can lose.
  std::int64_t every = 1;
};

struct OutputSpec {
  double progress_interval = 10.0;  // seconds between progress lines
  double archive_interval = 30.0;   // seconds between archive rewrites
};

struct TrainingSpec {
  int threads = 0;  // BLAS/torch threads per rank; 0 = the cores the rank owns
  std::string device = "auto";  // auto, cpu or cuda
  // Trials that throw on purpose, to exercise failure handling.
  std::vector<std::int64_t> fail_trials;
};

struct SweepSpec {
  std::string name;
  std::uint64_t seed = 0;
  DataSpec data;
  ModelSpec model;
  // What every step of a trial reports, in order: the model's declared
  // metrics for its task. The objective names one of them.
  std::vector<MetricSpec> metrics;
  ObjectiveSpec objective;
  SchedulerSpec scheduler;
  SamplerSpec sampler;
  SearchSpace space;
  SweepLimits limits;
  CheckpointSpec checkpoint;
  OutputSpec output;
  TrainingSpec training;
  int retries = 0;            // runs again a failed job up to this many times
  double trial_time = 0.0;    // seconds one job may train before it fails; 0 = no limit
  StallPolicy stall;          // limits.stall_*: when a quiet worker is warned about, and lost
  std::string yaml_text;  // the effective configuration, overrides applied

  // The trial budget: the smaller of sampler.trials and limits.max_trials
  // where set; 0 means no limit.
  std::int64_t trial_budget() const;
};

}  // namespace rungs::core
