#pragma once
// The coordinator's transport in an MPI job (run/transport.hpp): rank 0's own
// worker through a queue, the other ranks through MPI point-to-point.
#include <chrono>
#include <deque>

#include "rungs/run/envelope_queue.hpp"
#include "rungs/run/transport.hpp"

namespace rungs::mpi {

using run::Bytes;
using run::Envelope;
using run::EnvelopeQueue;
using run::Tag;

// Rank 0 of an MPI job: worker 0 is the local thread (queues), workers
// 1..size-1 are the other ranks (MPI point-to-point on MPI_COMM_WORLD).
class MpiTransport : public run::Transport {
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
