#include "rungs/mpi/worker.hpp"

#include <mpi.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "rungs/mpi/mpi_session.hpp"

namespace rungs::mpi {

void run_worker(WorkerLink& link, run::TrialRunner& runner) {
  link.send(Tag::kReady, {});
  while (auto job = link.wait_for_job()) {
    JobEndMessage end{job->trial, true, "", -1};
    try {
      const auto& decide = job->decision_steps;
      const auto on_step = [&](const core::CurvePoint& point) {
        const bool ask = std::find(decide.begin(), decide.end(), point.step) != decide.end();
        link.send(Tag::kStep, encode(StepMessage{point, ask}));
        const bool go_on = ask ? link.wait_for_verdict(job->trial) : !link.stop_requested(job->trial);
        if (!go_on) return run::StepAction::kStop;
        if (link.drain_requested()) return run::StepAction::kSuspend;
        return run::StepAction::kContinue;
      };
      const run::RunOutcome outcome =
          runner.run(*job, on_step, [&link] { return link.drain_requested(); });
      end.interrupted_at = outcome.suspended_at;
      if (!outcome.storage_failure.empty()) {
        link.send(Tag::kStorageFailed, encode_text(outcome.storage_failure));
      }
    } catch (const std::exception& e) {
      end.ok = false;
      end.error = e.what();
    } catch (...) {
      end.ok = false;
      end.error = "unknown exception";
    }
    link.send(Tag::kJobEnd, encode(end));
  }
}

void LocalWorkerLink::send(Tag tag, const Bytes& payload) {
  inbox_.push(Envelope{worker_, tag, payload});
}

std::optional<core::Job> LocalWorkerLink::wait_for_job() {
  for (;;) {
    Envelope e = mailbox_.pop();
    if (e.tag == Tag::kShutdown) return std::nullopt;
    if (e.tag == Tag::kJob) return decode_job(e.payload);
    if (e.tag == Tag::kDrain) draining_ = true;
    // A stop that arrived after its job ended: nothing to stop.
  }
}

bool LocalWorkerLink::wait_for_verdict(core::TrialId trial) {
  for (;;) {
    const Envelope e = mailbox_.pop();
    if (e.tag == Tag::kVerdict) {
      const VerdictMessage v = decode_verdict(e.payload);
      if (v.trial == trial) return !v.stop;
    } else if (e.tag == Tag::kStopTrial && decode_stop(e.payload) == trial) {
      return false;
    } else if (e.tag == Tag::kDrain) {
      draining_ = true;
    }
    // Anything else is stale: a verdict or stop for a job that already ended.
  }
}

bool LocalWorkerLink::drain_requested() {
  if (mailbox_.remove_if([](const Envelope& e) { return e.tag == Tag::kDrain; })) draining_ = true;
  return draining_;
}

bool LocalWorkerLink::stop_requested(core::TrialId trial) {
  bool stop = false;
  mailbox_.remove_if([&](const Envelope& e) {
    if (e.tag != Tag::kStopTrial) return false;
    stop = stop || decode_stop(e.payload) == trial;
    return true;
  });
  return stop;
}

void MpiWorkerLink::send(Tag tag, const Bytes& payload) {
  check_mpi(MPI_Send(payload.data(), static_cast<int>(payload.size()), MPI_BYTE, 0,
                     static_cast<int>(tag), MPI_COMM_WORLD),
            "MPI_Send to rank 0");
}

namespace {

// Receives the message `status` announced.
Bytes receive(const MPI_Status& status) {
  int count = 0;
  check_mpi(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
  Bytes payload(static_cast<std::size_t>(count));
  check_mpi(MPI_Recv(payload.data(), count, MPI_BYTE, 0, status.MPI_TAG, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE),
            "MPI_Recv from rank 0");
  return payload;
}

}  // namespace

std::optional<core::Job> MpiWorkerLink::wait_for_job() {
  auto pause = std::chrono::microseconds(200);
  for (;;) {
    int arrived = 0;
    MPI_Status status;
    check_mpi(MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
    if (!arrived) {
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(20000));
      continue;
    }
    const Bytes payload = receive(status);
    switch (static_cast<Tag>(status.MPI_TAG)) {
      case Tag::kShutdown: return std::nullopt;
      case Tag::kJob: return decode_job(payload);
      case Tag::kStopTrial:
      case Tag::kVerdict: break;  // for a job that already ended
      case Tag::kDrain: draining_ = true; break;
      default:
        throw std::runtime_error("worker: unexpected message tag " +
                                 std::to_string(status.MPI_TAG));
    }
  }
}

bool MpiWorkerLink::wait_for_verdict(core::TrialId trial) {
  // The verdict follows within a coordinator round trip: poll briefly first.
  auto pause = std::chrono::microseconds(20);
  for (;;) {
    int arrived = 0;
    MPI_Status status;
    check_mpi(MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
    if (!arrived) {
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(5000));
      continue;
    }
    const Bytes payload = receive(status);
    const auto tag = static_cast<Tag>(status.MPI_TAG);
    if (tag == Tag::kVerdict) {
      const VerdictMessage v = decode_verdict(payload);
      if (v.trial == trial) return !v.stop;
    } else if (tag == Tag::kStopTrial) {
      if (decode_stop(payload) == trial) return false;
    } else if (tag == Tag::kDrain) {
      draining_ = true;
    } else {
      throw std::runtime_error("worker: unexpected message tag " +
                               std::to_string(status.MPI_TAG) + " while waiting for a verdict");
    }
  }
}

bool MpiWorkerLink::drain_requested() {
  for (;;) {
    int arrived = 0;
    MPI_Status status;
    check_mpi(MPI_Iprobe(0, static_cast<int>(Tag::kDrain), MPI_COMM_WORLD, &arrived, &status),
              "MPI_Iprobe");
    if (!arrived) return draining_;
    receive(status);
    draining_ = true;
  }
}

bool MpiWorkerLink::stop_requested(core::TrialId trial) {
  bool stop = false;
  for (;;) {
    int arrived = 0;
    MPI_Status status;
    check_mpi(MPI_Iprobe(0, static_cast<int>(Tag::kStopTrial), MPI_COMM_WORLD, &arrived, &status),
              "MPI_Iprobe");
    if (!arrived) return stop;
    stop = stop || decode_stop(receive(status)) == trial;
  }
}

}  // namespace rungs::mpi
