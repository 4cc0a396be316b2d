// One side of bench/epoch_throughput.sh: rungs' trainer (train/trainer.cpp)
// training one model on one data set for a few epochs on the CPU, one
// thread; prints the median epoch's seconds and samples/s. An epoch is what
// a sweep's step is: a shuffled pass over the training split in minibatches
// (forward, loss, backward, optimizer step) and the validation metrics on
// the whole validation split; no checkpoint (checkpoint.every 0, and the
// one at the job's end falls after the last epoch is timed).
//
//   epoch_throughput --data FILE --task classification --model mlp --batch 32
//       --epochs 6 --set hidden=256 --set layers=2
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "rungs/io/dataset.hpp"
#include "rungs/train/trial_runner.hpp"

int main(int argc, char** argv) {
  rungs::core::DataSpec spec;
  std::string model = "mlp";
  std::int64_t epochs = 6, batch = 32;
  rungs::core::ParamSet params;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--data") spec.path = value;
    else if (key == "--task") spec.task = *rungs::core::parse_task(value);
    else if (key == "--model") model = value;
    else if (key == "--epochs") epochs = std::atoll(value.c_str());
    else if (key == "--batch") batch = std::atoll(value.c_str());
    else if (key == "--set") {
      const auto eq = value.find('=');
      const std::string name = value.substr(0, eq), v = value.substr(eq + 1);
      if (v.find_first_not_of("0123456789") == std::string::npos) {
        params.set(name, static_cast<std::int64_t>(std::atoll(v.c_str())));
      } else if (v.find_first_not_of("0123456789.e-") == std::string::npos) {
        params.set(name, std::atof(v.c_str()));
      } else {
        params.set(name, v);
      }
    }
  }
  rungs::train::set_compute_threads(1);
  const rungs::io::Dataset data = rungs::io::read_dataset(spec);
  const std::string dir = std::filesystem::temp_directory_path() / "rungs_epoch_throughput";
  rungs::train::RunnerOptions ro;
  ro.model = model;
  ro.device = "cpu";
  ro.checkpoint_dir = dir;
  ro.checkpoint_every = 0;
  ro.max_resource = epochs;
  const auto runner = rungs::train::make_runner(data, ro);
  params.set("batch_size", batch);
  params.set("lr", 1e-3);
  rungs::core::Job job;
  job.trial = rungs::core::TrialId{0};
  job.to_resource = epochs;
  job.seed = 1;
  job.params = params;
  std::vector<double> seconds;
  double last = 0.0, metric = 0.0;
  runner->run(job, [&](const rungs::core::CurvePoint& p) {
    seconds.push_back(p.seconds - last);
    last = p.seconds;
    metric = p.values.back();
    return rungs::train::StepAction::kContinue;
  });
  rungs::train::remove_all_checkpoints(dir);
  seconds.erase(seconds.begin());  // the first epoch warms the allocator up
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];

  // A trial's start to its first minibatch, the data resident: new trials
  // (model built, initialised from the seed, parameters flattened,
  // optimizer made) on a one-sample split, each stopped after its first
  // step, so one minibatch and one one-sample evaluation are included and
  // no checkpoint is written. Median of 21.
  rungs::io::Dataset one = data;
  for (rungs::io::Split* split : {&one.train, &one.val}) {
    split->rows = 1;
    split->x.resize(static_cast<std::size_t>(split->features));
    if (!split->y.empty()) split->y.resize(1);
    if (!split->targets.empty()) split->targets.resize(static_cast<std::size_t>(split->target_size()));
  }
  const auto tiny = rungs::train::make_runner(one, ro);
  std::vector<double> starts;
  for (int t = 0; t < 21; ++t) {
    job.trial = rungs::core::TrialId{t + 1};
    const auto t0 = std::chrono::steady_clock::now();
    tiny->run(job, [](const rungs::core::CurvePoint&) { return rungs::train::StepAction::kStop; });
    starts.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(starts.begin(), starts.end());
  std::printf("%.6f %.1f %.4f %.3f\n", median, static_cast<double>(data.train.rows) / median, metric,
              1e3 * starts[starts.size() / 2]);
  return 0;
}
