#pragma once
// A discrete-event simulator in virtual time. N virtual workers train
// synthetic trials while the very SweepDriver and Scheduler that the MPI
// coordinator runs decide who trains what, so scale, asynchrony and search
// quality can be measured on a laptop in seconds.
//
//   SweepSpec spec = io::load_sweep_config("sweep.yaml");  // or filled by hand
//   SimulationOptions o;
//   o.workers = 64;
//   o.durations = DurationModel::kLognormal;
//   SweepRecord record;                     // nullptr instead: keep no curves
//   SimulationReport r = simulate(spec, o, &record);
//   // r.makespan (virtual s), r.busy_fraction; record is an archive's content
//
// One run, as a story:
// 1. Every worker says ready at virtual time 0 and the driver assigns jobs.
// 2. A job trains its trial from `from_resource` to `to_resource`: one step
//    event per epoch, at the job's start + k * (the trial's epoch seconds).
// 3. Events leave a min-heap by virtual time; equal times leave in the order
//    they were queued, so a run is a pure function of (spec, options).
//    The clock jumps to the event's time before the driver sees the step, so
//    the scheduler's wall-time limit counts virtual seconds.
// 4. A verdict other than kContinue (pause, complete, stop) or the job's last
//    step ends the job (job_ended) and frees the worker; then the driver hands
//    jobs to idle workers. Failures are not simulated.
// 5. The run ends when no event is left; the scheduler must then be finished.
//
// Curves (power-law and exponential families as in Domhan et al., IJCAI 2015;
// crossing curves are the case where early results mislead, which motivates
// Hyperband's brackets, Li et al., JMLR 2018) approach each configuration's true value f(x) as the resource
// grows and reach it at max_resource, plus Gaussian noise:
//   power law     m(t) = f + gap * (t^-a - R^-a) / (1 - R^-a)
//   exponential   m(t) = f + gap * (e^(-t/tau) - e^(-R/tau)) / (e^(-1/tau) - e^(-R/tau))
//   crossing      power law whose gap grows as f gets better: the best
//                 configurations start slowest, so early rungs rank them low.
// These are the usual f + (m0 - f) * t^-a forms rescaled so that m(1) =
// f + gap and m(R) = f. Values are loss-like (smaller is better); a step
// reports m(t) for each declared metric where smaller is better and 1 - m(t)
// for each where larger is.
//
// Epoch times: constant, or lognormal with the given mean and sigma, drawn
// once per trial (an epoch's cost follows the configuration: model size,
// batch size), so every epoch of a slow trial is slow: a heavy tail of
// stragglers, which is what asynchronous scheduling is for.
#include <array>
#include <cstdint>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "rungs/core/clock.hpp"
#include "rungs/core/scheduler.hpp"
#include "rungs/core/sweep_driver.hpp"
#include "rungs/core/sweep_record.hpp"
#include "rungs/core/sweep_spec.hpp"

