#pragma once
// The worker side of the protocol in wire.hpp: ask for work, train, report
// every step, say when the job ended, repeat until shut down. A trial's
// failure is data sent to rank 0, never an exception that ends the loop.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "rungs/mpi/wire.hpp"
#include "rungs/train/trial_runner.hpp"

namespace rungs::mpi {

class WorkerLink {
 public:
  virtual ~WorkerLink() = default;
  virtual void send(Tag tag, const Bytes& payload) = 0;
  // Blocks (without spinning) until rank 0 answers: a job, or nullopt for shutdown.
  virtual std::optional<core::Job> wait_for_job() = 0;
};

void run_worker(WorkerLink& link, train::TrialRunner& runner);

// A message with the rank it came from or goes to.
struct Envelope {
  int rank = 0;
  Tag tag = Tag::kReady;
  Bytes payload;
};

// A mutex-and-condition-variable queue: how rank 0's worker thread and its
// coordinator thread talk without MPI.
class EnvelopeQueue {
 public:
  void push(Envelope e);
  // Everything queued now, without waiting.
  std::deque<Envelope> drain();
  // Waits up to `timeout` for something to arrive.
  void wait_for(std::chrono::microseconds timeout);
  // Waits until something arrives, then pops it.
  Envelope pop();

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Envelope> items_;
};

// Rank 0's own worker: events go to the coordinator's inbox, jobs come from a mailbox.
class LocalWorkerLink : public WorkerLink {
 public:
  LocalWorkerLink(EnvelopeQueue& coordinator_inbox, EnvelopeQueue& mailbox)
      : inbox_(coordinator_inbox), mailbox_(mailbox) {}
  void send(Tag tag, const Bytes& payload) override;
  std::optional<core::Job> wait_for_job() override;

 private:
  EnvelopeQueue& inbox_;
  EnvelopeQueue& mailbox_;
};

// Ranks 1..N-1: MPI point-to-point with rank 0. Waiting polls with a short,
// growing sleep because Open MPI's blocking receive spins a core at 100%.
class MpiWorkerLink : public WorkerLink {
 public:
  void send(Tag tag, const Bytes& payload) override;
  std::optional<core::Job> wait_for_job() override;
};

}  // namespace rungs::mpi
