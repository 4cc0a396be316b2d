#include "rungs/mpi/mpi_worker_link.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "rungs/mpi/mpi_session.hpp"

namespace rungs::mpi {

using run::decode_job;
using run::decode_stop;
using run::decode_verdict;
using run::VerdictMessage;

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
