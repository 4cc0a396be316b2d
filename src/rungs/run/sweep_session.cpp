#include "rungs/run/sweep_session.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>
#include <utility>

#include "rungs/core/error.hpp"
#include "rungs/core/factory.hpp"
#include "rungs/core/sweep_driver.hpp"
#include "rungs/io/archive.hpp"
#include "rungs/io/config_fingerprint.hpp"
#include "rungs/io/journal.hpp"
#include "rungs/io/posix_file.hpp"
#include "rungs/io/sweep_config.hpp"
#include "rungs/run/checkpoint_files.hpp"
#include "rungs/run/command_runner.hpp"
#include "rungs/run/coordinator.hpp"
#include "rungs/run/device_query.hpp"
#include "rungs/run/worker.hpp"
#include "rungs/train/model_catalog.hpp"
#include "rungs/version.hpp"

namespace rungs::run {
namespace {

namespace fs = std::filesystem;

// The one piece of process-wide state: a signal handler can do nothing but
// set a flag. The coordinator polls it once per loop iteration.
std::atomic<int> g_stop_signal{0};

extern "C" void on_stop_signal(int sig) { g_stop_signal.store(sig); }

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigset_t handled;
  sigemptyset(&handled);
  for (int sig : {SIGTERM, SIGUSR1, SIGINT}) {
    sigaction(sig, &action, nullptr);
    sigaddset(&handled, sig);
  }
  // rungs-mpirun starts mpirun, and so the ranks, with SIGTERM and SIGINT
  // blocked; this process handles them. Unblocked before MPI starts threads,
  // which inherit the mask.
  sigprocmask(SIG_UNBLOCK, &handled, nullptr);
}

namespace {


// Cores a worker owns: the config's choice, else Slurm's allocation, else an
// equal share of the node among the workers on it.
int threads_per_worker(int configured, int workers_on_node) {
  if (configured > 0) return configured;
  if (const char* s = std::getenv("SLURM_CPUS_PER_TASK")) {
    if (const int n = std::atoi(s); n > 0) return n;
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, workers_on_node));
}

// An archive of an older schema is read by `rungs` but never continued: its
// journal's format is older too.
void refuse_older_schema(const std::string& path, const core::SweepRecord& archived) {
  const int version = archived.metadata.schema_version;
  if (version >= core::kArchiveSchemaVersion) return;
  throw core::InputError(
      path,
      "the archive has schema version " + std::to_string(version) +
          ", written by an older rungs; this build reads it (rungs summary, export, merge) but "
          "does not continue it",
      "continue it with the rungs that started it; or pass --overwrite to start it again, or "
      "choose another --archive path");
}

}  // namespace

// Locks the archive path and reads what is there. For --resume the archive
// must exist (its stored configuration is the sweep's) and be of this schema.
ArchiveClaim claim_archive(const SweepOptions& options) {
  ArchiveClaim c;
  const std::string& path = options.archive_path;
  if (options.resume && !fs::exists(path)) {
    throw core::InputError(path, "no archive to resume",
                           "check the path, or start the sweep with --config");
  }
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::exists(parent)) {
    fs::create_directories(parent);
    c.created_dir = parent;
  }
  c.lock.emplace(io::ArchiveLock::acquire(path));
  // Throws for a file that is not a rungs archive: somebody's other file is
  // never read as, or replaced by, a sweep.
  if (io::archived_sweep_name(path)) c.archived = io::read_archive(path);
  if (options.resume && !c.archived) {
    throw core::InputError(path, "no archive to resume",
                           "check the path, or start the sweep with --config");
  }
  if (options.resume) refuse_older_schema(path, *c.archived);
  return c;
}

