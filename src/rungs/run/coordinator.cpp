#include "rungs/run/coordinator.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include "rungs/core/duration.hpp"
#include "rungs/io/archive.hpp"
#include "rungs/run/checkpoint_files.hpp"

namespace rungs::run {
namespace {

double thread_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace

Coordinator::Coordinator(const core::SweepSpec& spec, core::SweepRecord& record,
                         core::SweepDriver& driver, const core::Clock& clock,
                         io::JournalWriter& journal, Transport& transport,
                         CoordinatorOptions options)
    : spec_(spec),
      record_(record),
      driver_(driver),
      clock_(clock),
      journal_(journal),
      transport_(transport),
      options_(std::move(options)),
      greeted_(static_cast<std::size_t>(transport.workers()), false),
      stalls_(spec.stall),
      lost_(static_cast<std::size_t>(transport.workers()), false),
      last_progress_(clock.now_seconds()),
      last_archive_(clock.now_seconds()) {}

void Coordinator::send_later(int worker, Tag tag, Bytes payload) {
  outbox_.push_back(Outgoing{worker, tag, std::move(payload)});
}

void Coordinator::handle(const Envelope& e) {
  const core::WorkerId w{e.rank};
  // A worker given up on may come back (a node that was only slow): its job
  // runs elsewhere now, so nothing it says counts.
  if (lost_[static_cast<std::size_t>(e.rank)]) return;
  stalls_.heard_from(w, clock_.now_seconds(), e.tag == Tag::kStep);
  if (e.tag == Tag::kJobEnd) stalls_.job_ended(w);
  switch (e.tag) {
    case Tag::kReady:
      greeted_[static_cast<std::size_t>(e.rank)] = true;
      driver_.worker_ready(w);
      break;
    case Tag::kStep: {
      const StepMessage s = decode_step(e.payload);
      const core::TrialId trial = s.point.trial;
      const std::int64_t step = s.point.step;
      const bool stop = driver_.step_reported(w, s.point) == core::Verdict::kStop;
      note_checkpoint(trial, step);
      if (s.wants_verdict) {
        send_later(e.rank, Tag::kVerdict, encode(VerdictMessage{trial, stop}));
      } else if (stop) {
        send_later(e.rank, Tag::kStopTrial, encode_stop(trial));
      }
      break;
    }
    case Tag::kStorageFailed:
      if (storage_failure_.empty()) {
        storage_failure_ = decode_text(e.payload);
        if (!driver_.draining()) start_drain("a checkpoint could not be written");
      }
      break;
    case Tag::kJobEnd: {
      const JobEndMessage end = decode_job_end(e.payload);
      if (!end.ok) {
        std::printf("trial %lld failed on worker %d: %s\n",
                    static_cast<long long>(end.trial.value), e.rank, end.error.c_str());
        std::fflush(stdout);
      }
      driver_.job_ended(w, end.trial, end.ok, end.error, end.interrupted_at);
      if (end.ok) jobs_ended_.push_back(end.trial);
      break;
    }
    default:
      throw std::runtime_error("coordinator: unexpected message tag " +
                               std::to_string(static_cast<int>(e.tag)) + " from worker " +
                               std::to_string(e.rank));
  }
}

void Coordinator::commit() {
  journal_.sync();
  for (const Outgoing& o : outbox_) transport_.send(o.worker, o.tag, o.payload);
  outbox_.clear();
  // The journal now knows where each of these trials is: the checkpoints
  // before its latest one will never be loaded again.
  for (core::TrialId t : jobs_ended_) {
    const core::TrialRecord* r = record_.find(t);
    if (r && r->status != core::TrialStatus::kRunning) {
      run::remove_checkpoints(options_.checkpoint_dir, t, r->resource);
    }
  }
  jobs_ended_.clear();
  for (const auto& [trial, epoch] : superseded_) {
    std::error_code ignored;
    std::filesystem::remove(run::checkpoint_path(options_.checkpoint_dir, trial, epoch), ignored);
  }
  superseded_.clear();
}

// A step at a checkpoint epoch (every checkpoint.every, and a job's end) had
// its checkpoint written before it was reported; once it is journaled, the
// trial's previous checkpoint can never be needed again.
void Coordinator::note_checkpoint(core::TrialId trial, std::int64_t step) {
  const std::int64_t every = spec_.checkpoint.every;
  auto known = checkpoint_epoch_.find(trial.value);
  if (known == checkpoint_epoch_.end() || step <= known->second) return;
  if (!(every > 0 && step % every == 0)) return;  // a job's end is handled when it ends
  if (known->second > 0) superseded_.emplace_back(trial, known->second);
  known->second = step;
}

void Coordinator::start_drain(const std::string& why) {
  driver_.drain();
  drain_deadline_ = clock_.now_seconds() + options_.drain_timeout;
  std::printf("stopping (%s): no new jobs; running trials save their state\n", why.c_str());
  std::fflush(stdout);
  for (int w = 0; w < transport_.workers(); ++w) send_later(w, Tag::kDrain, {});
}

void Coordinator::shut_down_workers() {
  // A worker that has not said kReady yet will; wait for it so that no
  // message is left unmatched at MPI_Finalize.
  auto pause = std::chrono::microseconds(200);
  while (std::find(greeted_.begin(), greeted_.end(), false) != greeted_.end()) {
    for (const Envelope& e : transport_.collect()) {
      if (e.tag == Tag::kReady) greeted_[static_cast<std::size_t>(e.rank)] = true;
    }
    transport_.wait(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(20000));
  }
  for (int w = 0; w < transport_.workers(); ++w) {
    if (!lost_[static_cast<std::size_t>(w)]) transport_.send(w, Tag::kShutdown, {});
  }
}

void Coordinator::inspect_stalls() {
  for (const core::StallFinding& f : stalls_.inspect(clock_.now_seconds())) {
    const std::string usual =
        f.expected_seconds > 0.0
            ? " (its trial's epochs take " + core::format_duration(f.expected_seconds) + ")"
            : " (no epoch of the sweep has ended yet)";
    if (!f.lost) {
      std::printf("worker %d has sent nothing for %s while training trial %lld%s; still waiting\n",
                  f.worker.value, core::format_duration(f.quiet_seconds).c_str(),
                  static_cast<long long>(f.trial.value), usual.c_str());
    } else {
      lost_[static_cast<std::size_t>(f.worker.value)] = true;
      greeted_[static_cast<std::size_t>(f.worker.value)] = true;  // never waited for
      driver_.lose_worker(f.worker);
      std::printf("worker %d lost: nothing for %s while training trial %lld%s; the trial runs "
                  "again on another worker from its last checkpoint, and worker %d gets no more "
                  "work\n",
                  f.worker.value, core::format_duration(f.quiet_seconds).c_str(),
                  static_cast<long long>(f.trial.value), usual.c_str(), f.worker.value);
    }
    std::fflush(stdout);
  }
}

void Coordinator::periodic() {
  const double now = clock_.now_seconds();
  if (now - last_progress_ >= spec_.output.progress_interval) {
    std::printf("%s\n", core::progress_line(record_, driver_.elapsed()).c_str());
    std::fflush(stdout);
    last_progress_ = now;
  }
  if (now - last_archive_ >= spec_.output.archive_interval) {
    record_.metadata.wall_seconds = driver_.elapsed();
    io::write_archive(options_.archive_path, record_);
    last_archive_ = now;
  }
}

CoordinatorEnd Coordinator::run() {
  const double cpu_start = thread_cpu_seconds();
  auto pause = std::chrono::microseconds(200);
  CoordinatorEnd end = CoordinatorEnd::kFinished;
  for (;;) {
    const std::deque<Envelope> events = transport_.collect();
    for (const Envelope& e : events) handle(e);
    if (options_.stop_signal && options_.stop_signal->load() != 0 && !driver_.draining()) {
      start_drain("signal " + std::to_string(options_.stop_signal->load()));
    }
    inspect_stalls();
    for (const auto& [worker, job] : driver_.assign()) {
      stalls_.job_started(worker, job.trial, clock_.now_seconds());
      checkpoint_epoch_[job.trial.value] = job.from_resource;
      send_later(worker.value, Tag::kJob, encode(job));
    }
    commit();
    if (driver_.finished()) break;
    if (driver_.draining() && driver_.quiet()) {
      end = CoordinatorEnd::kDrained;
      break;
    }
    if (driver_.draining() && clock_.now_seconds() > drain_deadline_) {
      end = CoordinatorEnd::kDrainTimedOut;
      break;
    }
    periodic();
    if (events.empty()) {
      transport_.wait(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(20000));
    } else {
      pause = std::chrono::microseconds(200);
    }
  }
  if (end != CoordinatorEnd::kDrainTimedOut) shut_down_workers();
  cpu_seconds_ = thread_cpu_seconds() - cpu_start;
  return end;
}

}  // namespace rungs::run
