#include "rungs/core/simulator.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "rungs/core/asha.hpp"
#include "rungs/core/factory.hpp"
#include "rungs/core/seeding.hpp"

namespace rungs::core {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Salts that keep the simulator's draws apart from the sampler's and the
// training seed's (seeding.hpp uses 1 and 2).
enum class SimStream : std::uint64_t { kProfile = 101, kNoise = 102, kHiddenOptimum = 103 };

std::uint64_t stream_seed(std::uint64_t seed, std::int64_t trial, SimStream s) {
  return derive_seed(seed, trial, static_cast<SeedStream>(s));
}

// Uniform in [0, 1) from 53 bits: identical on every standard library.
double unit(std::uint64_t bits) { return static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0); }

// A small deterministic stream of uniforms: SplitMix64 in counter mode.
class Draws {
 public:
  explicit Draws(std::uint64_t seed) : state_(seed) {}
  double uniform() { return unit(splitmix64(state_++)); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return box_muller(u1, u2).first;
  }

 private:
  std::uint64_t state_;
};

// A parameter's value mapped to [0, 1]: ranges linearly (or in log space),
// choices by their index.
double normalised(const ParamSpec& s, const ParamValue& v) {
  auto index_of = [](std::size_t i, std::size_t n) {
    return n <= 1 ? 0.5 : static_cast<double>(i) / static_cast<double>(n - 1);
  };
  if (s.type == ParamType::kCategorical) {
    const auto& str = std::get<std::string>(v);
    const auto it = std::find(s.choices.begin(), s.choices.end(), str);
    return index_of(static_cast<std::size_t>(it - s.choices.begin()), s.choices.size());
  }
  const double x = std::holds_alternative<double>(v) ? std::get<double>(v)
                                                     : static_cast<double>(std::get<std::int64_t>(v));
  if (s.type == ParamType::kInt && !s.int_choices.empty()) {
    const auto it = std::find(s.int_choices.begin(), s.int_choices.end(), static_cast<std::int64_t>(x));
    return index_of(static_cast<std::size_t>(it - s.int_choices.begin()), s.int_choices.size());
  }
  if (s.high <= s.low) return 0.5;
  if (s.log && s.low > 0 && x > 0) {
    return (std::log(x) - std::log(s.low)) / (std::log(s.high) - std::log(s.low));
  }
  return (x - s.low) / (s.high - s.low);
}

}  // namespace

// ---------------------------------------------------------------------------
// Names.

const char* to_string(CurveFamily c) {
  switch (c) {
    case CurveFamily::kPowerLaw: return "power";
    case CurveFamily::kExponential: return "exp";
    case CurveFamily::kCrossing: return "crossing";
  }
  return "unknown";
}

const char* to_string(DurationModel d) {
  switch (d) {
    case DurationModel::kConstant: return "constant";
    case DurationModel::kLognormal: return "lognormal";
    case DurationModel::kLognormalEpochs: return "lognormal-epochs";
  }
  return "unknown";
}

const char* to_string(ObjectiveFunction f) {
  switch (f) {
    case ObjectiveFunction::kGeneric: return "generic";
    case ObjectiveFunction::kBranin: return "branin";
    case ObjectiveFunction::kHartmann6: return "hartmann6";
  }
  return "unknown";
}

std::optional<CurveFamily> parse_curve_family(const std::string& s) {
  for (auto c : {CurveFamily::kPowerLaw, CurveFamily::kExponential, CurveFamily::kCrossing}) {
    if (s == to_string(c)) return c;
  }
  return std::nullopt;
}

std::optional<DurationModel> parse_duration_model(const std::string& s) {
  for (auto d : {DurationModel::kConstant, DurationModel::kLognormal,
                 DurationModel::kLognormalEpochs}) {
    if (s == to_string(d)) return d;
  }
  return std::nullopt;
}

