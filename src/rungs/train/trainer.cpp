// The generic trainer: any model of the registry, any task, one epoch loop.
// It owns what every model shares: the data on the device, per-(trial, epoch)
// seeding, the learning-rate schedule, gradient clipping, the task's loss and
// metrics, checkpoints (loaded onto this rank's device), and the failures a
// trial can have (NaN or Inf loss, time limit, out of memory, a full disk).
// Works with LibTorch 1.13 and 2.x.
#include <dlfcn.h>
#include <torch/torch.h>
#ifdef RUNGS_TORCH_HAS_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>

#include "rungs/core/error.hpp"
#include "rungs/core/seeding.hpp"
#include "rungs/io/posix_file.hpp"
#include "rungs/train/device_choice.hpp"
#include "rungs/train/lr_schedule.hpp"
#include "rungs/train/model_catalog.hpp"
#include "rungs/train/models/net.hpp"
#include "rungs/train/optimizer.hpp"
#include "rungs/train/task.hpp"
#include "rungs/train/trial_runner.hpp"

namespace rungs::train {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using core::Task;

// --- the registry -------------------------------------------------------------

using NetFactory = std::shared_ptr<Net> (*)(const core::ParamSet&, const NetShape&);

const std::map<std::string, NetFactory>& registry() {
  static const std::map<std::string, NetFactory> kModels = {
      {"mlp", make_mlp}, {"cnn", make_cnn}, {"rnn", make_rnn}};
  return kModels;
}

// --- devices ----------------------------------------------------------------

// The rule is device_choice.hpp's; LibTorch says what this rank sees.
torch::Device select_device(const std::string& wanted, int local_rank) {
  const int count = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
  const DeviceChoice c = choose_device(wanted, count, local_rank);
  if (!c.cuda) return torch::Device(torch::kCPU);
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(c.index));
}

// --- data -------------------------------------------------------------------

struct SplitTensors {
  torch::Tensor x;  // (N, sample_shape...)
  torch::Tensor y;  // classification: (N) int64; else (N, K) or (N, T, K) float
};

std::vector<std::int64_t> with_rows(std::int64_t rows, const std::vector<std::int64_t>& inner) {
  std::vector<std::int64_t> dims = {rows};
  dims.insert(dims.end(), inner.begin(), inner.end());
  return dims;
}

// The targets' shape as the loss wants it: a trailing dimension of outputs.
std::vector<std::int64_t> target_dims(const io::Split& s, Task task) {
  std::vector<std::int64_t> dims = with_rows(s.rows, s.target_shape);
  const std::size_t plain = task == Task::kSequenceRegression ? 2 : 1;  // (N) or (N, T)
  if (dims.size() == plain) dims.push_back(1);
  return dims;
}

// The device's copy of a split. from_blob does not own the memory, so the
// values are copied (clone, or the move to a GPU), unless `in_place`: data a
// node shares (Dataset::owner, kept alive by the trainer) is used where it
// lies on the CPU, so the node holds one copy, not one per rank.
torch::Tensor device_copy(const torch::Tensor& view, const torch::Device& device, bool in_place) {
  if (device.is_cpu()) return in_place ? view : view.clone();
  return view.to(device);
}

SplitTensors to_tensors(const io::Split& s, Task task, const torch::Device& device,
                        bool in_place) {
  SplitTensors t;
  t.x = device_copy(torch::from_blob(const_cast<float*>(s.x_data()),
                                     with_rows(s.rows, s.sample_shape), torch::kFloat32),
                    device, in_place);
  if (task == Task::kClassification) {
    t.y = device_copy(
        torch::from_blob(const_cast<std::int64_t*>(s.y_data()), {s.rows}, torch::kInt64), device,
        in_place);
  } else {
    t.y = device_copy(torch::from_blob(const_cast<float*>(s.targets_data()),
                                       target_dims(s, task), torch::kFloat32),
                      device, in_place);
  }
  return t;
}

