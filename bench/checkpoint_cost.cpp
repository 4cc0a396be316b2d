// What per-epoch checkpoints (checkpoint.every: 1) cost against saving only
// at each job's end (checkpoint.every: 0), on the MLP that rungs trains. For
// each hidden width, one job of --epochs epochs runs with each setting,
// alternating, --reps times; the median wall times give the cost of the
// extra saves, per epoch and against the epoch's own time. Checkpoints go to
// --dir (put it on the file system the sweep's checkpoints live on: each
// save is written, fsynced and renamed there).
//
//   checkpoint_cost [--dir bench-checkpoints] [--epochs 10] [--reps 5] [--threads 1]
//
// Data: rungs data synth's demo set (8000 train + 2000 val rows, 32
// features, 6 classes), layers 2, batch 64, adam.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "rungs/core/search_space.hpp"
#include "rungs/io/dataset.hpp"
#include "rungs/train/trial_runner.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string dir = "bench-checkpoints";
  std::int64_t epochs = 10;
  int reps = 5;
  int threads = 1;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--dir") o.dir = argv[i + 1];
    else if (flag == "--epochs") o.epochs = std::atoll(argv[i + 1]);
    else if (flag == "--reps") o.reps = std::atoi(argv[i + 1]);
    else if (flag == "--threads") o.threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      std::exit(2);
    }
  }
  return o;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Wall seconds of one job of `epochs` epochs, trial `trial`, fresh state.
double run_job(const rungs::io::Dataset& data, const Options& o, std::int64_t hidden,
               std::int64_t every, std::int64_t trial) {
  rungs::train::RunnerOptions ro;
  ro.checkpoint_dir = o.dir;
  ro.device = "cpu";
  ro.checkpoint_every = every;
  const auto runner = rungs::train::make_runner(data, ro);
  rungs::core::Job job;
  job.trial = rungs::core::TrialId{trial};
  job.from_resource = 0;
  job.to_resource = o.epochs;
  job.seed = 7;
  job.params.set("hidden", hidden);
  job.params.set("lr", 1e-3);
  const auto t0 = Clock::now();
  runner->run(job, [](const rungs::core::CurvePoint&) { return rungs::train::StepAction::kContinue; });
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  rungs::train::remove_checkpoints(o.dir, job.trial, -1);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  fs::create_directories(o.dir);
  rungs::train::set_compute_threads(o.threads);
  rungs::io::SynthOptions so;
  so.train_rows = 8000;
  so.val_rows = 2000;
  so.features = 32;
  so.classes = 6;
  so.noise = 1.2;
  const rungs::io::Dataset data = rungs::io::synthesize_dataset(so);
  std::printf("checkpoint cost: %lld-epoch jobs, median of %d alternating runs each, %d thread%s, "
              "checkpoints in %s\n",
              static_cast<long long>(o.epochs), o.reps, o.threads, o.threads == 1 ? "" : "s",
              o.dir.c_str());
  std::printf("%8s %12s %14s %14s %14s %12s %10s\n", "hidden", "ckpt bytes", "every 0 (s)",
              "every 1 (s)", "per save (ms)", "epoch (ms)", "overhead");
  std::int64_t trial = 0;
  for (const std::int64_t hidden : {64, 256, 1024}) {
    std::vector<double> at_end, every_epoch;
    run_job(data, o, hidden, 0, trial++);  // warm-up: allocator, thread pool
    for (int r = 0; r < o.reps; ++r) {
      at_end.push_back(run_job(data, o, hidden, 0, trial++));
      every_epoch.push_back(run_job(data, o, hidden, 1, trial++));
    }
    // One job's checkpoint, for its size.
    rungs::train::RunnerOptions ro;
    ro.checkpoint_dir = o.dir;
    ro.device = "cpu";
    ro.checkpoint_every = 0;
    rungs::core::Job job;
    job.trial = rungs::core::TrialId{trial++};
    job.to_resource = 1;
    job.params.set("hidden", hidden);
    rungs::train::make_runner(data, ro)->run(
        job, [](const rungs::core::CurvePoint&) { return rungs::train::StepAction::kContinue; });
    const auto bytes = fs::file_size(rungs::train::checkpoint_path(o.dir, job.trial, 1));
    rungs::train::remove_checkpoints(o.dir, job.trial, -1);

    const double a = median(at_end), b = median(every_epoch);
    const double extra_saves = static_cast<double>(o.epochs - 1);
    const double per_save = (b - a) / extra_saves;
    const double epoch = a / static_cast<double>(o.epochs);
    std::printf("%8lld %12llu %14.3f %14.3f %14.2f %12.1f %9.1f%%\n", static_cast<long long>(hidden),
                static_cast<unsigned long long>(bytes), a, b, 1e3 * per_save, 1e3 * epoch,
                100.0 * per_save / epoch);
  }
  fs::remove_all(o.dir);
  return 0;
}
