#include "rungs/mpi/worker.hpp"

#include <mpi.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "rungs/mpi/mpi_session.hpp"

namespace rungs::mpi {

void run_worker(WorkerLink& link, train::TrialRunner& runner) {
  link.send(Tag::kReady, {});
  while (auto job = link.wait_for_job()) {
    JobEndMessage end{job->trial, true, ""};
    try {
      runner.run(*job, [&](const train::StepMetrics& m) {
        link.send(Tag::kStep, encode(StepMessage{job->trial, m}));
      });
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

void EnvelopeQueue::push(Envelope e) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    items_.push_back(std::move(e));
  }
  ready_.notify_one();
}

std::deque<Envelope> EnvelopeQueue::drain() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::deque<Envelope> out;
  out.swap(items_);
  return out;
}

void EnvelopeQueue::wait_for(std::chrono::microseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait_for(lock, timeout, [this] { return !items_.empty(); });
}

Envelope EnvelopeQueue::pop() {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [this] { return !items_.empty(); });
  Envelope e = std::move(items_.front());
  items_.pop_front();
  return e;
}

void LocalWorkerLink::send(Tag tag, const Bytes& payload) {
  inbox_.push(Envelope{0, tag, payload});
}

std::optional<core::Job> LocalWorkerLink::wait_for_job() {
  Envelope e = mailbox_.pop();
  if (e.tag == Tag::kShutdown) return std::nullopt;
  return decode_job(e.payload);
}

void MpiWorkerLink::send(Tag tag, const Bytes& payload) {
  check_mpi(MPI_Send(payload.data(), static_cast<int>(payload.size()), MPI_BYTE, 0,
                     static_cast<int>(tag), MPI_COMM_WORLD),
            "MPI_Send to rank 0");
}

std::optional<core::Job> MpiWorkerLink::wait_for_job() {
  auto pause = std::chrono::microseconds(200);
  MPI_Status status;
  for (;;) {
    int arrived = 0;
    check_mpi(MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
    if (arrived) break;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(20000));
  }
  int count = 0;
  check_mpi(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
  Bytes payload(static_cast<std::size_t>(count));
  check_mpi(MPI_Recv(payload.data(), count, MPI_BYTE, 0, status.MPI_TAG, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE),
            "MPI_Recv from rank 0");
  if (status.MPI_TAG == static_cast<int>(Tag::kShutdown)) return std::nullopt;
  if (status.MPI_TAG != static_cast<int>(Tag::kJob)) {
    throw std::runtime_error("worker: unexpected message tag " + std::to_string(status.MPI_TAG));
  }
  return decode_job(payload);
}

}  // namespace rungs::mpi