std::optional<ObjectiveFunction> parse_objective_function(const std::string& s) {
  for (auto f : {ObjectiveFunction::kGeneric, ObjectiveFunction::kBranin,
                 ObjectiveFunction::kHartmann6}) {
    if (s == to_string(f)) return f;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Test functions.

double branin(double x1, double x2) {
  const double b = 5.1 / (4.0 * kPi * kPi), c = 5.0 / kPi, r = 6.0, s = 10.0;
  const double t = 1.0 / (8.0 * kPi);
  const double q = x2 - b * x1 * x1 + c * x1 - r;
  return q * q + s * (1.0 - t) * std::cos(x1) + s;
}

double hartmann6(const std::array<double, 6>& x) {
  static constexpr double kAlpha[4] = {1.0, 1.2, 3.0, 3.2};
  static constexpr double kA[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                      {0.05, 10, 17, 0.1, 8, 14},
                                      {3, 3.5, 1.7, 10, 17, 8},
                                      {17, 8, 0.05, 10, 0.1, 14}};
  static constexpr double kP[4][6] = {{1312, 1696, 5569, 124, 8283, 5886},
                                      {2329, 4135, 8307, 3736, 1004, 9991},
                                      {2348, 1451, 3522, 2883, 3047, 6650},
                                      {4047, 8828, 8732, 5743, 1091, 381}};
  double sum = 0.0;
  for (int i = 0; i < 4; ++i) {
    double inner = 0.0;
    for (int j = 0; j < 6; ++j) {
      const double d = x[j] - 1e-4 * kP[i][j];
      inner += kA[i][j] * d * d;
    }
    sum += kAlpha[i] * std::exp(-inner);
  }
  return -sum;
}

// ---------------------------------------------------------------------------
// SyntheticObjective.

SyntheticObjective::SyntheticObjective(ObjectiveFunction function, SearchSpace space,
                                       std::uint64_t seed)
    : function_(function), space_(std::move(space)) {
  Draws d(stream_seed(seed, -1, SimStream::kHiddenOptimum));
  for (std::size_t i = 0; i < space_.params().size(); ++i) {
    hidden_optimum_.push_back(d.uniform(0.1, 0.9));
  }
}

SearchSpace SyntheticObjective::domain(ObjectiveFunction function, const SearchSpace& space) {
  SearchSpace out;
  if (function == ObjectiveFunction::kBranin) {
    out.add(ParamSpec::float_range("x1", -5.0, 10.0));
    out.add(ParamSpec::float_range("x2", 0.0, 15.0));
  } else if (function == ObjectiveFunction::kHartmann6) {
    for (int j = 1; j <= 6; ++j) out.add(ParamSpec::float_range("x" + std::to_string(j), 0.0, 1.0));
  } else {
    out = space;
  }
  return out;
}

double SyntheticObjective::value(const ParamSet& p) const {
  auto x = [&p](int j) {
    const std::string name = "x" + std::to_string(j);
    if (!p.has(name)) throw std::invalid_argument("synthetic objective: parameter " + name + " missing");
    return p.get_double(name, 0.0);
  };
  switch (function_) {
    case ObjectiveFunction::kBranin: return branin(x(1), x(2));
    case ObjectiveFunction::kHartmann6: return hartmann6({x(1), x(2), x(3), x(4), x(5), x(6)});
    case ObjectiveFunction::kGeneric: break;
  }
  return generic_value(p);
}

double SyntheticObjective::generic_value(const ParamSet& p) const {
  double sum = 0.0;
  int n = 0;
  const auto& specs = space_.params();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const ParamValue* v = p.find(specs[i].name);
    if (!v) continue;  // an inactive conditional parameter
    const double d = normalised(specs[i], *v) - hidden_optimum_[i];
    sum += d * d;
    ++n;
  }
  const double mean = n > 0 ? sum / n : 0.0;
  return 0.05 + 0.9 * (1.0 - std::exp(-8.0 * mean));
}

double SyntheticObjective::optimum() const {
  switch (function_) {
    case ObjectiveFunction::kBranin: return kBraninMinimum;
    case ObjectiveFunction::kHartmann6: return kHartmann6Minimum;
    case ObjectiveFunction::kGeneric: break;
  }
  return 0.05;
}

double SyntheticObjective::scale() const {
  switch (function_) {
    case ObjectiveFunction::kBranin: return 50.0;     // about the median over the domain
    case ObjectiveFunction::kHartmann6: return 3.3;   // |minimum|; most of the box is near 0
    case ObjectiveFunction::kGeneric: break;
  }
  return 0.9;
}

// ---------------------------------------------------------------------------
// TrialModel.

TrialModel::TrialModel(const SimulationOptions& options, SyntheticObjective objective,
                       std::int64_t max_resource)
    : options_(options), objective_(std::move(objective)), max_resource_(max_resource) {}

TrialProfile TrialModel::profile(TrialId trial, const ParamSet& params) const {
  Draws d(stream_seed(options_.seed, trial.value, SimStream::kProfile));
  TrialProfile p;
  p.final_value = objective_.value(params);
  const double scale = objective_.scale();
  const double u = d.uniform();
  switch (options_.curves) {
    case CurveFamily::kPowerLaw:
      p.gap = scale * (0.5 + u);
      p.shape = d.uniform(0.5, 1.5);
      break;
    case CurveFamily::kExponential:
      p.gap = scale * (0.5 + u);
      p.shape = static_cast<double>(max_resource_) * d.uniform(0.05, 0.3);
      break;
    case CurveFamily::kCrossing: {
      // z = 0 for the best configurations, 1 for poor ones: the best start
      // highest (m(1) = optimum + scale * (1.5 - 0.5 z + 0.25 u)) and cross
      // the fast starters later on.
      const double z = std::clamp((p.final_value - objective_.optimum()) / scale, 0.0, 1.0);
      p.gap = scale * (1.5 * (1.0 - z) + 0.25 * u);
      p.shape = d.uniform(0.5, 1.5);
      break;
    }
  }
  const double mean = options_.epoch_seconds;
  if (options_.durations == DurationModel::kLognormal) {
    const double s = options_.sigma;
    p.epoch_seconds = std::exp(std::log(mean) - 0.5 * s * s + s * d.normal());
  } else {
    p.epoch_seconds = mean;
  }
  return p;
}

double TrialModel::curve(const TrialProfile& p, double t) const {
  const double r = static_cast<double>(max_resource_);
  if (r <= 1.0) return 0.0;
  if (options_.curves == CurveFamily::kExponential) {
    const double tau = std::max(p.shape, 1e-9);
    const double end = std::exp(-r / tau);
    return (std::exp(-t / tau) - end) / (std::exp(-1.0 / tau) - end);
  }
  const double end = std::pow(r, -p.shape);
  return (std::pow(t, -p.shape) - end) / (1.0 - end);
}

double TrialModel::value_at(const TrialProfile& p, TrialId trial, std::int64_t step) const {
  const double t = static_cast<double>(std::max<std::int64_t>(step, 1));
  const double h = curve(p, t);  // 1 at the first step, 0 at max_resource
  double m = p.final_value + p.gap * h;
  const double f = options_.final_noise;
  const double sd = options_.noise * objective_.scale() * (f + (1.0 - f) * h);
  if (sd > 0) {
    Draws d(splitmix64(stream_seed(options_.seed, trial.value, SimStream::kNoise) ^
                       static_cast<std::uint64_t>(step)));
    m += sd * d.normal();
  }
  return m;
}

// ---------------------------------------------------------------------------
// Simulator.

void describe_simulation(const SweepSpec& spec, const SimulationOptions& o, SweepMetadata& m) {
  m.sweep_name = spec.name;
  m.config_yaml = spec.yaml_text;
  m.mpi_size = o.workers;
  m.hosts = "simulated";
  m.devices = "virtual";
  m.threads_per_rank = 1;
  m.metrics = spec.metrics;
  m.objective_metric = spec.objective.metric;
  m.objective_mode = spec.objective.mode;
  const AshaConfig& a = spec.scheduler.asha;
  m.scheduler = std::string(to_string(spec.scheduler.kind)) + "/" +
                to_string(spec.scheduler.mode) + " eta=" + std::to_string(a.eta) +
                " resources " + std::to_string(a.min_resource) + ".." +
                std::to_string(a.max_resource) + " sampler=" + to_string(spec.sampler.kind) +
                " (simulated: " + std::to_string(o.workers) + " workers, " +
                to_string(o.curves) + " curves, " + to_string(o.durations) + " epochs, " +
                to_string(o.objective) + " objective, seed " + std::to_string(o.seed) + ")";
  m.rung_resources = a.rung_resources();
}

Simulator::Simulator(const SweepSpec& spec, SimulationOptions options)
    : spec_(spec),
      options_(options),
      model_(options,
             SyntheticObjective(options.objective,
                                SyntheticObjective::domain(options.objective, spec.space),
                                options.seed),
             spec.scheduler.asha.max_resource) {
  if (options_.workers < 1) throw std::invalid_argument("simulate: workers must be >= 1");
  if (!(options_.epoch_seconds > 0)) throw std::invalid_argument("simulate: epoch seconds must be > 0");
  if (options_.sigma < 0 || options_.noise < 0) {
    throw std::invalid_argument("simulate: sigma and noise must be >= 0");
  }
  if (options_.final_noise < 0 || options_.final_noise > 1) {
    throw std::invalid_argument("simulate: final_noise must be in [0, 1]");
  }
  workers_.resize(static_cast<std::size_t>(options_.workers));
}

DecisionSink Simulator::decision_sink(SweepRecord* record) {
  return [this, record](const Decision& d) {
    ++decisions_;
    if (record) record->decisions.push_back(d);
  };
}

void Simulator::schedule_step(int w) {
  Worker& k = workers_[static_cast<std::size_t>(w)];
  k.step_seconds = k.profile.epoch_seconds;
  if (options_.durations == DurationModel::kLognormalEpochs) {
    // Its own draw per (trial, epoch): deterministic whatever the order.
    Draws d(splitmix64(options_.seed ^ splitmix64(static_cast<std::uint64_t>(k.trial.value) * 1024 +
                                                  static_cast<std::uint64_t>(k.step + 1))));
    const double s = options_.sigma;
    k.step_seconds = std::exp(std::log(options_.epoch_seconds) - 0.5 * s * s + s * d.normal());
  }
  events_.push(Event{clock_.now_seconds() + k.step_seconds, next_order_++, w});
}

void Simulator::advance_to(double t) {
  busy_integral_ += busy_workers_ * (t - clock_.now_seconds());
  clock_.set(t);
}

void Simulator::start_jobs(SweepDriver& driver) {
  for (auto& [worker, job] : driver.assign()) {
    ++busy_workers_;
    if (job.from_resource == 0) {
      last_start_ = clock_.now_seconds();
      busy_at_last_start_ = busy_integral_;
    }
    if (job.to_resource <= job.from_resource) {
      throw std::logic_error("simulate: the scheduler gave trial " +
                             std::to_string(job.trial.value) + " an empty job");
    }
    Worker& k = workers_[static_cast<std::size_t>(worker.value)];
    k.trial = job.trial;
    k.step = job.from_resource;
    k.to_resource = job.to_resource;
    k.profile = model_.profile(job.trial, job.params);
    schedule_step(worker.value);
  }
}

void Simulator::on_step(SweepDriver& driver, const SweepRecord& record, int w) {
  Worker& k = workers_[static_cast<std::size_t>(w)];
  ++k.step;
  ++reports_;
  busy_seconds_ += k.step_seconds;
  CurvePoint p;
  p.trial = k.trial;
  p.step = k.step;
  // One synthetic curve, loss-like; a metric where larger is better sees 1 - m.
  const double m = model_.value_at(k.profile, k.trial, k.step);
  p.values.reserve(record.metadata.metrics.size());
  for (const MetricSpec& metric : record.metadata.metrics) {
    p.values.push_back(metric.better == ObjectiveMode::kMin ? m : 1.0 - m);
  }
  p.seconds = static_cast<double>(k.step) * k.profile.epoch_seconds;
  longest_trial_ = std::max(longest_trial_, p.seconds);
  const Verdict v = driver.step_reported(WorkerId{w}, std::move(p));
  if (v == Verdict::kContinue && k.step < k.to_resource) {
    schedule_step(w);
  } else {
    --busy_workers_;
    driver.job_ended(WorkerId{w}, k.trial, true, "");
  }
}

SimulationReport Simulator::run(Scheduler& scheduler, SweepRecord* record) {
  if (ran_) throw std::logic_error("simulate: a Simulator runs once; make a new one");
  ran_ = true;
  const auto real_start = std::chrono::steady_clock::now();
  SweepRecord scratch;
  describe_simulation(spec_, options_, scratch.metadata);
  SweepRecord& r = record ? *record : scratch;
  if (r.metadata.rung_resources.empty()) r.metadata = scratch.metadata;
  scratch.keep_curves = false;  // without a record, nobody reads them
  std::vector<WorkerInfo> infos(workers_.size(), WorkerInfo{"simulated", "virtual"});
  SweepDriver driver(scheduler, r, clock_, std::move(infos));
  for (int w = 0; w < options_.workers; ++w) driver.worker_ready(WorkerId{w});
  start_jobs(driver);
  while (!events_.empty()) {
    const Event e = events_.top();
    events_.pop();
    advance_to(e.time);
    on_step(driver, r, e.worker);
    start_jobs(driver);
  }
  if (!driver.finished()) {
    throw std::logic_error("simulate: the scheduler is not finished, yet nothing runs and it "
                           "gives no job to " + std::to_string(driver.idle_workers()) +
                           " idle workers");
  }
  SimulationReport report = make_report(r, driver.elapsed());
  if (record) driver.conclude(report.makespan);
  report.real_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - real_start).count();
  return report;
}

