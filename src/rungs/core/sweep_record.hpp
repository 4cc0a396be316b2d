#pragma once
// Everything rank 0 knows about a sweep, kept up to date from the scheduler's
// jobs and the workers' reports: the content of the experiment archive
// (io/archive.hpp writes and reads it) and the source of progress lines and
// summaries.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rungs/core/metrics.hpp"
#include "rungs/core/scheduler.hpp"
#include "rungs/core/search_space.hpp"
#include "rungs/core/trial.hpp"

namespace rungs::core {

// 2: metrics as data (one curve column per declared metric, /trials/last);
// 1: a classifier's three fixed metric columns (read only).
inline constexpr int kArchiveSchemaVersion = 2;

struct SweepMetadata {
  int schema_version = kArchiveSchemaVersion;
  std::string sweep_name;
  std::string tool_version;
  std::string git_revision;
  std::string created;       // ISO 8601, UTC
  std::string command_line;
  std::string config_yaml;   // the effective configuration
  int mpi_size = 1;
  std::string hosts;         // one per rank, comma separated
  std::string devices;       // one per rank, comma separated
  // The nodes of this run, in order of their first rank, and how many ranks
  // and GPUs each has (empty in archives written before they existed).
  std::vector<std::string> nodes;
  std::vector<std::int64_t> ranks_per_node;
  std::vector<std::int64_t> gpus_per_node;
  int threads_per_rank = 1;  // BLAS/torch threads each rank ran with
  // What every step reports, in order; the objective is one of them.
  std::vector<MetricSpec> metrics;
  std::string objective_metric;
  ObjectiveMode objective_mode = ObjectiveMode::kMax;
  std::string scheduler;     // e.g. "asha/promotion eta=3"
  std::vector<std::int64_t> rung_resources;
  // running; finished (nothing more to do); at_limit (a limit of `limit`
  // stopped it: raising it and resuming continues the sweep).
  std::string state = "running";
  std::string limit;  // at_limit: "limits.time", "limits.trials" or "limits.target"
  // The grid shards the archive holds, e.g. "0/3,2/3" (sorted); "" for a
  // sweep run whole. A shard's own run holds one; `rungs merge` unites them.
  std::string shards;
  // What trained the trials: a built-in model's kind ("mlp"), or "command"
  // with what a promotion does ("command, resume: false (a promoted trial
  // retrains from step 0)").
  std::string runner;
  // Command trials: where each trial's program output went, as a pattern
  // ("a.h5.logs/trial_{id}.out|.err"); "" for built-in models.
  std::string trial_logs;
  double wall_seconds = 0.0;
};

// Counts and the best trial, for progress lines and summaries.
struct SweepStats {
  std::map<TrialStatus, std::int64_t> by_status;
  std::vector<std::int64_t> rung_population;  // results recorded at each rung
  std::int64_t results = 0;                    // rung results so far
  std::optional<TrialId> best;                 // best trial by best_metric
};

class SweepRecord {
 public:
  SweepMetadata metadata;
  std::vector<ParamSpec> space;
  std::vector<TrialRecord> trials;  // trials[i].id == i
  std::vector<CurvePoint> curves;
  std::vector<Decision> decisions;
  // false: steps update the trials but are not kept in `curves` (the
  // simulator at scale, where nobody reads them).
  bool keep_curves = true;

  // Updates from the sweep as it runs. `now` is seconds since the sweep started.
  void on_job_started(const Job& job, int rank, const std::string& host,
                      const std::string& device, double now);
  void on_step(const CurvePoint& point);
  void on_job_ended(TrialId t, Verdict verdict, double now);
  void on_trial_failed(TrialId t, const std::string& why, double now);
  // A job interrupted with its state saved: it restarts on the next run.
  void on_job_suspended(TrialId t, double now);
  // The sweep has nothing more to do: trials still paused will never be
  // promoted, so they are stopped, each with a decision row saying why.
  void finish(double wall_seconds);
  // The sweep stopped because `limit` was reached: paused trials stay paused,
  // ready for a resume that raises the limit.
  void stop_at_limit(const std::string& limit, double wall_seconds);

  const TrialRecord* find(TrialId t) const;
  SweepStats stats() const;

 private:
  TrialRecord& at(TrialId t);
};

// A progress line for batch logs, e.g.
// "[2m05s] running 3 paused 6 | completed 4 stopped 3 failed 1 | best accuracy 0.9312 (trial 7) |
//  rungs 1:17 3:5 9:1 | 0.41 results/s"
std::string progress_line(const SweepRecord& record, double elapsed_seconds);

// "1 node [vm: 2 ranks, 0 GPUs]" or "2 nodes [n1: 4 ranks, 4 GPUs; n2: ...]";
// "" when the metadata has no node table (an older archive).
std::string describe_nodes(const SweepMetadata& m);

}  // namespace rungs::core
