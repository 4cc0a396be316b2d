#pragma once
// Messages between rank 0 and the workers, as byte buffers (MPI_BYTE between
// ranks, mpi/; a queue within a process, envelope_queue.hpp); jobs and step
// reports in io/codec.hpp's encoding, the one the journal uses. The
// protocol, for each worker w:
//
//   1. w -> 0  kReady        w is idle and wants work (sent once at start).
//   2. 0 -> w  kJob          a Job: trial, rung, resources, params, seed.
//              or kShutdown  the sweep is over; w leaves its loop.
//   3. w -> 0  kStep         after every epoch: the step's report (trial, step,
//                            one value per declared metric, seconds). At the
//                            job's decision steps (Job::decision_steps: rung
//                            ends in stopping mode, every step for median
//                            stopping) the step asks for a verdict and w
//                            waits for it:
//      0 -> w  kVerdict      continue or stop, for that trial.
//   4. 0 -> w  kStopTrial    (any time during 3) the scheduler stopped the
//                            trial: w ends the job after the step it is on.
//                            A stop for a trial w no longer runs is ignored.
//   5. w -> 0  kJobEnd       the job ended (done, stopped, suspended, or with
//                            an error); w is idle again, so it also means
//                            "ready" (back to 2).
//
// Graceful stop: 0 -> w kDrain: w finishes the step it is on, saves the
// trial's state there and ends the job with kJobEnd(interrupted_at = step).
//
// Rank 0's own worker speaks the same protocol through an in-process queue.
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/core/scheduler.hpp"
#include "rungs/core/trial.hpp"

namespace rungs::run {

enum class Tag : int {
  kReady = 11,
  kJob = 12,
  kShutdown = 13,
  kStep = 14,
  kJobEnd = 15,
  kStopTrial = 16,
  kVerdict = 17,
  kDrain = 18,
  // worker -> coordinator: the storage failed under a write (a full disk):
  // the sweep must stop. Payload: the one-line error. The job's kJobEnd
  // follows, suspended at the last epoch whose state is on disk.
  kStorageFailed = 19,
};

using Bytes = std::vector<char>;

struct StepMessage {
  core::CurvePoint point;      // the step report; its `metric` is not sent
  bool wants_verdict = false;  // the worker waits for a kVerdict
};

struct VerdictMessage {
  core::TrialId trial;
  bool stop = false;
};

struct JobEndMessage {
  core::TrialId trial;
  bool ok = true;
  std::string error;
  std::int64_t interrupted_at = -1;  // >= 0: suspended with its state saved at this epoch
};

Bytes encode(const core::Job& job);
Bytes encode(const StepMessage& step);
Bytes encode(const JobEndMessage& end);
Bytes encode_stop(core::TrialId trial);
Bytes encode(const VerdictMessage& verdict);
Bytes encode_text(const std::string& text);

// Decoders throw std::runtime_error on a malformed buffer.
core::Job decode_job(const Bytes& bytes);
StepMessage decode_step(const Bytes& bytes);
JobEndMessage decode_job_end(const Bytes& bytes);
core::TrialId decode_stop(const Bytes& bytes);
VerdictMessage decode_verdict(const Bytes& bytes);
std::string decode_text(const Bytes& bytes);

}  // namespace rungs::run
