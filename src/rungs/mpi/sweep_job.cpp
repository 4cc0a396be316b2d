#include "rungs/mpi/sweep_job.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <thread>

#include "rungs/core/asha.hpp"
#include "rungs/core/error.hpp"
#include "rungs/core/sampler.hpp"
#include "rungs/core/sweep_driver.hpp"
#include "rungs/io/archive.hpp"
#include "rungs/io/dataset.hpp"
#include "rungs/io/sweep_config.hpp"
#include "rungs/mpi/coordinator.hpp"
#include "rungs/mpi/device_query.hpp"
#include "rungs/mpi/mpi_session.hpp"
#include "rungs/mpi/worker.hpp"
#include "rungs/version.hpp"

namespace rungs::mpi {
namespace {

namespace fs = std::filesystem;

// What every rank has once set-up succeeded.
struct RankSetup {
  core::SweepSpec spec;
  std::string checkpoint_dir;
  int threads = 1;
  std::unique_ptr<train::TrialRunner> runner;
  std::string device;
};

// Cores this rank owns: the config's choice, else Slurm's allocation, else
// an equal share of the node among its ranks.
int threads_per_rank(int configured, int local_size) {
  if (configured > 0) return configured;
  if (const char* s = std::getenv("SLURM_CPUS_PER_TASK")) {
    if (const int n = std::atoi(s); n > 0) return n;
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, local_size));
}

std::string default_checkpoint_dir(const std::string& archive_path) {
  return archive_path + ".checkpoints";
}

// Rank 0 only: the archive path must be free, or hold this same sweep and
// --overwrite was given. Never replaces somebody's other file.
void claim_archive_path(const std::string& path, const std::string& sweep, bool overwrite) {
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent);
  const auto existing = io::archived_sweep_name(path);
  if (!existing) return;
  if (*existing != sweep) {
    throw core::InputError(path, "the archive holds a different sweep ('" + *existing +
                                     "'), not '" + sweep + "'",
                           "choose another --archive path");
  }
  if (!overwrite) {
    throw core::InputError(path, "the archive already holds a run of sweep '" + sweep + "'",
                           "pass --overwrite to replace it, or choose another --archive path");
  }
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

RankSetup set_up_rank(const MpiSession& mpi, const SweepOptions& options) {
  RankSetup s;
  s.spec = io::load_sweep_config(options.config_path, options.overrides);
  if (mpi.rank() == 0) claim_archive_path(options.archive_path, s.spec.name, options.overwrite);
  s.checkpoint_dir = s.spec.checkpoint.dir.empty() ? default_checkpoint_dir(options.archive_path)
                                                   : s.spec.checkpoint.dir;
  fs::create_directories(s.checkpoint_dir);
  const io::Dataset data = io::read_dataset(s.spec.data.path, s.spec.data.train, s.spec.data.val);
  s.threads = threads_per_rank(s.spec.training.threads, mpi.local_size());
  train::set_compute_threads(s.threads);
  train::RunnerOptions ro;
  ro.checkpoint_dir = s.checkpoint_dir;
  ro.device = s.spec.training.device;
  ro.local_rank = mpi.local_rank();
  ro.fail_trials = s.spec.training.fail_trials;
  s.runner = train::make_mlp_runner(data, ro);
  s.device = describe_device(s.runner->device());
  return s;
}

// Every rank's string, gathered on rank 0 (empty elsewhere).
std::vector<std::string> gather_strings(const MpiSession& mpi, const std::string& mine) {
  constexpr int kWidth = 256;
  std::string padded = mine.substr(0, kWidth - 1);
  padded.resize(kWidth, '\0');
  std::vector<char> all(mpi.rank() == 0 ? static_cast<std::size_t>(kWidth * mpi.size()) : 0);
  check_mpi(MPI_Gather(padded.data(), kWidth, MPI_CHAR, all.data(), kWidth, MPI_CHAR, 0,
                       MPI_COMM_WORLD),
            "MPI_Gather");
  std::vector<std::string> out;
  for (int r = 0; mpi.rank() == 0 && r < mpi.size(); ++r) {
    out.emplace_back(all.data() + r * kWidth);
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ",") + i;
  return s;
}

core::SweepRecord new_record(const RankSetup& s, const SweepOptions& o, const MpiSession& mpi,
                             const std::vector<std::string>& hosts,
                             const std::vector<std::string>& devices) {
  core::SweepRecord r;
  core::SweepMetadata& m = r.metadata;
  m.sweep_name = s.spec.name;
  m.tool_version = kVersion;
  m.git_revision = kGitRevision;
  m.created = utc_now();
  m.command_line = o.command_line;
  m.config_yaml = s.spec.yaml_text;
  m.mpi_size = mpi.size();
  m.hosts = join(hosts);
  m.devices = join(devices);
  m.threads_per_rank = s.threads;
  m.objective_metric = s.spec.objective.metric;
  m.objective_mode = s.spec.objective.mode;
  const auto& a = s.spec.scheduler.asha;
  m.scheduler = "asha/" + s.spec.scheduler.mode + " eta=" + std::to_string(a.eta) +
                " resources " + std::to_string(a.min_resource) + ".." +
                std::to_string(a.max_resource) + " sampler=" + s.spec.sampler.kind;
  m.rung_resources = a.rung_resources();
  r.space = s.spec.space.params();
  return r;
}

// Checkpoints of trials that will never run again, unless asked to keep them.
void remove_stale_checkpoints(const core::SweepRecord& r, const RankSetup& s) {
  for (const auto& t : r.trials) {
    const bool stale = t.status == core::TrialStatus::kFailed ||
                       (t.status == core::TrialStatus::kStopped && !s.spec.checkpoint.keep_stopped);
    if (stale) {
      std::error_code ignored;
      fs::remove(train::checkpoint_path(s.checkpoint_dir, t.id), ignored);
    }
  }
}

void run_rank0(const MpiSession& mpi, RankSetup& s, const SweepOptions& options,
               const std::vector<std::string>& hosts, const std::vector<std::string>& devices) {
  core::SweepRecord record = new_record(s, options, mpi, hosts, devices);
  core::SteadyClock clock;
  core::RandomSampler sampler(s.spec.space, s.spec.seed);
  core::SweepLimits limits = s.spec.limits;
  limits.max_trials = s.spec.trial_budget();
  core::AshaScheduler scheduler(s.spec.scheduler.asha, s.spec.objective.mode, limits, sampler,
                                clock, s.spec.seed,
                                [&record](const core::Decision& d) { record.decisions.push_back(d); });
  std::vector<core::WorkerInfo> workers;
  for (std::size_t r = 0; r < hosts.size(); ++r) workers.push_back({hosts[r], devices[r]});
  core::SweepDriver driver(scheduler, record, clock, workers);
  io::write_archive(options.archive_path, record);  // the path is ours from the first second

  std::printf("sweep %s: %d rank%s (%s), %d thread%s each, archive %s\n", s.spec.name.c_str(),
              mpi.size(), mpi.size() == 1 ? "" : "s", record.metadata.devices.c_str(),
              s.threads, s.threads == 1 ? "" : "s", options.archive_path.c_str());
  std::fflush(stdout);

  EnvelopeQueue inbox, local_mailbox;
  LocalWorkerLink local_link(inbox, local_mailbox);
  std::thread local_worker([&] { run_worker(local_link, *s.runner); });
  Coordinator coordinator(s.spec, record, driver, clock, options.archive_path, mpi.size(), inbox,
                          local_mailbox);
  try {
    coordinator.run();
  } catch (...) {
    local_mailbox.push(Envelope{0, Tag::kShutdown, {}});
    local_worker.join();
    throw;
  }
  local_worker.join();
  record.finish(driver.elapsed());
  remove_stale_checkpoints(record, s);
  io::write_archive(options.archive_path, record);
  std::printf("%s\n", core::progress_line(record, driver.elapsed()).c_str());
  const double wall = driver.elapsed();
  std::printf("sweep %s finished: %zu trials, %zu curve rows, archive %s\n", s.spec.name.c_str(),
              record.trials.size(), record.curves.size(), options.archive_path.c_str());
  std::printf("rank 0 coordinator thread: %.2f s CPU over %.1f s (%.2f%% of a core)\n",
              coordinator.cpu_seconds(), wall, wall > 0 ? 100.0 * coordinator.cpu_seconds() / wall : 0.0);
  std::fflush(stdout);
}

}  // namespace

int run_sweep(int& argc, char**& argv, const SweepOptions& options) {
  MpiSession mpi(argc, argv);
  RankSetup setup;
  std::string error;
  try {
    setup = set_up_rank(mpi, options);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!mpi.agree(error.empty(), error)) return 1;

  const auto hosts = gather_strings(mpi, mpi.host());
  const auto devices = gather_strings(mpi, setup.device);
  try {
    if (mpi.rank() == 0) {
      run_rank0(mpi, setup, options, hosts, devices);
    } else {
      MpiWorkerLink link;
      run_worker(link, *setup.runner);
    }
  } catch (const std::exception& e) {
    // The sweep cannot go on (a broken MPI or file system): say why and
    // take the whole job down rather than leave ranks waiting forever.
    std::fprintf(stderr, "rungs-sweep: fatal on rank %d: %s\n", mpi.rank(), e.what());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 3);
  }
  return 0;
}

}  // namespace rungs::mpi
