#pragma once
// The worker side of the protocol in wire.hpp: ask for work, train, report
// every step, say when the job ended, repeat until shut down. A trial's
// failure is data sent to rank 0, never an exception that ends the loop.
#include <optional>

#include "rungs/run/envelope_queue.hpp"
#include "rungs/run/wire.hpp"
#include "rungs/run/trial_runner.hpp"

namespace rungs::run {

class WorkerLink {
 public:
  virtual ~WorkerLink() = default;
  virtual void send(Tag tag, const Bytes& payload) = 0;
  // Blocks (without spinning) until rank 0 answers: a job, or nullopt for shutdown.
  virtual std::optional<core::Job> wait_for_job() = 0;
  // Without blocking: has rank 0 stopped `trial`? Stale stops are discarded.
  virtual bool stop_requested(core::TrialId trial) = 0;
  // Blocks until rank 0's verdict on `trial`'s last step: true = continue.
  virtual bool wait_for_verdict(core::TrialId trial) = 0;
  // Without blocking: has rank 0 asked for a graceful stop? Sticky.
  virtual bool drain_requested() = 0;
};

void run_worker(WorkerLink& link, TrialRunner& runner);

// A worker in a thread of the coordinator's process (rank 0's own worker, or
// every worker of the in-process driver): events go to the coordinator's
// inbox, jobs come from the worker's mailbox.
class LocalWorkerLink : public WorkerLink {
 public:
  // `worker` is the id the coordinator knows this worker by.
  LocalWorkerLink(EnvelopeQueue& coordinator_inbox, EnvelopeQueue& mailbox, int worker = 0)
      : inbox_(coordinator_inbox), mailbox_(mailbox), worker_(worker) {}
  void send(Tag tag, const Bytes& payload) override;
  std::optional<core::Job> wait_for_job() override;
  bool stop_requested(core::TrialId trial) override;
  bool wait_for_verdict(core::TrialId trial) override;
  bool drain_requested() override;

 private:
  EnvelopeQueue& inbox_;
  EnvelopeQueue& mailbox_;
  int worker_;
  bool draining_ = false;
};

}  // namespace rungs::run
