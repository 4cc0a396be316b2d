#pragma once
// The one interface every scheduler implements. It is driven by the MPI
// coordinator, by an in-process driver and by tests with a manual clock:
//
//   while (!s.finished()) {
//     if (auto job = s.next_job(worker)) run(job)   // worker trains job->trial
//     ...                                          // from job->from_resource
//     s.on_report({trial, step, metric});          // after every step (epoch)
//   }
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rungs/core/ids.hpp"
#include "rungs/core/search_space.hpp"
#include "rungs/core/trial.hpp"

namespace rungs::core {

// Train `trial` from `from_resource` (0: from scratch; otherwise from the
// checkpoint taken at that resource) up to `to_resource`, the end of `rung`.
struct Job {
  TrialId trial;
  int rung = 0;
  std::int64_t from_resource = 0;
  std::int64_t to_resource = 0;
  ParamSet params;
  std::uint64_t seed = 0;  // the trial's training seed
  int bracket = 0;         // Hyperband bracket s (ASHA numbering); 0 for one-bracket schedulers
  // Steps after which the worker waits for the scheduler's verdict before it
  // trains on (stopping decisions); the SweepDriver fills it from
  // Scheduler::decision_steps. Empty: the worker never waits.
  std::vector<std::int64_t> decision_steps;

  // Every field (the wire and journal round-trip tests rely on it).
  friend bool operator==(const Job& a, const Job& b) {
    return a.trial == b.trial && a.rung == b.rung && a.from_resource == b.from_resource &&
           a.to_resource == b.to_resource && a.params == b.params && a.seed == b.seed &&
           a.bracket == b.bracket && a.decision_steps == b.decision_steps;
  }
  friend bool operator!=(const Job& a, const Job& b) { return !(a == b); }
};

// A trial finished step `step` (resource units: epochs) with objective `metric`.
struct Report {
  TrialId trial;
  std::int64_t step = 0;
  double metric = 0.0;
};

// What the worker does after a report.
enum class Verdict {
  kContinue,  // keep training this job
  kPause,     // the job reached its rung: checkpoint and wait for a promotion
  kComplete,  // the trial reached the maximum resource
  kStop,      // stop the trial for good, now (mid-job in stopping-mode schedulers)
};
const char* to_string(Verdict v);

struct SweepLimits {
  std::int64_t max_trials = 0;  // limits.trials: new configurations to start; 0 = no limit
  double max_seconds = 0.0;     // wall time after which no job starts; 0 = no limit
  // Stop handing out jobs once any report reaches this objective value
  // (>= in max mode, <= in min mode).
  std::optional<double> target;
  // The sweep's own size (sampler.trials; 0 = none), which is not a limit:
  // reaching it ends the sweep for good, while reaching max_trials only
  // stops it until a resume raises the limit.
  std::int64_t sweep_trials = 0;
};

using DecisionSink = std::function<void(const Decision&)>;

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // What worker `w` should run now; nullopt when nothing can start now (it
  // may later, after reports arrive) or the sweep is finished.
  virtual std::optional<Job> next_job(WorkerId w) = 0;
  virtual Verdict on_report(const Report& r) = 0;
  virtual void on_failure(TrialId t, const std::string& why) = 0;
  // True when nothing runs and nothing more will be started.
  virtual bool finished() const = 0;
  virtual std::size_t running_jobs() const = 0;
  // Steps of `job` at which on_report may answer kStop: the worker waits for
  // the verdict there, so a stop takes effect at exactly that step. Default:
  // none (the scheduler never stops a job mid-way).
  virtual std::vector<std::int64_t> decision_steps(const Job& /*job*/) const { return {}; }
  // While replaying a journal the limits are not applied: the journal says
  // what happened under the limits of its own runs, and a resume may have
  // changed them. They apply again to every decision made after the replay.
  // Default: a scheduler without limits ignores it.
  virtual void set_replaying(bool /*replaying*/) {}
  // The limit ("limits.time", "limits.trials" or "limits.target") that keeps
  // new work from starting now; nullopt when none does. A sweep that finishes
  // with one reached has not run out of work: raising it and resuming
  // continues it. Default: a scheduler without limits never reaches one.
  virtual std::optional<std::string> limit_reached() const { return std::nullopt; }
};

}  // namespace rungs::core
