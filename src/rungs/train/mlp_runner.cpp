// The only file of the project that includes LibTorch (it costs ~40 s and
// ~1.3 GB to compile). Works with LibTorch 1.13 and 2.x.
#include <dlfcn.h>
#include <torch/torch.h>
#ifdef RUNGS_TORCH_HAS_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "rungs/core/error.hpp"
#include "rungs/core/seeding.hpp"
#include "rungs/io/posix_file.hpp"
#include "rungs/train/task.hpp"
#include "rungs/train/trial_runner.hpp"

namespace rungs::train {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

torch::Device pick_device(const std::string& wanted, int local_rank) {
  const bool has_cuda = torch::cuda::is_available();
  if (wanted == "cuda" && !has_cuda) {
    throw std::runtime_error(
        "training.device is cuda but LibTorch sees no CUDA device (a CPU-only LibTorch, or no "
        "GPU on this node); use device: auto or cpu");
  }
  if (wanted == "cpu" || !has_cuda) return torch::Device(torch::kCPU);
  const auto count = static_cast<int>(torch::cuda::device_count());
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(local_rank % count));
}

struct Tensors {
  torch::Tensor x, y;
};

Tensors to_tensors(const io::Split& s, const torch::Device& device) {
  // from_blob does not own the memory: clone before moving to the device.
  auto x = torch::from_blob(const_cast<float*>(s.x.data()), {s.rows, s.features},
                            torch::kFloat32).clone();
  auto y = torch::from_blob(const_cast<std::int64_t*>(s.y.data()), {s.rows}, torch::kInt64)
               .clone();
  return {x.to(device), y.to(device)};
}

// A ReLU MLP whose randomness (initial weights, dropout masks) comes from a
// generator passed in, never from LibTorch's global one: several trials may
// train at once in threads of one process (the in-process driver), and each
// must stay a function of its own seed.
struct MlpImpl : torch::nn::Module {
  MlpImpl(std::int64_t inputs, std::int64_t hidden, std::int64_t layers, std::int64_t classes,
          double dropout)
      : dropout_(dropout) {
    std::int64_t width = inputs;
    for (std::int64_t i = 0; i <= layers; ++i) {
      const std::int64_t out = i == layers ? classes : hidden;
      linears_.push_back(register_module("fc" + std::to_string(i), torch::nn::Linear(width, out)));
      width = out;
    }
  }

  // LibTorch's default Linear initialisation (kaiming_uniform with a = sqrt(5)
  // gives bound 1/sqrt(fan_in); the bias uses the same bound), from `gen`.
  void initialize(at::Generator& gen) {
    torch::NoGradGuard no_grad;
    for (auto& linear : linears_) {
      const double bound = 1.0 / std::sqrt(static_cast<double>(linear->weight.size(1)));
      linear->weight.uniform_(-bound, bound, gen);
      linear->bias.uniform_(-bound, bound, gen);
    }
  }

  // `gen` draws dropout masks on CPU tensors; on a GPU the device's own
  // generator does (seeded per epoch by the runner).
  torch::Tensor forward(torch::Tensor x, at::Generator* gen) {
    for (std::size_t i = 0; i + 1 < linears_.size(); ++i) {
      x = torch::relu(linears_[i]->forward(x));
      if (is_training() && dropout_ > 0.0) {
        if (x.is_cuda() || gen == nullptr) {
          x = torch::nn::functional::dropout(
              x, torch::nn::functional::DropoutFuncOptions().p(dropout_).training(true));
        } else {
          const auto keep = torch::empty_like(x).bernoulli_(1.0 - dropout_, *gen);
          x = x * keep / (1.0 - dropout_);
        }
      }
    }
    return linears_.back()->forward(x);
  }

  std::vector<torch::nn::Linear> linears_;
  double dropout_;
};
TORCH_MODULE(Mlp);

Mlp build_mlp(const core::ParamSet& p, std::int64_t inputs, std::int64_t classes) {
  const std::int64_t hidden = p.get_int("hidden", 64);
  const std::int64_t layers = p.get_int("layers", 2);
  const double dropout = p.get_double("dropout", 0.0);
  if (hidden < 1 || layers < 0 || dropout < 0.0 || dropout >= 1.0) {
    throw std::runtime_error("invalid MLP shape: hidden=" + std::to_string(hidden) +
                             " layers=" + std::to_string(layers) +
                             " dropout=" + std::to_string(dropout));
  }
  return Mlp(inputs, hidden, layers, classes, dropout);
}

