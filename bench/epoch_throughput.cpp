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
  std::printf("%.6f %.1f %.4f\n", median, static_cast<double>(data.train.rows) / median, metric);
  return 0;
}
