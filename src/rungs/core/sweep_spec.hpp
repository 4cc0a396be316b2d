#pragma once
// A sweep's configuration as plain data. io/sweep_config.hpp fills it from
// YAML; docs/configuration.md describes every field.
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/core/asha.hpp"
#include "rungs/core/scheduler.hpp"
#include "rungs/core/search_space.hpp"
#include "rungs/core/trial.hpp"

namespace rungs::core {

struct DataSpec {
  std::string path;
  std::string train = "/train";
  std::string val = "/val";
};

struct ModelSpec {
  std::string kind = "mlp";
};

struct ObjectiveSpec {
  std::string metric = "val_accuracy";  // val_accuracy, val_loss or train_loss
  ObjectiveMode mode = ObjectiveMode::kMax;
};

struct SchedulerSpec {
  std::string kind = "asha";
  std::string mode = "promotion";
  AshaConfig asha;
};

struct SamplerSpec {
  std::string kind = "random";
  std::int64_t trials = 0;  // configurations to try; 0 = limits.trials decides
};

struct CheckpointSpec {
  std::string dir;            // empty: "<archive>.checkpoints" beside the archive
  bool keep_stopped = false;  // keep checkpoints of trials ASHA stopped
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
  ObjectiveSpec objective;
  SchedulerSpec scheduler;
  SamplerSpec sampler;
  SearchSpace space;
  SweepLimits limits;
  CheckpointSpec checkpoint;
  OutputSpec output;
  TrainingSpec training;
  std::string yaml_text;  // the effective configuration, overrides applied

  // The trial budget: the smaller of sampler.trials and limits.max_trials
  // where set; 0 means no limit.
  std::int64_t trial_budget() const;
};

}  // namespace rungs::core
