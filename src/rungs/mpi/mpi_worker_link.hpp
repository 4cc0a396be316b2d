#pragma once
// A worker's link to rank 0 in an MPI job (run/worker.hpp's protocol).
#include <optional>

#include "rungs/run/worker.hpp"

namespace rungs::mpi {

using run::Bytes;
using run::Tag;

// Ranks 1..N-1: MPI point-to-point with rank 0. Waiting polls with a short,
// growing sleep because Open MPI's blocking receive spins a core at 100%.
class MpiWorkerLink : public run::WorkerLink {
 public:
  void send(Tag tag, const Bytes& payload) override;
  std::optional<core::Job> wait_for_job() override;
  bool stop_requested(core::TrialId trial) override;
  bool wait_for_verdict(core::TrialId trial) override;
  bool drain_requested() override;

 private:
  bool draining_ = false;
};

}  // namespace rungs::mpi