SimulationReport Simulator::make_report(const SweepRecord& record, double makespan) const {
  SimulationReport r;
  const double workers = options_.workers;
  r.makespan = makespan;
  r.busy_seconds = busy_seconds_;
  r.busy_fraction = makespan > 0 ? busy_seconds_ / (workers * makespan) : 0.0;
  r.longest_trial = longest_trial_;
  r.last_start = last_start_;
  r.busy_fraction_until_last_start = last_start_ > 0
                                         ? busy_at_last_start_ / (workers * last_start_)
                                         : std::numeric_limits<double>::quiet_NaN();
  r.trials = static_cast<std::int64_t>(record.trials.size());
  r.reports = reports_;
  r.decisions = decisions_;
  // The best configuration trained to max_resource, by its reported metric.
  const TrialRecord* best = nullptr;
  for (const TrialRecord& t : record.trials) {
    if (t.resource < spec_.scheduler.asha.max_resource || std::isnan(t.metric)) continue;
    if (!best || better(spec_.objective.mode, t.metric, best->metric)) best = &t;
  }
  if (best) {
    r.best_trial = best->id;
    r.best_true_value = model_.objective().value(best->params);
  }
  return r;
}

// ---------------------------------------------------------------------------

SimulationReport simulate(const SweepSpec& spec, const SimulationOptions& options,
                          SweepRecord* record) {
  SweepSpec s = spec;
  s.space = SyntheticObjective::domain(options.objective, spec.space);
  Simulator sim(s, options);
  if (record) {
    describe_simulation(s, options, record->metadata);
    record->space = s.space.params();
  }
  const std::unique_ptr<Sampler> sampler = make_sampler(s);
  const std::unique_ptr<Scheduler> scheduler =
      make_scheduler(s, *sampler, sim.clock(), sim.decision_sink(record));
  return sim.run(*scheduler, record);
}

}  // namespace rungs::core