namespace {

// What to do with the archive path: start afresh where it is free (or holds
// this sweep and --overwrite was given), resume this sweep where it is
// unfinished, or nothing where it is finished. Never replaces somebody's
// other file or another sweep, and never replaces recorded results with
// fewer.
StartMode decide_start(const std::string& path, const core::SweepSpec& spec, bool overwrite,
                       const std::optional<core::SweepRecord>& archived) {
  if (!archived) return StartMode::kFresh;
  const std::string& name = archived->metadata.sweep_name;
  if (name != spec.name) {
    throw core::InputError(path, "the archive holds a different sweep ('" + name + "'), not '" +
                                     spec.name + "'",
                           "choose another --archive path");
  }
  if (overwrite) return StartMode::kFresh;
  refuse_older_schema(path, *archived);
  if (io::config_fingerprint(archived->metadata.config_yaml) !=
      io::config_fingerprint(spec.yaml_text)) {
    throw core::InputError(path,
                           "the archive holds sweep '" + spec.name +
                               "' with another configuration (space, scheduler, sampler, seed, "
                               "objective, data or model differ)",
                           "resume with the archived configuration (rungs-sweep --resume " + path +
                               "), pass --overwrite to start again, or choose another --archive path");
  }
  const core::Shard held = io::config_shard(archived->metadata.config_yaml);
  const core::Shard& asked = spec.sampler.shard;
  if (held.index != asked.index || held.count != asked.count) {
    const auto text = [](const core::Shard& x) {
      return std::to_string(x.index) + "/" + std::to_string(x.count);
    };
    throw core::InputError(path,
                           "the archive holds shard " + text(held) + " of sweep '" + spec.name +
                               "', not shard " + text(asked),
                           "run shard " + text(asked) + " into its own --archive path, or resume "
                           "this one with --shard " + text(held));
  }
  // A sweep stopped at a limit ("at_limit") continues: the resumed run judges
  // its limits again, so a raised one lets it go on.
  if (archived->metadata.state == "finished") return StartMode::kAlreadyFinished;
  // The scheduler's state is rebuilt from the journal; without it, a resume
  // would start over and rewrite the archive with fewer results.
  const std::size_t trials = archived->trials.size();
  if (trials > 0 && !fs::exists(io::journal_path(path))) {
    throw core::InputError(
        io::journal_path(path),
        "missing: the archive holds " + std::to_string(trials) +
            " trial" + (trials == 1 ? "" : "s") +
            " of an unfinished sweep, and only its journal can rebuild the scheduler's state",
        "put the journal back beside the archive; or keep the archive as it is (rungs summary "
        "and export read it) and start again with another --archive path, or with --overwrite "
        "to replace it");
  }
  return StartMode::kResume;
}

}  // namespace

// The model must be able to read the data set (a cnn needs images, an rnn
// sequences), checked on every rank before any training. A command reads
// its own data.
void check_model_fits_data(const core::SweepSpec& spec, const io::Dataset& data) {
  if (spec.model.is_command()) return;
  const std::string mismatch =
      train::model_data_mismatch(spec.model.kind, spec.data.task, data.train.sample_shape);
  if (mismatch.empty()) return;
  const auto cut = mismatch.find("; ");
  throw core::InputError(spec.data.path + " (" + spec.data.train + "/x)", mismatch.substr(0, cut),
                         mismatch.substr(cut + 2));
}

namespace {

// Settings that are each valid but do not fit together (a shard of a random
// sampler, a grid larger than the trial budget allows...) surface when the
// sampler and scheduler are built: build them once now, before any training.
void check_scheduling(const core::SweepSpec& spec, const std::string& config_path) {
  try {
    core::SteadyClock clock;
    const auto sampler = core::make_sampler(spec);
    core::make_scheduler(spec, *sampler, clock);
  } catch (const std::invalid_argument& e) {
    throw core::InputError(config_path, e.what(), "see docs/scheduling.md");
  }
}

}  // namespace

// Everything a start needs, validated before anything is written. For
// --resume, `stored_config` is the configuration the archive holds (read
// once, by the coordinator). The coordinator passes its claim on the path.
// The data set is read here when `read_data`; an MPI job reads it once per
// node afterwards (load_node_data), a collective every rank must reach.
SweepSetup set_up(const SweepOptions& options, const std::string& stored_config,
                  std::optional<ArchiveClaim> claim, int workers_on_node, bool read_data) {
  SweepSetup s;
  s.spec = options.resume
               ? io::parse_sweep_config(stored_config,
                                        options.archive_path + " (stored configuration)",
                                        options.overrides)
               : io::load_sweep_config(options.config_path, options.overrides);
  s.config_source = options.resume ? options.archive_path : options.config_path;
  check_scheduling(s.spec, s.config_source);
  if (read_data && !s.spec.model.is_command()) {
    s.data = io::read_dataset(s.spec.data);
    check_model_fits_data(s.spec, s.data);
  }
  if (claim) {
    if (claim->lock->took_over_from()) {
      std::printf("taking over the lock of a job that died (%s)\n",
                  claim->lock->took_over_from()->c_str());
    }
    s.mode = decide_start(options.archive_path, s.spec, options.overwrite, claim->archived);
    s.claim = std::move(*claim);
  }
  s.checkpoint_dir = s.spec.checkpoint.dir.empty() ? options.archive_path + ".checkpoints"
                                                   : s.spec.checkpoint.dir;
  s.log_dir = options.archive_path + ".logs";
  s.threads = threads_per_worker(s.spec.training.threads, workers_on_node);
  return s;
}