std::unique_ptr<torch::optim::Optimizer> build_optimizer(const core::ParamSet& p,
                                                         Mlp& net) {
  const double lr = p.get_double("lr", 1e-3);
  const double wd = p.get_double("weight_decay", 0.0);
  const std::string kind = p.get_string("optimizer", "adam");
  if (!(lr > 0.0)) throw std::runtime_error("learning rate must be > 0, got " + std::to_string(lr));
  if (kind == "adam") {
    return std::make_unique<torch::optim::Adam>(net->parameters(),
                                                torch::optim::AdamOptions(lr).weight_decay(wd));
  }
  if (kind == "adamw") {
    return std::make_unique<torch::optim::AdamW>(net->parameters(),
                                                 torch::optim::AdamWOptions(lr).weight_decay(wd));
  }
  if (kind == "sgd") {
    const double momentum = p.get_double("momentum", 0.9);
    return std::make_unique<torch::optim::SGD>(
        net->parameters(), torch::optim::SGDOptions(lr).momentum(momentum).weight_decay(wd));
  }
  throw std::runtime_error("unknown optimizer '" + kind + "' (sgd, adam, adamw)");
}

// One trial's model and optimizer, with the epoch they have reached.
struct TrialState {
  Mlp net{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  std::int64_t epoch = 0;
  double seconds = 0.0;
};

// Serialised in memory, then written whole by io::write_bytes_atomically
// (temporary file, fsync, rename): a crash never leaves a half-written
// checkpoint under the real name, and a full disk is a core::StorageError
// with one line, not LibTorch's writer failing inside a destructor (which
// would abort the process).
void save_checkpoint(const std::string& path, TrialState& st) {
  torch::serialize::OutputArchive archive;
  st.net->save(archive);
  torch::serialize::OutputArchive opt;
  st.optimizer->save(opt);
  archive.write("optimizer", opt);
  archive.write("epoch", torch::tensor(st.epoch));
  archive.write("seconds", torch::tensor(st.seconds, torch::kFloat64));
  std::ostringstream bytes;
  archive.save_to(bytes);
  const std::string data = bytes.str();
  io::write_bytes_atomically(path, data.data(), data.size());
}

void load_checkpoint(const std::string& path, TrialState& st, std::int64_t expected_epoch) {
  torch::serialize::InputArchive archive;
  archive.load_from(path);
  st.net->load(archive);
  torch::serialize::InputArchive opt;
  archive.read("optimizer", opt);
  st.optimizer->load(opt);
  torch::Tensor epoch, seconds;
  archive.read("epoch", epoch);
  archive.read("seconds", seconds);
  st.epoch = epoch.item<std::int64_t>();
  st.seconds = seconds.item<double>();
  if (st.epoch != expected_epoch) {
    throw std::runtime_error("checkpoint " + path + " is at epoch " + std::to_string(st.epoch) +
                             ", expected " + std::to_string(expected_epoch));
  }
}

// LibTorch's messages carry a C++ backtrace; keep the first line. A CUDA
// out-of-memory error also frees the allocator's cache, so the next trial on
// this GPU starts clean.
std::string describe_torch_error(const c10::Error& e) {
  std::string text = e.what_without_backtrace();
  const auto newline = text.find('\n');
  if (newline != std::string::npos) text.resize(newline);
  if (text.find("out of memory") != std::string::npos) {
#ifdef RUNGS_TORCH_HAS_CUDA
    c10::cuda::CUDACachingAllocator::emptyCache();
#endif
    return "CUDA out of memory (cache freed; try a smaller batch_size or hidden): " + text;
  }
  return "LibTorch error: " + text;
}

class MlpRunner : public TrialRunner {
 public:
  MlpRunner(const io::Dataset& data, RunnerOptions options)
      : options_(std::move(options)),
        device_(pick_device(options_.device, options_.local_rank)),
        train_(to_tensors(data.train, device_)),
        val_(to_tensors(data.val, device_)),
        features_(data.train.features),
        classes_(data.classes) {}

  std::string device() const override { return device_.str(); }

  RunOutcome run(const core::Job& job, const StepCallback& on_step) override {
    saved_epoch_ = job.from_resource;
    try {
      return train(job, on_step);
    } catch (const core::StorageError& e) {
      // Not the trial's fault: the sweep stops, and the trial goes on later
      // from the last state that is on disk.
      RunOutcome out;
      out.suspended_at = saved_epoch_;
      out.storage_failure = e.what();
      return out;
    } catch (const c10::Error& e) {
      throw std::runtime_error(describe_torch_error(e));
    }
  }