namespace rungs::core {

enum class CurveFamily { kPowerLaw, kExponential, kCrossing };
// kLognormal: one epoch time per trial (every epoch of a slow configuration
// is slow); kLognormalEpochs: every epoch draws its own time (noisy shared
// nodes), the same mean.
enum class DurationModel { kConstant, kLognormal, kLognormalEpochs };
enum class ObjectiveFunction { kGeneric, kBranin, kHartmann6 };

const char* to_string(CurveFamily c);          // power, exp, crossing
const char* to_string(DurationModel d);        // constant, lognormal, lognormal-epochs
const char* to_string(ObjectiveFunction f);    // generic, branin, hartmann6
std::optional<CurveFamily> parse_curve_family(const std::string& s);
std::optional<DurationModel> parse_duration_model(const std::string& s);
std::optional<ObjectiveFunction> parse_objective_function(const std::string& s);

// Branin-Hoo on x1 in [-5, 10], x2 in [0, 15]; global minimum 0.397887 at
// (-pi, 12.275), (pi, 2.275) and (9.42478, 2.475). Dixon and Szego,
// "Towards Global Optimisation 2" (1978); constants as in Surjanovic and
// Bingham, Virtual Library of Simulation Experiments (sfu.ca/~ssurjano/branin.html).
double branin(double x1, double x2);
inline constexpr double kBraninMinimum = 0.397887;

// Hartmann-6 on [0, 1]^6; global minimum -3.32237 at (0.20169, 0.150011,
// 0.476874, 0.275332, 0.311652, 0.6573). Same sources (ssurjano/hart6.html).
double hartmann6(const std::array<double, 6>& x);
inline constexpr double kHartmann6Minimum = -3.32237;

// The true, noise-free quality f(x) of a configuration (smaller is better).
// Branin and Hartmann-6 read parameters x1..x6; "generic" maps any space to
// a smooth bowl around a hidden optimum drawn from `seed`: each parameter is
// normalised to u in [0, 1] (log-aware; choices by index) and
// f = 0.05 + 0.9 * (1 - exp(-8 * mean_i (u_i - u*_i)^2)).
class SyntheticObjective {
 public:
  SyntheticObjective(ObjectiveFunction function, SearchSpace space, std::uint64_t seed);

  double value(const ParamSet& params) const;
  // The known minimum (generic: 0.05, reached where every parameter can hit its optimum).
  double optimum() const;
  // A typical spread of f over the domain: the unit of curve gaps and noise.
  double scale() const;
  ObjectiveFunction function() const { return function_; }

  // The domain Branin (x1, x2) or Hartmann-6 (x1..x6) is defined on;
  // `generic` keeps `space`.
  static SearchSpace domain(ObjectiveFunction function, const SearchSpace& space);

 private:
  double generic_value(const ParamSet& params) const;

  ObjectiveFunction function_;
  SearchSpace space_;
  std::vector<double> hidden_optimum_;  // generic: u* per parameter
};

struct SimulationOptions {
  int workers = 4;
  CurveFamily curves = CurveFamily::kPowerLaw;
  DurationModel durations = DurationModel::kConstant;
  double epoch_seconds = 60.0;  // mean virtual seconds per epoch
  double sigma = 1.0;           // lognormal: sigma of log(epoch seconds)
  double noise = 0.02;          // per-step noise, standard deviation in units of scale()
  // The noise left at max_resource, as a fraction of `noise`; in between it
  // shrinks with the curve's gap. 1: the same noise at every step (a noisy
  // validation set); 0: the multi-fidelity wrapper, exact f(x) at max_resource.
  double final_noise = 1.0;
  ObjectiveFunction objective = ObjectiveFunction::kGeneric;
  std::uint64_t seed = 0;       // curves, durations, noise and the generic optimum
};

// What a run measured.
struct SimulationReport {
  double makespan = 0.0;       // virtual seconds from the first job to the last step
  double busy_seconds = 0.0;   // virtual seconds workers spent training, summed
  double busy_fraction = 0.0;  // busy_seconds / (workers * makespan)
  // The same over [0, last_start]: until the last new trial started, i.e.
  // while the trial budget lasted. The drain after it (the last rungs of the
  // last trials, long under heavy-tailed epoch times) idles workers under any
  // scheduler; idling before it is the scheduler's doing (rung barriers).
  double last_start = 0.0;
  double busy_fraction_until_last_start = 0.0;  // NaN when every trial started at 0
  // The most virtual seconds one trial trained. Its epochs run one after the
  // other, so no scheduler that trains it as far ends before this: with
  // busy_seconds / workers it bounds the makespan from below.
  double longest_trial = 0.0;
  std::int64_t trials = 0;     // trials started
  std::int64_t reports = 0;    // steps reported
  std::int64_t decisions = 0;  // scheduler decisions (start, promote, pause, ...)
  double real_seconds = 0.0;   // wall time the simulation took
  // The best configuration at full resource: its reported metric and true f(x).
  std::optional<TrialId> best_trial;
  double best_true_value = 0.0;
};

// One trial's synthetic behaviour, all drawn from (options.seed, trial id).
struct TrialProfile {
  double final_value = 0.0;    // f(x), reached at max_resource
  double gap = 0.0;            // m(1) - f
  double shape = 1.0;          // power-law exponent a, or tau for exponential curves
  double epoch_seconds = 1.0;
};

// Learning curves and epoch times of synthetic trials.
class TrialModel {
 public:
  TrialModel(const SimulationOptions& options, SyntheticObjective objective,
             std::int64_t max_resource);