NetShape shape_of(const io::Dataset& data) {
  NetShape shape;
  shape.sample_shape = data.train.sample_shape;
  shape.per_step = data.task == Task::kSequenceRegression;
  if (data.task == Task::kClassification) {
    shape.outputs = data.classes;
  } else {
    shape.outputs = target_dims(data.train, data.task).back();
  }
  return shape;
}

// --- checkpoints ------------------------------------------------------------

// One trial's model and optimizer, with the epoch they have reached. The
// model's parameters are views of one tensor (`weights`) and their
// gradients views of another (`gradients`): the optimizer, the clipping and
// the zeroing then work on one tensor per minibatch, not one per parameter,
// which on small models is most of LibTorch's per-batch dispatch cost. The
// arithmetic is the same, element for element.
struct TrialState {
  std::shared_ptr<Net> net;
  torch::Tensor weights, gradients;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  std::int64_t epoch = 0;
  double seconds = 0.0;
};

// Makes every parameter of st.net a view of st.weights (with its current
// values) and its gradient a view of st.gradients. Autograd accumulates
// into a defined gradient in place, so the views stay views.
void flatten_parameters(TrialState& st) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> params = st.net->parameters();
  std::int64_t total = 0;
  for (const auto& p : params) total += p.numel();
  st.weights = torch::empty({total}, params.front().options().requires_grad(false));
  st.gradients = torch::zeros({total}, params.front().options().requires_grad(false));
  std::int64_t at = 0;
  for (auto& p : params) {
    const std::int64_t n = p.numel();
    st.weights.narrow(0, at, n).copy_(p.reshape({-1}));
    p.set_data(st.weights.narrow(0, at, n).view(p.sizes()));
    p.mutable_grad() = st.gradients.narrow(0, at, n).view(p.sizes());
    at += n;
  }
  st.weights.mutable_grad() = st.gradients;
}

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

// Onto `device` whatever device saved it (map_location): a promotion may
// land on another GPU, or another node's. The model's weights are read
// first (loading replaces the parameters' storage, so this comes before
// flatten_parameters), the optimizer's state once the optimizer exists.
void load_weights(torch::serialize::InputArchive& archive, const std::string& path,
                  TrialState& st, std::int64_t expected_epoch, const torch::Device& device) {
  archive.load_from(path, device);
  st.net->load(archive);
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

void load_optimizer(torch::serialize::InputArchive& archive, TrialState& st) {
  torch::serialize::InputArchive opt;
  archive.read("optimizer", opt);
  st.optimizer->load(opt);
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
    return "CUDA out of memory (cache freed; try a smaller batch_size or model): " + text;
  }
  return "LibTorch error: " + text;
}

// --- the trainer ------------------------------------------------------------

class Trainer : public TrialRunner {
 public:
  Trainer(const io::Dataset& data, RunnerOptions options)
      : options_(std::move(options)),
        factory_(factory_of(options_.model)),
        task_(data.task),
        shape_(shape_of(data)),
        device_(select_device(options_.device, options_.local_rank)),
        shared_(data.owner),
        train_(to_tensors(data.train, data.task, device_, shared_ != nullptr)),
        val_(to_tensors(data.val, data.task, device_, shared_ != nullptr)) {
    if (task_ != Task::kClassification) {
      // R^2's denominator: the validation targets' squared spread around
      // each output's own mean (over samples, and steps for sequences).
      const auto y = val_.y.to(torch::kFloat64);
      std::vector<std::int64_t> over(static_cast<std::size_t>(y.dim() - 1));
      for (std::size_t d = 0; d < over.size(); ++d) over[d] = static_cast<std::int64_t>(d);
      val_total_squares_ = (y - y.mean(over, true)).pow(2).sum().item<double>();
    }
  }

  std::string device() const override { return device_.str(); }