 private:
  RunOutcome train(const core::Job& job, const StepCallback& on_step) {
    if (std::find(options_.fail_trials.begin(), options_.fail_trials.end(), job.trial.value) !=
        options_.fail_trials.end()) {
      throw std::runtime_error("injected failure (training.fail_trials lists trial " +
                               std::to_string(job.trial.value) + ")");
    }
    TrialState st;
    st.net = build_mlp(job.params, features_, classes_);
    at::Generator init = at::detail::createCPUGenerator(job.seed);
    st.net->initialize(init);  // initial weights depend on the trial's seed only
    st.net->to(device_);
    st.optimizer = build_optimizer(job.params, st.net);
    if (job.from_resource > 0) {
      // The job's own checkpoint, or else the latest earlier one (a changed
      // checkpoint.every, a lost file): training from there repeats the same
      // epochs exactly (seeded per trial and epoch), and the steps it
      // reports again are recorded once. With none, the trial starts over.
      const std::int64_t at =
          latest_checkpoint(options_.checkpoint_dir, job.trial, job.from_resource);
      if (at > 0) load_checkpoint(checkpoint_path(options_.checkpoint_dir, job.trial, at), st, at);
      saved_epoch_ = std::max<std::int64_t>(at, 0);
    }
    const auto job_start = Clock::now();
    const std::int64_t batch = job.params.get_int("batch_size", 64);
    if (batch < 1) throw std::runtime_error("batch_size must be >= 1");

    while (st.epoch < job.to_resource) {
      const auto t0 = Clock::now();
      // Shuffling and dropout draw from a generator seeded by (trial seed,
      // epoch), so a resumed trial sees the same batches as an unbroken one.
      const std::uint64_t epoch_seed =
          core::splitmix64(job.seed ^ static_cast<std::uint64_t>(st.epoch + 1));
      at::Generator gen = at::detail::createCPUGenerator(epoch_seed);
      if (device_.is_cuda()) torch::cuda::manual_seed_all(epoch_seed);
      core::CurvePoint m;
      m.trial = job.trial;
      m.values.assign(classification::kMetricCount, 0.0);
      m.values[classification::kTrainLoss] = train_epoch(st, batch, st.epoch + 1, gen, job_start);
      evaluate(st, m);
      st.epoch += 1;
      st.seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      m.step = st.epoch;
      m.seconds = st.seconds;
      // A step is reported only once its checkpoint is on disk: a trial the
      // scheduler pauses can always be promoted, and a killed job restarts
      // from the latest checkpointed step the journal holds.
      const std::int64_t every = options_.checkpoint_every;
      if (st.epoch == job.to_resource || (every > 0 && st.epoch % every == 0)) save(job, st);
      switch (on_step(m)) {
        case StepAction::kContinue: break;
        case StepAction::kStop: return {};
        case StepAction::kSuspend:
          if (saved_epoch_ != st.epoch) save(job, st);
          return RunOutcome{st.epoch, ""};
      }
    }
    return {};
  }

  void save(const core::Job& job, TrialState& st) {
    if (!checkpoint_dir_ready_) {
      // Made here, not at start-up: a start that fails leaves no folder.
      std::error_code ec;
      fs::create_directories(options_.checkpoint_dir, ec);
      if (ec) {
        throw core::InputError(options_.checkpoint_dir,
                               "cannot create the checkpoint folder: " + ec.message(),
                               "set checkpoint.dir to a folder you can write");
      }
      checkpoint_dir_ready_ = true;
    }
    save_checkpoint(checkpoint_path(options_.checkpoint_dir, job.trial, st.epoch), st);
    saved_epoch_ = st.epoch;
  }

  // A job that trains past limits.trial_time is a failed trial.
  void check_time(Clock::time_point job_start) const {
    if (options_.trial_time <= 0) return;
    const double s = std::chrono::duration<double>(Clock::now() - job_start).count();
    if (s > options_.trial_time) {
      throw std::runtime_error("trial time limit exceeded: the job trained " +
                               std::to_string(static_cast<long>(s)) + " s, limits.trial_time is " +
                               std::to_string(static_cast<long>(options_.trial_time)) + " s");
    }
  }

