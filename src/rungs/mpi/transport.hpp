#pragma once
// How the coordinator reaches its workers. The coordination logic is written
// once (coordinator.hpp); a transport only moves envelopes. MpiTransport
// serves the MPI job (rank 0's own worker through a queue, the other ranks
// through MPI); ThreadTransport serves the in-process driver, whose workers
// are threads of one process and which needs no MPI at all.
#include <chrono>
#include <deque>
#include <memory>
#include <vector>

#include "rungs/mpi/envelope_queue.hpp"

namespace rungs::mpi {

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

// Rank 0 of an MPI job: worker 0 is the local thread (queues), workers
// 1..size-1 are the other ranks (MPI point-to-point on MPI_COMM_WORLD).
class MpiTransport : public Transport {
 public:
  MpiTransport(EnvelopeQueue& inbox, EnvelopeQueue& local_mailbox, int mpi_size)
      : inbox_(inbox), local_mailbox_(local_mailbox), size_(mpi_size) {}
  int workers() const override { return size_; }
  std::deque<Envelope> collect() override;
  void send(int worker, Tag tag, const Bytes& payload) override;
  void wait(std::chrono::microseconds timeout) override { inbox_.wait_for(timeout); }

 private:
  EnvelopeQueue& inbox_;
  EnvelopeQueue& local_mailbox_;
  int size_;
};

}  // namespace rungs::mpi
