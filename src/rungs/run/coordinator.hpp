#pragma once
// The coordinator: owns the scheduler (through the SweepDriver). It gathers
// events from the workers through a Transport (MPI messages and rank 0's own
// worker thread, or the threads of the in-process driver), feeds them to the
// SweepDriver, journals them, sends the jobs and verdicts it decides, prints
// progress and rewrites the archive at intervals.
//
// One loop iteration: collect what arrived, handle it, hand out jobs, fsync
// the journal once, and only then send anything. So nothing is acted on
// (a job given out, a trial stopped) before the events that led to it are on
// disk, and a crash loses at most events that nobody has acted on yet.
//
// Waiting is funneled: collect (MPI_Iprobe under MPI), then a timed wait on
// the local queue's condition variable that a local event cuts short. The
// wait grows from 0.2 ms to 20 ms while nothing happens, so an idle
// coordinator wakes at most ~50 times a second (well under 1% of a core) and
// a busy one never sleeps.
//
// Graceful stop: when `stop_signal` becomes non-zero (SIGTERM, SIGUSR1), it
// hands out no more jobs and sends kDrain to every worker; each saves its
// trial's state at the end of the step it is on. When all jobs have ended,
// or after `drain_timeout` seconds, run() returns. A worker that cannot write
// a checkpoint (kStorageFailed: a full disk) starts the same drain.
//
// Quiet workers: a StallInspector on the same clock watches every worker
// with a job. One that has sent nothing for limits.stall_warn of its
// trial's epochs is reported; after limits.stall_lost epochs it is given
// up on: its job runs again elsewhere from its last checkpoint, and nothing
// it sends afterwards is read. The caller then ends the process without
// waiting for it (lost_workers()).
#include <atomic>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "rungs/core/clock.hpp"
#include "rungs/core/stall_inspector.hpp"
#include "rungs/core/sweep_driver.hpp"
#include "rungs/core/sweep_spec.hpp"
#include "rungs/io/journal.hpp"
#include "rungs/run/transport.hpp"

namespace rungs::run {

enum class CoordinatorEnd { kFinished, kDrained, kDrainTimedOut };

struct CoordinatorOptions {
  std::string archive_path;
  std::string checkpoint_dir;
  const std::atomic<int>* stop_signal = nullptr;  // set by a signal handler
  double drain_timeout = 8.0;
};

class Coordinator {
 public:
  Coordinator(const core::SweepSpec& spec, core::SweepRecord& record, core::SweepDriver& driver,
              const core::Clock& clock, io::JournalWriter& journal, Transport& transport,
              CoordinatorOptions options);
  // Runs until the sweep is finished or drained, and every worker was told to stop.
  CoordinatorEnd run();
  // CPU seconds the coordinator thread used during run().
  double cpu_seconds() const { return cpu_seconds_; }
  // Non-empty when a worker could not write a checkpoint (a full disk): the
  // run drained as after a stop signal, and the sweep must end with an error.
  const std::string& storage_failure() const { return storage_failure_; }
  // Workers given up on (quiet too long): they may be hung, so the process
  // must not wait for them (thread joins, MPI_Finalize).
  std::size_t lost_workers() const { return driver_.lost_workers(); }

 private:
  struct Outgoing {
    int worker;
    Tag tag;
    Bytes payload;
  };

  void handle(const Envelope& e);
  void send_later(int worker, Tag tag, Bytes payload);
  void commit();  // journal fsync, then the messages and checkpoint clean-up it allows
  void note_checkpoint(core::TrialId trial, std::int64_t step);
  void start_drain(const std::string& why);
  void shut_down_workers();
  void periodic();
  void inspect_stalls();

  const core::SweepSpec& spec_;
  core::SweepRecord& record_;
  core::SweepDriver& driver_;
  const core::Clock& clock_;
  io::JournalWriter& journal_;
  Transport& transport_;
  CoordinatorOptions options_;
  std::vector<bool> greeted_;  // has each worker said kReady yet?
  std::vector<Outgoing> outbox_;
  std::vector<core::TrialId> jobs_ended_;  // whose older checkpoints may go after the sync
  // Per running trial, the epoch of its latest checkpoint the journal knows
  // of; a newer checkpointed step supersedes it (deleted after the sync).
  std::map<std::int64_t, std::int64_t> checkpoint_epoch_;
  std::vector<std::pair<core::TrialId, std::int64_t>> superseded_;
  std::string storage_failure_;
  core::StallInspector stalls_;
  std::vector<bool> lost_;  // by worker: given up on, its messages ignored
  double last_progress_ = 0.0;
  double last_archive_ = 0.0;
  double drain_deadline_ = 0.0;
  double cpu_seconds_ = 0.0;
};

}  // namespace rungs::run
