#pragma once
// The coordinator: owns the scheduler (through the SweepDriver). It gathers
// events from the workers through a Transport (MPI messages and rank 0's own
// worker thread, or the threads of the in-process driver), feeds them to the
// SweepDriver, sends the jobs it hands out and the stops it decides, prints
// progress and rewrites the archive at intervals.
//
// Waiting is funneled: collect (MPI_Iprobe under MPI), then a timed wait on
// the local queue's condition variable that a local event cuts short. The wait grows from 0.2 ms to 20 ms
// while nothing happens, so an idle coordinator wakes at most ~50 times a
// second (well under 1% of a core) and a busy one never sleeps.
#include <string>
#include <vector>

#include "rungs/core/clock.hpp"
#include "rungs/core/sweep_driver.hpp"
#include "rungs/core/sweep_spec.hpp"
#include "rungs/mpi/transport.hpp"

namespace rungs::mpi {

class Coordinator {
 public:
  Coordinator(const core::SweepSpec& spec, core::SweepRecord& record, core::SweepDriver& driver,
              const core::Clock& clock, std::string archive_path, Transport& transport);
  // Runs until the scheduler is finished and every worker was told to stop.
  void run();
  // CPU seconds the coordinator thread used during run().
  double cpu_seconds() const { return cpu_seconds_; }

 private:
  void handle(const Envelope& e);
  void shut_down_workers();
  void periodic();

  const core::SweepSpec& spec_;
  core::SweepRecord& record_;
  core::SweepDriver& driver_;
  const core::Clock& clock_;
  std::string archive_path_;
  Transport& transport_;
  std::vector<bool> greeted_;  // has each worker said kReady yet?
  double last_progress_ = 0.0;
  double last_archive_ = 0.0;
  double cpu_seconds_ = 0.0;
};

}  // namespace rungs::mpi
