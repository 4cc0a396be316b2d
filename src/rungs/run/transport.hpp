#pragma once
// How the coordinator reaches its workers. The coordination logic is written
// once (coordinator.hpp); a transport only moves envelopes. ThreadTransport
// serves the in-process driver, whose workers are threads of one process and
// which needs no MPI at all; mpi/mpi_transport.hpp serves the MPI job.
#include <chrono>
#include <deque>
#include <memory>
#include <vector>

#include "rungs/run/envelope_queue.hpp"

namespace rungs::run {

class Transport {
 public:
  virtual ~Transport() = default;
  virtual int workers() const = 0;
  // Everything that has arrived, without waiting.
  virtual std::deque<Envelope> collect() = 0;
  virtual void send(int worker, Tag tag, const Bytes& payload) = 0;
  // Sleeps up to `timeout`, less if a message may have arrived.
  virtual void wait(std::chrono::microseconds timeout) = 0;
};

class ThreadTransport : public Transport {
 public:
  // `mailboxes[i]` is worker i's; all workers push into `inbox`.
  ThreadTransport(EnvelopeQueue& inbox, std::vector<std::unique_ptr<EnvelopeQueue>>& mailboxes)
      : inbox_(inbox), mailboxes_(mailboxes) {}
  int workers() const override { return static_cast<int>(mailboxes_.size()); }
  std::deque<Envelope> collect() override { return inbox_.drain(); }
  void send(int worker, Tag tag, const Bytes& payload) override {
    mailboxes_[static_cast<std::size_t>(worker)]->push(Envelope{worker, tag, payload});
  }
  void wait(std::chrono::microseconds timeout) override { inbox_.wait_for(timeout); }

 private:
  EnvelopeQueue& inbox_;
  std::vector<std::unique_ptr<EnvelopeQueue>>& mailboxes_;
};

}  // namespace rungs::run
