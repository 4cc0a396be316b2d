#pragma once
// One sweep's life without MPI: what a start checks and claims (the archive,
// its lock, the configuration), the coordinator's whole run (record, journal,
// scheduler, archive rewrites), and the in-process driver, whose workers are
// threads of one process. mpi/sweep_job.hpp runs the same pieces as an MPI
// job. `rungs-sweep` calls mpi::run_sweep, which picks one of the two.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rungs/core/sweep_driver.hpp"
#include "rungs/core/sweep_record.hpp"
#include "rungs/core/sweep_spec.hpp"
#include "rungs/io/archive_lock.hpp"
#include "rungs/io/dataset.hpp"
#include "rungs/run/transport.hpp"
#include "rungs/run/trial_runner.hpp"

namespace rungs::run {

struct SweepOptions {
  std::string config_path;
  std::string archive_path;
  std::vector<std::string> overrides;  // --set key=value
  bool overwrite = false;              // replace an archive of the same sweep
  std::string command_line;            // recorded in the archive
  // > 0: the in-process driver, this many worker threads in one process and
  // no MPI at all (one machine); 0: the MPI job.
  int local_workers = 0;
  // --resume ARCHIVE: continue the sweep in this archive, with the
  // configuration stored in it (config_path may then be empty).
  bool resume = false;
};

// Exit codes of rungs-sweep.
inline constexpr int kExitFinished = 0;
inline constexpr int kExitBadInput = 1;
// A graceful stop (SIGTERM, SIGUSR1) saved everything: run the same command
// again, or rungs-sweep --resume ARCHIVE, to continue. (EX_TEMPFAIL)
inline constexpr int kExitStoppedResumable = 75;
// The storage failed under a write (a full disk, a quota, an I/O error): the
// sweep stopped with what it could save; free space, then resume.
inline constexpr int kExitStorageFailed = 3;

// How this run relates to what is already at the archive path.
enum class StartMode : int { kFresh = 0, kResume = 1, kAlreadyFinished = 2 };

// What the coordinator holds of the archive path before anything else: the
// lock (one writer per archive), and what the archive held, read once.
struct ArchiveClaim {
  std::optional<io::ArchiveLock> lock;
  std::optional<core::SweepRecord> archived;  // the archive's content, if there is one
  std::filesystem::path created_dir;  // the archive's folder, when this run created it

  ArchiveClaim() = default;
  ArchiveClaim(ArchiveClaim&& other) noexcept { *this = std::move(other); }
  ArchiveClaim& operator=(ArchiveClaim&& other) noexcept {
    lock = std::move(other.lock);
    other.lock.reset();
    archived = std::move(other.archived);
    created_dir = std::exchange(other.created_dir, std::filesystem::path());  // only one owner cleans up
    return *this;
  }
  // A start that fails leaves nothing behind: the lock file goes with the
  // lock, and a folder this run created goes if it is still empty.
  ~ArchiveClaim() {
    lock.reset();
    std::error_code ignored;
    if (!created_dir.empty() && std::filesystem::is_empty(created_dir, ignored)) {
      std::filesystem::remove(created_dir, ignored);
    }
  }
};

// What a process needs before any training: the spec, where checkpoints go,
// and the data set, read once and shared by the process's runners.
struct SweepSetup {
  core::SweepSpec spec;
  std::string config_source;  // what errors about the configuration name
  std::string checkpoint_dir;
  std::string log_dir;  // command trials' output
  io::Dataset data;
  int threads = 1;
  StartMode mode = StartMode::kFresh;
  ArchiveClaim claim;  // the coordinator's; empty elsewhere
};

// SIGTERM, SIGUSR1 and SIGINT become a graceful stop: the coordinator polls
// the flag they set. Installed once, before any thread starts.
void install_stop_handlers();

// Locks the archive path and reads what is there. For --resume the archive
// must exist (its stored configuration is the sweep's) and be of this schema.
ArchiveClaim claim_archive(const SweepOptions& options);

// Everything a start needs, validated before anything is written. For
// --resume, `stored_config` is the configuration the archive holds (read
// once, by the coordinator). The coordinator passes its claim on the path.
// The data set is read here when `read_data` (built-in models only); an MPI
// job reads it once per node afterwards, a collective every rank must reach.
SweepSetup set_up(const SweepOptions& options, const std::string& stored_config,
                  std::optional<ArchiveClaim> claim, int workers_on_node, bool read_data);

// The model must be able to read the data set (a cnn needs images, an rnn
// sequences), checked on every rank before any training. A command reads
// its own data.
void check_model_fits_data(const core::SweepSpec& spec, const io::Dataset& data);

// A command trial's runner (model.kind: command), its program checked now.
std::unique_ptr<TrialRunner> make_command_runner(const SweepSetup& s, int local_index);

// Ends the process with an exit code without waiting for workers that may
// hang (given up on as quiet): MPI_Abort in an MPI job, _Exit in one process.
using AbandonWorkers = std::function<void(int exit_code)>;

// Runs the whole sweep from the coordinator's side, whatever the transport;
// returns the exit code (or calls `abandon` with it, after writing
// everything, when workers were given up on).
int coordinate(const SweepSetup& s, const SweepOptions& options, Transport& transport,
               const std::vector<core::WorkerInfo>& workers, int mpi_size,
               const AbandonWorkers& abandon);

void report_already_finished(const SweepOptions& options, const std::string& name);

// What trains: the layer above (with or without LibTorch) supplies it.
struct TrialRunners {
  // A worker's runner; local_index picks its GPU among the node's.
  std::function<std::unique_ptr<TrialRunner>(const SweepSetup&, int local_index)> make;
  // A line to warn with before training ("" for none).
  std::function<std::string(const core::SweepSpec&)> warning;
};

// The in-process driver: options.local_workers threads, no MPI. Returns the
// exit code; InputError and StorageError reach the caller.
int run_in_process(const SweepOptions& options, const TrialRunners& runners);

}  // namespace rungs::run
