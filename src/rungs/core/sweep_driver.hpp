#pragma once
// The transport-free heart of a sweep's coordinator: turns worker events
// (ready, step reported, job ended) into scheduler calls and record updates,
// says which idle worker gets which job, and tells the journal every event.
// The MPI coordinator and the in-process driver feed it from messages, the
// simulator from its event queue, tests by hand.
//
// Replaying a journal through replay() rebuilds the record and the
// scheduler's state (the core is deterministic), and requeues the jobs that
// were in flight when the sweep stopped: they restart from their last
// checkpoint on the next free worker.
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "rungs/core/clock.hpp"
#include "rungs/core/scheduler.hpp"
#include "rungs/core/sweep_record.hpp"

namespace rungs::core {

struct SweepEvent;

struct WorkerInfo {
  std::string host;
  std::string device;
  // GPUs the worker's node shows (for the archive's node table; not
  // journaled: each run of a sweep describes its own nodes).
  int node_gpus = 0;
};

class SweepDriver {
 public:
  // `workers[i]` describes worker (rank) i. Sweep time is `clock`'s time
  // minus its time at construction. A failed job is run again up to
  // `retries` times before its trial counts as failed. The record's
  // metadata names the metrics every step reports and the objective among
  // them (std::invalid_argument if it does not).
  SweepDriver(Scheduler& scheduler, SweepRecord& record, const Clock& clock,
              std::vector<WorkerInfo> workers, int retries = 0);

  // Workers checkpoint a trial at every epoch that is a multiple of `every`
  // (and at each job's end); 0: only at each job's end. A job whose worker
  // vanished restarts from the latest such epoch the record has a step for,
  // not from the job's start.
  void set_checkpoint_every(std::int64_t every) { checkpoint_every_ = every; }

  // Every event from now on also goes to `sink` (the journal).
  void set_event_sink(std::function<void(const SweepEvent&)> sink) { sink_ = std::move(sink); }
  // Rebuilds state from journaled events, setting `clock` to each event's
  // time. Throws std::runtime_error if the scheduler decides differently
  // from the journal (a changed configuration).
  void replay(const std::vector<SweepEvent>& events, ResumableClock& clock);
  // A run of the sweep begins with these workers (journaled).
  void begin_session();

  void worker_ready(WorkerId w);
  // A step of the job `w` runs. The step's objective is taken from its
  // values (std::runtime_error unless it has one per declared metric:
  // runners check what they report). kStop means: tell the worker to stop this
  // trial now (it may already have been told; say it again, it is harmless).
  Verdict step_reported(WorkerId w, CurvePoint point);
  // The job of `w` ended: normally (ok), with `error`, or interrupted by a
  // graceful stop with its state saved at epoch `interrupted_at` (>= 0).
  // Either way `w` is free again.
  void job_ended(WorkerId w, TrialId trial, bool ok, const std::string& error,
                 std::int64_t interrupted_at = -1);

  // `w` went quiet (the stall inspector gave up on it): its open job ends as
  // interrupted at the latest epoch whose state is on disk (journaled as a
  // graceful stop's is, so a resume agrees) and runs again on another
  // worker; `w` gets no more work in this session, whatever it sends later.
  void lose_worker(WorkerId w);
  std::size_t lost_workers() const { return lost_.size(); }

  // Jobs for idle workers: restarts first, then as many as the scheduler gives.
  std::vector<std::pair<WorkerId, Job>> assign();
  // Hand out no more jobs (graceful stop); jobs in flight may still end.
  void drain() { draining_ = true; }
  bool draining() const { return draining_; }
  // No job in flight (all workers idle).
  bool quiet() const { return inflight_.empty(); }
  bool finished() const { return requeued_.empty() && inflight_.empty() && scheduler_.finished(); }
  double elapsed() const { return clock_.now_seconds() - start_; }
  // Once finished(): records how the sweep ended. At a limit (the scheduler
  // says which) it stays resumable with its paused trials; otherwise it is
  // finished and paused trials are stopped, with the reason.
  void conclude(double wall_seconds);
  std::size_t idle_workers() const { return idle_.size(); }
  std::size_t restarts_pending() const { return requeued_.size(); }

 private:
  struct InFlight {
    Job job;
    WorkerId worker;
    bool open = true;  // false once the scheduler has ended the job (pause, complete, stop)
  };

  Verdict process_step(WorkerId w, CurvePoint& point);
  void end_job(WorkerId w, TrialId trial, bool ok, const std::string& error,
               std::int64_t interrupted_at);
  void start_job(WorkerId w, const Job& job);
  void requeue_open_jobs();
  // Where `job` can go on after its worker vanished: its latest checkpoint
  // epoch the record has a step for, else its start.
  std::int64_t restart_point(const Job& job) const;
  void emit(const SweepEvent& e) const;
  WorkerInfo info_of(WorkerId w) const;

  Scheduler& scheduler_;
  SweepRecord& record_;
  const Clock& clock_;
  double start_;
  std::vector<WorkerInfo> workers_;
  int retries_;
  std::size_t objective_index_;  // the objective's position among a step's values
  std::int64_t checkpoint_every_ = 0;
  std::function<void(const SweepEvent&)> sink_;
  std::deque<WorkerId> idle_;
  // By worker: a trial's next job (a promotion) may start on another worker
  // before its last job's end has arrived.
  std::map<int, InFlight> inflight_;
  std::deque<Job> requeued_;                       // jobs to restart
  std::map<std::int64_t, int> failures_;           // failed attempts per trial
  std::map<std::int64_t, std::int64_t> reported_;  // last step recorded per trial
  std::set<int> lost_;                             // workers given up on
  bool draining_ = false;
};

}  // namespace rungs::core