  double train_epoch(TrialState& st, std::int64_t batch, std::int64_t epoch, at::Generator& gen,
                     Clock::time_point job_start) {
    st.net->train();
    const std::int64_t n = train_.x.size(0);
    const auto order = torch::randperm(n, gen, torch::TensorOptions().dtype(torch::kInt64)).to(device_);
    double total = 0.0;
    std::int64_t batches = 0;
    for (std::int64_t start = 0; start < n; start += batch) {
      const auto idx = order.slice(0, start, std::min(start + batch, n));
      const auto logits = st.net->forward(train_.x.index_select(0, idx), &gen);
      const auto loss = torch::nn::functional::cross_entropy(logits, train_.y.index_select(0, idx));
      st.optimizer->zero_grad();
      loss.backward();
      st.optimizer->step();
      const double value = loss.item<double>();
      if (!std::isfinite(value)) {
        throw std::runtime_error("training loss is " + std::string(std::isnan(value) ? "NaN" : "Inf") +
                                 " at epoch " + std::to_string(epoch) +
                                 " (learning rate too high?)");
      }
      total += value;
      ++batches;
      check_time(job_start);
    }
    return total / static_cast<double>(std::max<std::int64_t>(batches, 1));
  }

  void evaluate(TrialState& st, core::CurvePoint& m) {
    torch::NoGradGuard no_grad;
    st.net->eval();
    const std::int64_t n = val_.x.size(0);
    constexpr std::int64_t kEvalBatch = 8192;
    double loss_sum = 0.0;
    std::int64_t correct = 0;
    for (std::int64_t start = 0; start < n; start += kEvalBatch) {
      const std::int64_t end = std::min(start + kEvalBatch, n);
      const auto logits = st.net->forward(val_.x.slice(0, start, end), nullptr);
      const auto y = val_.y.slice(0, start, end);
      loss_sum += torch::nn::functional::cross_entropy(
                      logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                      .item<double>();
      correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
    }
    m.values[classification::kValLoss] = loss_sum / static_cast<double>(n);
    m.values[classification::kValAccuracy] = static_cast<double>(correct) / static_cast<double>(n);
  }

  RunnerOptions options_;
  bool checkpoint_dir_ready_ = false;
  std::int64_t saved_epoch_ = 0;  // the running job's latest epoch whose state is on disk
  torch::Device device_;
  Tensors train_, val_;
  std::int64_t features_, classes_;
};

}  // namespace

std::unique_ptr<TrialRunner> make_mlp_runner(const io::Dataset& data,
                                             const RunnerOptions& options) {
  return std::make_unique<MlpRunner>(data, options);
}

void set_compute_threads(int threads) {
  threads = std::max(threads, 1);
  torch::set_num_threads(threads);
  // OpenBLAS ignores torch's setting; call it directly when the library is loaded.
  using SetThreads = void (*)(int);
  if (auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    fn(threads);
  }
}

std::string checkpoint_path(const std::string& dir, core::TrialId trial, std::int64_t epoch) {
  return (fs::path(dir) /
          ("trial_" + std::to_string(trial.value) + ".e" + std::to_string(epoch) + ".pt"))
      .string();
}

namespace {

// Checkpoint names are checkpoint_path's: "trial_<id>.e<epoch>.pt", written
// through "<that>.tmp-<pid>".
void remove_checkpoint_files(const std::string& dir, bool temporary_only) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("trial_", 0) != 0) continue;
    if (temporary_only && name.find(".pt.tmp-") == std::string::npos) continue;
    fs::remove(entry.path(), ec);
  }
}

}  // namespace

void remove_all_checkpoints(const std::string& dir) { remove_checkpoint_files(dir, false); }

void remove_interrupted_checkpoint_writes(const std::string& dir) {
  remove_checkpoint_files(dir, true);
}

std::int64_t latest_checkpoint(const std::string& dir, core::TrialId trial, std::int64_t at_most) {
  if (fs::exists(checkpoint_path(dir, trial, at_most))) return at_most;  // the usual case, one stat
  const std::string prefix = "trial_" + std::to_string(trial.value) + ".e";
  std::int64_t best = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    char* end = nullptr;
    const long long epoch = std::strtoll(name.c_str() + prefix.size(), &end, 10);
    if (std::string(end) != ".pt") continue;  // a temporary file, or another trial's
    if (epoch <= at_most && epoch > best) best = epoch;
  }
  return best;
}

void remove_checkpoints(const std::string& dir, core::TrialId trial, std::int64_t keep_from) {
  const std::string prefix = "trial_" + std::to_string(trial.value) + ".e";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::int64_t epoch = std::atoll(name.c_str() + prefix.size());
    if (keep_from < 0 || epoch < keep_from) fs::remove(entry.path(), ec);
  }
}

}  // namespace rungs::train
