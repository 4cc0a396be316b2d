// Scheduler throughput: can rank 0's scheduler keep up with any cluster?
//
// One thread drives AshaScheduler (eta 3, rungs 1..81) through a sweep of
// synthetic trials the way the coordinator does: `--inflight` jobs run at
// once, a random one of them reports its next epoch, a job that ends frees
// its worker, and idle workers ask for jobs until the scheduler says none
// (SweepDriver::assign's rule). Metrics are synthetic: trial quality q ~ U(0,1),
// metric(t) = q + 0.5 g / t with g ~ U(0,1), smaller is better.
//
// Measured per ASHA mode (promotion: Algorithm 2 of Li et al., MLSys 2020;
// stopping: Optuna's SuccessiveHalvingPruner rule):
//   - decisions per second: next_job + on_report calls over the untimed run;
//   - median and p99 latency of next_job and of on_report, each call timed
//     with steady_clock in a second, separate run (the timer's own cost is
//     printed; it is included in the latencies);
//   - scheduler memory per trial after the sweep: heap bytes in use
//     (mallinfo2, so freed and reused memory does not blur it) and the
//     scheduler's own count (AshaScheduler::memory_bytes).
//
//   scheduler_throughput [--trials 1000000] [--inflight 1000] [--seed 1]
//
// Lines starting with RESULT are for scripts (scheduler_throughput.sh).
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "rungs/core/asha.hpp"
#include "rungs/core/sampler.hpp"
#include "rungs/core/seeding.hpp"

namespace {

using namespace rungs::core;
using Clock = std::chrono::steady_clock;

struct Args {
  std::int64_t trials = 1000000;
  int inflight = 1000;
  std::uint64_t seed = 1;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--trials") a.trials = std::atoll(argv[i + 1]);
    else if (k == "--inflight") a.inflight = std::atoi(argv[i + 1]);
    else if (k == "--seed") a.seed = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: scheduler_throughput [--trials N] [--inflight K] [--seed S]\n");
      std::exit(2);
    }
  }
  return a;
}

double unit(std::uint64_t bits) { return static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0); }

double metric(std::uint64_t seed, std::int64_t trial, std::int64_t step) {
  const std::uint64_t h = splitmix64(seed ^ splitmix64(static_cast<std::uint64_t>(trial)));
  return unit(h) + 0.5 * unit(splitmix64(h)) / static_cast<double>(step);
}

std::size_t heap_bytes() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

// Per-call latencies in nanoseconds; empty when not timing.
struct Latencies {
  std::vector<float> next_job, on_report;
};

struct RunResult {
  std::int64_t job_requests = 0;
  std::int64_t reports = 0;
  double seconds = 0.0;
  double heap_bytes_per_trial = 0.0;
  double own_bytes_per_trial = 0.0;
};

struct Running {
  Job job;
  std::int64_t step;
};

// Drives one sweep to its end. Timed: every scheduler call is timed.
class Driver {
 public:
  Driver(const Args& args, Scheduler& s, Latencies* lat) : args_(args), s_(s), lat_(lat) {}

  void run() {
    for (int w = 0; w < args_.inflight; ++w) idle_.push_back(WorkerId{w});
    assign();
    std::uint64_t pick = args_.seed;
    while (!running_.empty()) {
      pick = splitmix64(pick);
      const std::size_t i = pick % running_.size();
      if (step(i)) assign();
    }
  }
  std::int64_t job_requests() const { return requests_; }
  std::int64_t reports() const { return reports_; }

 private:
  // One epoch of running_[i]; true when its job ended.
  bool step(std::size_t i) {
    Running& r = running_[i];
    ++r.step;
    const Report rep{r.job.trial, r.step, metric(args_.seed, r.job.trial.value, r.step)};
    ++reports_;
    Verdict v;
    if (lat_) {
      const auto t0 = Clock::now();
      v = s_.on_report(rep);
      lat_->on_report.push_back(ns_since(t0));
    } else {
      v = s_.on_report(rep);
    }
    if (v == Verdict::kContinue && r.step < r.job.to_resource) return false;
    idle_.push_back(workers_[i]);
    running_[i] = std::move(running_.back());
    workers_[i] = workers_.back();
    running_.pop_back();
    workers_.pop_back();
    return true;
  }