namespace {

}  // namespace

// A command trial's runner: the program checked now, before any trial.
std::unique_ptr<TrialRunner> make_command_runner(const SweepSetup& s, int local_index) {
  CommandOptions co;
  co.command = s.spec.model.command;
  co.metrics = s.spec.metrics;
  co.max_resource = s.spec.scheduler.asha.max_resource;
  co.checkpoint_dir = s.checkpoint_dir;
  co.log_dir = s.log_dir;
  co.data_path = s.spec.data.path;
  co.report_timeout = s.spec.trial_time;
  co.threads = s.threads;
  co.fail_trials = s.spec.training.fail_trials;
  try {
    const GpuBinding gpu = gpu_binding(
        s.spec.training.device, std::getenv("CUDA_VISIBLE_DEVICES"), driver_gpu_count(), local_index);
    co.device = gpu.device;
    co.cuda_visible_devices = gpu.cuda_visible_devices;
    return run::make_command_runner(co);
  } catch (const std::invalid_argument& e) {
    const std::string text = e.what();
    const auto cut = text.find("; ");
    throw core::InputError(s.config_source, text.substr(0, cut),
                           cut == std::string::npos ? "" : text.substr(cut + 2));
  } catch (const std::runtime_error& e) {
    throw core::InputError(s.config_source, e.what(), "set training.device: cpu, or run where the GPUs are");
  }
}