  TrialProfile profile(TrialId trial, const ParamSet& params) const;
  // The loss-like metric after `step` epochs, noise included; the noise of
  // (trial, step) is the same whichever job trains that step.
  double value_at(const TrialProfile& p, TrialId trial, std::int64_t step) const;
  const SyntheticObjective& objective() const { return objective_; }

 private:
  double curve(const TrialProfile& p, double t) const;

  SimulationOptions options_;
  SyntheticObjective objective_;
  std::int64_t max_resource_;
};

// Fills what a simulated sweep's archive says about itself: name, config,
// objective, scheduler, rungs, and "workers" virtual ranks on host
// "simulated", device "virtual". Tool version, time and command line are the
// caller's.
void describe_simulation(const SweepSpec& spec, const SimulationOptions& options,
                         SweepMetadata& metadata);

// The event loop, for callers that build their own scheduler (benchmarks,
// tests): build it on clock() and give it decision_sink(record).
//
//   Simulator sim(spec, options);
//   AshaScheduler s(config, mode, limits, sampler, sim.clock(), seed, sim.decision_sink(&record));
//   SimulationReport r = sim.run(s, &record);
//
// With a null record the driver still needs one: the simulator keeps a
// scratch record whose curves are dropped after every step and decisions are
// only counted, so a million-trial run holds only the trial table.
class Simulator {
 public:
  Simulator(const SweepSpec& spec, SimulationOptions options);
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  const Clock& clock() const { return clock_; }
  DecisionSink decision_sink(SweepRecord* record);
  // Runs the sweep to its end, once per Simulator. A scheduler that is not
  // finished when nothing runs and it hands out nothing is a bug:
  // std::logic_error.
  SimulationReport run(Scheduler& scheduler, SweepRecord* record);
  const TrialModel& model() const { return model_; }

 private:
  struct Event {
    double time;
    std::uint64_t order;  // ties at equal times: first queued, first out
    int worker;
    bool operator>(const Event& o) const {
      return time != o.time ? time > o.time : order > o.order;
    }
  };
  struct Worker {
    TrialId trial;
    std::int64_t step = 0;  // epochs trained, checkpoint included
    std::int64_t to_resource = 0;
    TrialProfile profile;
    double step_seconds = 0.0;  // duration of the step in progress
  };

  void advance_to(double t);
  void start_jobs(SweepDriver& driver);
  void schedule_step(int w);
  void on_step(SweepDriver& driver, const SweepRecord& record, int w);
  void end_job(SweepDriver& driver, int w);
  SimulationReport make_report(const SweepRecord& record, double makespan) const;

  SweepSpec spec_;
  SimulationOptions options_;
  TrialModel model_;
  ManualClock clock_;
  std::vector<Worker> workers_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  std::uint64_t next_order_ = 0;
  double busy_seconds_ = 0.0;
  int busy_workers_ = 0;
  double busy_integral_ = 0.0;  // worker-seconds busy up to clock_
  double last_start_ = 0.0;
  double busy_at_last_start_ = 0.0;
  double longest_trial_ = 0.0;
  bool ran_ = false;
  std::int64_t reports_ = 0;
  std::int64_t decisions_ = 0;
};

// Builds the spec's sampler and scheduler on a Simulator and runs it.
// `record` (optional) receives the whole sweep, metadata included.
SimulationReport simulate(const SweepSpec& spec, const SimulationOptions& options,
                          SweepRecord* record);

}  // namespace rungs::core