  void assign() {
    while (!idle_.empty()) {
      std::optional<Job> job;
      ++requests_;
      if (lat_) {
        const auto t0 = Clock::now();
        job = s_.next_job(idle_.front());
        lat_->next_job.push_back(ns_since(t0));
      } else {
        job = s_.next_job(idle_.front());
      }
      if (!job) return;
      running_.push_back(Running{std::move(*job), 0});
      running_.back().step = running_.back().job.from_resource;
      workers_.push_back(idle_.front());
      idle_.pop_front();
    }
  }

  static float ns_since(Clock::time_point t0) {
    return static_cast<float>(std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
  }

  const Args& args_;
  Scheduler& s_;
  Latencies* lat_;
  std::deque<WorkerId> idle_;
  std::vector<Running> running_;
  std::vector<WorkerId> workers_;  // workers_[i] runs running_[i]
  std::int64_t requests_ = 0;
  std::int64_t reports_ = 0;
};

SearchSpace space() {
  SearchSpace s;
  s.add(ParamSpec::float_range("lr", 1e-4, 1e-1, /*log=*/true));
  s.add(ParamSpec::float_range("dropout", 0.0, 0.5));
  return s;
}

RunResult run_once(const Args& args, AshaMode mode, Latencies* lat) {
  const std::size_t heap_before = heap_bytes();
  RandomSampler sampler(space(), args.seed);
  ManualClock clock;
  SweepLimits limits;
  limits.max_trials = args.trials;
  AshaScheduler asha(AshaConfig{3, 1, 81}, AshaRules{mode, 0}, ObjectiveMode::kMin, limits,
                     sampler, clock, args.seed);
  Driver d(args, asha, lat);
  const auto t0 = Clock::now();
  d.run();
  RunResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  r.job_requests = d.job_requests();
  r.reports = d.reports();
  const double trials = static_cast<double>(asha.trials_started());
  r.heap_bytes_per_trial = static_cast<double>(heap_bytes() - heap_before) / trials;
  r.own_bytes_per_trial = static_cast<double>(asha.memory_bytes()) / trials;
  if (!asha.finished()) std::fprintf(stderr, "warning: the sweep did not finish\n");
  return r;
}

double quantile(std::vector<float>& v, double q) {
  if (v.empty()) return 0.0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

double timer_overhead_ns() {
  std::vector<float> v(100000);
  for (auto& x : v) {
    const auto t0 = Clock::now();
    x = static_cast<float>(std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
  }
  return quantile(v, 0.5);
}

void print_row(const Args& args, AshaMode mode) {
  const RunResult r = run_once(args, mode, nullptr);
  Latencies lat;
  lat.next_job.reserve(static_cast<std::size_t>(args.trials) * 2);
  lat.on_report.reserve(static_cast<std::size_t>(args.trials) * 4);
  run_once(args, mode, &lat);
  const double decisions = static_cast<double>(r.job_requests + r.reports);
  std::printf("| %-9s | %9lld | %9lld | %10lld | %7.2f | %11.0f | %6.0f / %6.0f | %6.0f / %6.0f | %6.0f | %6.0f |\n",
              to_string(mode), static_cast<long long>(args.trials),
              static_cast<long long>(r.job_requests), static_cast<long long>(r.reports), r.seconds,
              decisions / r.seconds, quantile(lat.next_job, 0.5), quantile(lat.next_job, 0.99),
              quantile(lat.on_report, 0.5), quantile(lat.on_report, 0.99), r.heap_bytes_per_trial,
              r.own_bytes_per_trial);
  std::fflush(stdout);
  std::fprintf(stderr, "RESULT mode=%s trials=%lld decisions_per_s=%.0f\n", to_string(mode),
               static_cast<long long>(args.trials), decisions / r.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse_args(argc, argv);
  std::printf("ASHA scheduler throughput: 1 thread, eta 3, rungs 1..81, %d jobs in flight, "
              "a report every epoch\n", args.inflight);
  std::printf("steady_clock::now() pair, median: %.0f ns (inside every latency below)\n\n",
              timer_overhead_ns());
  std::printf("| mode      |    trials | job reqs  |    reports |  real s | decisions/s | next_job ns p50 / p99 | on_report ns p50 / p99 | heap B/trial | own B/trial |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  print_row(args, AshaMode::kPromotion);
  print_row(args, AshaMode::kStopping);
  return 0;
}