namespace {


std::string join(const std::vector<core::WorkerInfo>& workers, bool hosts) {
  std::string s;
  for (const auto& w : workers) s += (s.empty() ? "" : ",") + (hosts ? w.host : w.device);
  return s;
}

std::string describe_scheduler(const core::SweepSpec& spec) {
  const auto& sc = spec.scheduler;
  std::string s = core::to_string(sc.kind);
  if (sc.kind == core::SchedulerKind::kAsha || sc.kind == core::SchedulerKind::kHyperband) {
    s += std::string("/") + core::to_string(sc.mode);
  }
  s += " eta=" + std::to_string(sc.asha.eta) + " resources " +
       std::to_string(sc.asha.min_resource) + ".." + std::to_string(sc.asha.max_resource) +
       " sampler=" + core::to_string(spec.sampler.kind);
  if (spec.sampler.shard.count > 1) {
    s += " shard " + std::to_string(spec.sampler.shard.index) + "/" +
         std::to_string(spec.sampler.shard.count);
  }
  return s;
}

core::SweepRecord new_record(const SweepSetup& s, const SweepOptions& o, int mpi_size,
                             const std::vector<core::WorkerInfo>& workers) {
  core::SweepRecord r;
  core::SweepMetadata& m = r.metadata;
  m.sweep_name = s.spec.name;
  m.tool_version = kVersion;
  m.git_revision = kGitRevision;
  m.created = io::utc_now();
  m.command_line = o.command_line;
  m.config_yaml = s.spec.yaml_text;
  m.mpi_size = mpi_size;
  m.hosts = join(workers, true);
  m.devices = join(workers, false);
  for (const auto& w : workers) {  // ranks grouped by node, in order of the first
    const auto at = std::find(m.nodes.begin(), m.nodes.end(), w.host);
    if (at == m.nodes.end()) {
      m.nodes.push_back(w.host);
      m.ranks_per_node.push_back(1);
      m.gpus_per_node.push_back(w.node_gpus);
    } else {
      const auto i = static_cast<std::size_t>(at - m.nodes.begin());
      ++m.ranks_per_node[i];
      m.gpus_per_node[i] = std::max<std::int64_t>(m.gpus_per_node[i], w.node_gpus);
    }
  }
  m.threads_per_rank = s.threads;
  m.metrics = s.spec.metrics;
  m.objective_metric = s.spec.objective.metric;
  m.objective_mode = s.spec.objective.mode;
  m.scheduler = describe_scheduler(s.spec);
  const core::Shard& shard = s.spec.sampler.shard;
  if (shard.count > 1) m.shards = std::to_string(shard.index) + "/" + std::to_string(shard.count);
  m.rung_resources = s.spec.scheduler.asha.rung_resources();
  m.runner = s.spec.model.kind;
  if (s.spec.model.is_command()) {
    m.runner += s.spec.model.command.resume
                    ? ", resume: true (a promoted trial continues from its checkpoint)"
                    : ", resume: false (a promoted trial retrains from step 0)";
    m.trial_logs = (fs::path(s.log_dir) / "trial_{id}.out|.err").string();
  }
  r.space = s.spec.space.params();
  return r;
}

// Checkpoints of trials that will never run again, unless asked to keep them.
void remove_stale_checkpoints(const core::SweepRecord& r, const SweepSetup& s) {
  for (const auto& t : r.trials) {
    const bool stale = t.status == core::TrialStatus::kFailed ||
                       (t.status == core::TrialStatus::kStopped && !s.spec.checkpoint.keep_stopped);
    if (stale) {
      remove_checkpoints(s.checkpoint_dir, t.id, -1);
    } else {
      remove_checkpoints(s.checkpoint_dir, t.id, t.resource);  // keep the latest only
    }
  }
}

// A fresh start forgets an earlier run at this path (only ever one of this
// same sweep, replaced on --overwrite): its journal and checkpoints.
void clear_previous_run(const SweepSetup& s, const std::string& archive) {
  std::error_code ec;
  fs::remove(io::journal_path(archive), ec);
  fs::remove_all(s.log_dir, ec);
  remove_all_checkpoints(s.checkpoint_dir);
}

// "<name>.tmp-<pid>" files of a writer killed mid-write: the archive's in
// its folder and checkpoints' in theirs. This run holds the archive's lock
// and its workers have not started, so no live writer owns any of them.
void remove_temporary_files(const std::string& archive, const std::string& checkpoint_dir) {
  const fs::path archive_path(archive);
  const std::string archive_prefix = archive_path.filename().string() + ".tmp-";
  const fs::path archive_dir = archive_path.parent_path().empty() ? "." : archive_path.parent_path();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(archive_dir, ec)) {
    if (entry.path().filename().string().rfind(archive_prefix, 0) == 0) fs::remove(entry.path(), ec);
  }
  remove_interrupted_checkpoint_writes(checkpoint_dir);
}

// The record and the scheduler as the journal left them (resume), and the
// journal open for appending.
io::JournalWriter open_journal(const SweepSetup& s, const std::string& archive,
                               core::SweepDriver& driver, core::ResumableClock& clock) {
  const std::string path = io::journal_path(archive);
  if (s.mode != StartMode::kResume || !fs::exists(path)) return io::JournalWriter(path);
  const io::JournalContents journal = io::read_journal(path);
  try {
    driver.replay(journal.events, clock);
  } catch (const std::runtime_error& e) {
    throw core::InputError(path, e.what(), "resume with the configuration the sweep started with");
  }
  std::printf("resuming: %zu journal events replayed%s, %zu job%s to restart\n",
              journal.events.size(), journal.torn_tail ? " (torn last record dropped)" : "",
              driver.restarts_pending(), driver.restarts_pending() == 1 ? "" : "s");
  return io::JournalWriter(path, journal.valid_bytes);
}

// A worker could not write a checkpoint (a full disk): everything reported is
// in the journal; the archive is written if the disk lets it. One line says
// what failed and how to go on.
int end_on_storage_failure(const std::string& failure, core::SweepRecord& record,
                           double wall_seconds, const SweepOptions& options, bool workers_busy) {
  record.metadata.wall_seconds = wall_seconds;
  try {
    io::write_archive(options.archive_path, record);
  } catch (const core::InputError&) {
    // The journal holds it all; the resume rewrites the archive.
  }
  std::fprintf(stderr, "rungs-sweep: error: %s; the sweep stopped with everything reported saved "
               "in its journal: rungs-sweep --resume %s continues it\n",
               failure.c_str(), options.archive_path.c_str());
  std::fflush(nullptr);
  if (workers_busy) std::_Exit(kExitStorageFailed);
  return kExitStorageFailed;
}

}  // namespace