  using TrialRunner::run;
  // A graceful stop reaches the epoch loop through on_step, at the step's end.
  RunOutcome run(const core::Job& job, const StepCallback& on_step,
                 const rungs::run::DrainProbe& /*drain_requested*/) override {
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
  static NetFactory factory_of(const std::string& kind) {
    const auto it = registry().find(kind);
    if (it == registry().end()) throw std::invalid_argument("unknown model kind '" + kind + "'");
    return it->second;
  }

  RunOutcome train(const core::Job& job, const StepCallback& on_step) {
    if (std::find(options_.fail_trials.begin(), options_.fail_trials.end(), job.trial.value) !=
        options_.fail_trials.end()) {
      throw std::runtime_error("injected failure (training.fail_trials lists trial " +
                               std::to_string(job.trial.value) + ")");
    }
    TrialState st;
    st.net = factory_(job.params, shape_);
    at::Generator init = at::detail::createCPUGenerator(job.seed);
    st.net->initialize(init);  // initial weights depend on the trial's seed only
    st.net->to(device_);
    // The job's own checkpoint, or else the latest earlier one (a changed
    // checkpoint.every, a lost file): training from there repeats the same
    // epochs exactly (seeded per trial and epoch), and the steps it reports
    // again are recorded once. With none, the trial starts over.
    const std::int64_t at = job.from_resource > 0
                                ? latest_checkpoint(options_.checkpoint_dir, job.trial,
                                                    job.from_resource)
                                : -1;
    torch::serialize::InputArchive checkpoint;
    if (at > 0) {
      load_weights(checkpoint, checkpoint_path(options_.checkpoint_dir, job.trial, at), st, at,
                   device_);
    }
    flatten_parameters(st);
    st.optimizer = make_optimizer(job.params, {st.weights});
    if (at > 0) load_optimizer(checkpoint, st);
    if (job.from_resource > 0) saved_epoch_ = std::max<std::int64_t>(at, 0);
    const auto job_start = Clock::now();
    const Knobs knobs = knobs_of(job.params);

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
      m.values.assign(task_metrics(task_).size(), 0.0);
      m.values[0] = train_epoch(st, knobs, gen, job_start);  // train_loss leads every task's list
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

  // The trial's training knobs (training_params.hpp), read once per job.
  struct Knobs {
    std::int64_t batch = 64;
    double lr = 1e-3;
    double grad_clip = 0.0;
    double label_smoothing = 0.0;
    LrSchedule schedule;
  };

  static Knobs knobs_of(const core::ParamSet& p) {
    Knobs k;
    k.batch = p.get_int("batch_size", 64);
    k.lr = p.get_double("lr", 1e-3);
    k.grad_clip = p.get_double("grad_clip", 0.0);
    k.label_smoothing = p.get_double("label_smoothing", 0.0);
    k.schedule = lr_schedule_of(p);
    if (k.batch < 1) throw std::runtime_error("batch_size must be >= 1");
    if (!(k.grad_clip >= 0.0)) throw std::runtime_error("grad_clip must be >= 0");
    if (!(k.label_smoothing >= 0.0 && k.label_smoothing < 1.0)) {
      throw std::runtime_error("label_smoothing must be in [0, 1)");
    }
    return k;
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

  // The task's training loss of a minibatch.
  torch::Tensor loss_of(const torch::Tensor& out, const torch::Tensor& y, const Knobs& k) const {
    if (task_ == Task::kClassification) {
      return torch::nn::functional::cross_entropy(
          out, y, torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(k.label_smoothing));
    }
    return torch::nn::functional::mse_loss(out, y);
  }

  double train_epoch(TrialState& st, const Knobs& k, at::Generator& gen,
                     Clock::time_point job_start) {
    st.net->train();
    const std::int64_t n = train_.x.size(0);
    const std::int64_t batches = (n + k.batch - 1) / k.batch;
    const auto order = torch::randperm(n, gen, torch::TensorOptions().dtype(torch::kInt64)).to(device_);
    // A minibatch is gathered into buffers reused all epoch, and the losses
    // summed on the device: no allocation and no read-back per minibatch.
    torch::Tensor xb = torch::empty({0}, train_.x.options());
    torch::Tensor yb = torch::empty({0}, train_.y.options());
    torch::Tensor total = torch::zeros({}, train_.x.options().dtype(torch::kFloat64));
    for (std::int64_t b = 0; b < batches; ++b) {
      const std::int64_t start = b * k.batch;
      const auto idx = order.slice(0, start, std::min(start + k.batch, n));
      set_learning_rate(*st.optimizer,
                        k.lr * lr_factor(k.schedule, st.epoch, b, batches, options_.max_resource));
      if (idx.size(0) != xb.size(0) && xb.numel() > 0) {  // the last, shorter minibatch
        xb = torch::empty({0}, xb.options());
        yb = torch::empty({0}, yb.options());
      }
      torch::index_select_out(xb, train_.x, 0, idx);
      torch::index_select_out(yb, train_.y, 0, idx);
      const auto out = st.net->forward(xb, &gen);
      const auto loss = loss_of(out, yb, k);
      st.gradients.zero_();
      loss.backward();
      if (k.grad_clip > 0.0) torch::nn::utils::clip_grad_norm_({st.weights}, k.grad_clip);
      st.optimizer->step();
      total.add_(loss.detach());
      check_time(job_start);
    }
    const double mean = total.item<double>() / static_cast<double>(std::max<std::int64_t>(batches, 1));
    if (!std::isfinite(mean)) {
      throw std::runtime_error("training loss is " + std::string(std::isnan(mean) ? "NaN" : "Inf") +
                               " at epoch " + std::to_string(st.epoch + 1) +
                               " (learning rate too high?)");
    }
    return mean;
  }

  // The task's validation metrics, in task_metrics' order after train_loss.
  void evaluate(TrialState& st, core::CurvePoint& m) {
    c10::InferenceMode inference;
    st.net->eval();
    const std::int64_t n = val_.x.size(0);
    constexpr std::int64_t kEvalBatch = 8192;
    double loss_sum = 0.0, abs_sum = 0.0;
    std::int64_t correct = 0;
    for (std::int64_t start = 0; start < n; start += kEvalBatch) {
      const std::int64_t end = std::min(start + kEvalBatch, n);
      const auto out = st.net->forward(val_.x.slice(0, start, end), nullptr);
      const auto y = val_.y.slice(0, start, end);
      if (task_ == Task::kClassification) {
        loss_sum += torch::nn::functional::cross_entropy(
                        out, y,
                        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                        .item<double>();
        correct += out.argmax(1).eq(y).sum().item<std::int64_t>();
      } else {
        const auto diff = (out - y).to(torch::kFloat64);
        loss_sum += diff.pow(2).sum().item<double>();
        abs_sum += diff.abs().sum().item<double>();
      }
    }
    if (task_ == Task::kClassification) {
      m.values[classification::kValLoss] = loss_sum / static_cast<double>(n);
      m.values[classification::kValAccuracy] = static_cast<double>(correct) / static_cast<double>(n);
      return;
    }
    const auto count = static_cast<double>(val_.y.numel());
    m.values[regression::kValMse] = loss_sum / count;
    m.values[regression::kValMae] = abs_sum / count;
    m.values[regression::kValR2] =
        val_total_squares_ > 0.0 ? 1.0 - loss_sum / val_total_squares_ : 0.0;
  }

  RunnerOptions options_;
  NetFactory factory_;
  Task task_;
  NetShape shape_;
  bool checkpoint_dir_ready_ = false;
  std::int64_t saved_epoch_ = 0;  // the running job's latest epoch whose state is on disk
  torch::Device device_;
  std::shared_ptr<const void> shared_;  // the node's shared data, when the tensors use it in place
  SplitTensors train_, val_;
  double val_total_squares_ = 0.0;
};

}  // namespace

std::unique_ptr<TrialRunner> make_runner(const io::Dataset& data, const RunnerOptions& options) {
  const std::string mismatch = model_data_mismatch(options.model, data.task, data.train.sample_shape);
  if (!mismatch.empty()) throw std::invalid_argument(mismatch);
  return std::make_unique<Trainer>(data, options);
}

bool torch_has_cuda() {
#ifdef RUNGS_TORCH_HAS_CUDA
  return true;
#else
  return false;
#endif
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

}  // namespace rungs::train
