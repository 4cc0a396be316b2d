#pragma once
// What the sweep knows about each trial, its learning curve, and every
// scheduler decision: the content of the experiment archive, free of any
// storage format.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rungs/core/ids.hpp"
#include "rungs/core/search_space.hpp"

namespace rungs::core {

// kSuspended: its job was interrupted (a graceful stop, or a crash seen on
// replay) with its state saved; the next run restarts it from there.
enum class TrialStatus { kRunning, kPaused, kCompleted, kStopped, kFailed, kSuspended };
const char* to_string(TrialStatus s);
std::optional<TrialStatus> parse_trial_status(const std::string& s);

// Whether larger or smaller objective values are better.
enum class ObjectiveMode { kMax, kMin };

// True when a is strictly better than b; NaN is worse than anything.
bool better(ObjectiveMode mode, double a, double b);

struct TrialRecord {
  TrialId id;
  TrialStatus status = TrialStatus::kRunning;
  int rung = -1;                 // highest rung reached (-1: none yet)
  std::int64_t resource = 0;     // epochs trained so far
  int bracket = 0;               // Hyperband bracket (0 for one-bracket schedulers)
  double metric = 0.0;           // objective at the last reported step (NaN: none)
  double best_metric = 0.0;      // best objective over all reported steps (NaN: none)
  std::uint64_t seed = 0;
  int rank = -1;                 // rank that ran the latest job of this trial
  std::string host;
  std::string device;
  double start_time = 0.0;       // seconds since the sweep started
  double end_time = 0.0;
  double train_seconds = 0.0;    // time spent training, summed over jobs
  std::string error;
  ParamSet params;
  // The last reported value of each of the sweep's metrics (SweepMetadata::
  // metrics, in that order); empty until the trial's first step.
  std::vector<double> last_values;
};

// One reported step of a trial (an epoch): what its runner measured, and
// the objective's value among it.
struct CurvePoint {
  TrialId trial;
  std::int64_t step = 0;
  // The objective's value: values[the objective's index], set by the sweep
  // driver when the step arrives (a runner leaves it alone).
  double metric = 0.0;
  // One value per metric the sweep declares (SweepMetadata::metrics), in
  // that order.
  std::vector<double> values;
  double seconds = 0.0;  // training seconds of the trial up to this step
};

enum class DecisionKind { kStart, kPromote, kPause, kComplete, kStop, kFail };
const char* to_string(DecisionKind k);
std::optional<DecisionKind> parse_decision_kind(const std::string& s);

// One scheduler decision: the audit trail of the sweep.
struct Decision {
  TrialId trial;
  int rung = 0;
  DecisionKind kind = DecisionKind::kStart;
  double time = 0.0;     // seconds since the sweep started
  double metric = 0.0;   // the metric the decision was based on (NaN: none)
  int worker = -1;       // the worker a job went to (start, promote), else -1
  // Why, where the kind alone does not say (e.g. a paused trial stopped
  // because the sweep ended); "" otherwise.
  std::string reason;
};

}  // namespace rungs::core