// Runs the whole sweep from the coordinator's side, whatever the transport.
int coordinate(const SweepSetup& s, const SweepOptions& options, Transport& transport,
               const std::vector<core::WorkerInfo>& workers, int mpi_size,
               const AbandonWorkers& abandon) {
  core::SweepRecord record = new_record(s, options, mpi_size, workers);
  if (s.mode == StartMode::kResume) {
    // The sweep's birth, not this run's.
    record.metadata.created = s.claim.archived->metadata.created;
  } else {
    clear_previous_run(s, options.archive_path);
  }
  // Only now, with every check passed on every rank: a failed start leaves
  // no folder behind.
  fs::create_directories(s.checkpoint_dir);
  remove_temporary_files(options.archive_path, s.checkpoint_dir);
  core::SteadyClock wall;
  core::ResumableClock clock(wall);
  const auto sampler = core::make_sampler(s.spec);
  const auto scheduler = core::make_scheduler(
      s.spec, *sampler, clock, [&record](const core::Decision& d) { record.decisions.push_back(d); });
  core::SweepDriver driver(*scheduler, record, clock, workers, s.spec.retries);
  // A command's program saves when it likes: a vanished job restarts from
  // its own start, where the previous job's checkpoint is.
  driver.set_checkpoint_every(s.spec.model.is_command() ? 0 : s.spec.checkpoint.every);
  // A fresh sweep claims its path with an archive before its journal exists,
  // so a journal always has an archive beside it; a resumed one rewrites its
  // archive only once the journal's events are replayed into the record.
  if (s.mode == StartMode::kFresh) io::write_archive(options.archive_path, record);
  io::JournalWriter journal = open_journal(s, options.archive_path, driver, clock);
  clock.go_live();
  driver.set_event_sink([&journal](const core::SweepEvent& e) { journal.append(e); });
  driver.begin_session();
  journal.sync();
  if (s.mode == StartMode::kResume) io::write_archive(options.archive_path, record);

  std::printf("sweep %s: %d worker%s on %s (%s), %d thread%s each, %s, archive %s\n",
              s.spec.name.c_str(), transport.workers(), transport.workers() == 1 ? "" : "s",
              core::describe_nodes(record.metadata).c_str(), record.metadata.devices.c_str(),
              s.threads, s.threads == 1 ? "" : "s", record.metadata.scheduler.c_str(),
              options.archive_path.c_str());
  std::fflush(stdout);

  CoordinatorOptions co;
  co.archive_path = options.archive_path;
  co.checkpoint_dir = s.checkpoint_dir;
  co.stop_signal = &g_stop_signal;
  Coordinator coordinator(s.spec, record, driver, clock, journal, transport, co);
  const CoordinatorEnd end = coordinator.run();
  const double wall_seconds = driver.elapsed();
  // Workers given up on may hang: everything is written, then the process
  // ends without waiting for them.
  const auto done = [&](int code) {
    if (const std::size_t lost = coordinator.lost_workers(); lost > 0) {
      std::printf("%zu worker%s given up on as quiet; ending without waiting for %s\n", lost,
                  lost == 1 ? " was" : "s were", lost == 1 ? "it" : "them");
      std::fflush(nullptr);
      abandon(code);
    }
    return code;
  };
  if (!coordinator.storage_failure().empty()) {
    return end_on_storage_failure(coordinator.storage_failure(), record, wall_seconds, options,
                                  end == CoordinatorEnd::kDrainTimedOut);
  }
  if (end == CoordinatorEnd::kFinished) {
    driver.conclude(wall_seconds);
    remove_stale_checkpoints(record, s);
  } else {
    record.metadata.wall_seconds = wall_seconds;
  }
  io::write_archive(options.archive_path, record);
  std::printf("%s\n", core::progress_line(record, wall_seconds).c_str());
  const io::JournalStats& js = journal.stats();
  std::printf("journal: %llu events, %llu fsyncs, %.3f s in write+fsync (%.1f us per event)\n",
              static_cast<unsigned long long>(js.records), static_cast<unsigned long long>(js.syncs),
              js.sync_seconds, js.records ? 1e6 * js.sync_seconds / static_cast<double>(js.records) : 0.0);
  std::printf("coordinator thread: %.2f s CPU over %.1f s (%.2f%% of a core)\n",
              coordinator.cpu_seconds(), wall_seconds,
              wall_seconds > 0 ? 100.0 * coordinator.cpu_seconds() / wall_seconds : 0.0);
  if (end == CoordinatorEnd::kFinished && record.metadata.state == "at_limit") {
    std::printf("sweep %s stopped at %s: %zu trials, %zu curve rows, archive %s. To continue, "
                "raise it: rungs-sweep --resume %s --set %s=...\n",
                s.spec.name.c_str(), record.metadata.limit.c_str(), record.trials.size(),
                record.curves.size(), options.archive_path.c_str(), options.archive_path.c_str(),
                record.metadata.limit.c_str());
    std::fflush(stdout);
    return done(kExitFinished);
  }
  if (end == CoordinatorEnd::kFinished) {
    std::printf("sweep %s finished: %zu trials, %zu curve rows, archive %s\n", s.spec.name.c_str(),
                record.trials.size(), record.curves.size(), options.archive_path.c_str());
    std::fflush(stdout);
    return done(kExitFinished);
  }
  std::printf("sweep %s stopped%s; everything is saved. To continue: rungs-sweep --resume %s\n",
              s.spec.name.c_str(),
              end == CoordinatorEnd::kDrainTimedOut ? " (some workers were still mid-step)" : "",
              options.archive_path.c_str());
  std::fflush(stdout);
  if (end == CoordinatorEnd::kDrainTimedOut) {
    // Workers still busy would keep MPI_Finalize or the thread joins waiting.
    std::fflush(nullptr);
    std::_Exit(kExitStoppedResumable);
  }
  return done(kExitStoppedResumable);
}

namespace {

}  // namespace

void report_already_finished(const SweepOptions& options, const std::string& name) {
  std::printf("sweep %s in %s is already finished; nothing to do (pass --overwrite to run it "
              "again, or choose another --archive path)\n",
              name.c_str(), options.archive_path.c_str());
  std::fflush(stdout);
}

namespace {


}  // namespace

// The in-process driver: one process, `n` worker threads, no MPI.
int run_in_process(const SweepOptions& options, const TrialRunners& runners) {
  const int n = options.local_workers;
  ArchiveClaim claim = claim_archive(options);
  const std::string stored_config =
      options.resume ? claim.archived->metadata.config_yaml : std::string();
  const SweepSetup setup = set_up(options, stored_config, std::move(claim), n, true);
  if (setup.mode == StartMode::kAlreadyFinished) {
    report_already_finished(options, setup.spec.name);
    return kExitFinished;
  }
  if (const std::string w = runners.warning(setup.spec); !w.empty()) {
    std::fprintf(stderr, "rungs-sweep: warning: %s\n", w.c_str());
    std::fflush(stderr);
  }
  std::vector<std::unique_ptr<TrialRunner>> worker_runners;
  std::vector<core::WorkerInfo> workers;
  for (int i = 0; i < n; ++i) {
    worker_runners.push_back(runners.make(setup, i));
    workers.push_back({io::host_name(), describe_device(worker_runners.back()->device()),
                       driver_gpu_count()});
  }
  EnvelopeQueue inbox;
  std::vector<std::unique_ptr<EnvelopeQueue>> mailboxes;
  std::vector<std::unique_ptr<LocalWorkerLink>> links;
  for (int i = 0; i < n; ++i) {
    mailboxes.push_back(std::make_unique<EnvelopeQueue>());
    links.push_back(std::make_unique<LocalWorkerLink>(inbox, *mailboxes.back(), i));
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] { run_worker(*links[i], *worker_runners[i]); });
  }
  ThreadTransport transport(inbox, mailboxes);
  int code = kExitFinished;
  try {
    code = coordinate(setup, options, transport, workers, 1, [](int exit_code) {
      std::fflush(nullptr);
      std::_Exit(exit_code);  // a hung worker thread would keep the joins waiting
    });
  } catch (...) {
    for (auto& m : mailboxes) m->push(Envelope{0, Tag::kShutdown, {}});
    for (auto& t : threads) t.join();
    throw;
  }
  for (auto& t : threads) t.join();
  return code;
}

namespace {


}  // namespace
}  // namespace rungs::run
