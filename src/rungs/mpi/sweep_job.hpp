#pragma once
// One MPI job = one sweep. run_sweep is what `rungs-sweep` calls after
// parsing its arguments: every rank loads the config and the data set, rank
// 0 runs the coordinator and a worker thread, the other ranks run workers,
// and rank 0 writes the archive. With local_workers > 0 the same coordinator
// drives worker threads of this one process instead, without MPI.
#include <string>
#include <vector>

#include "rungs/run/sweep_session.hpp"

namespace rungs::mpi {

using run::SweepOptions;
using run::kExitBadInput;
using run::kExitFinished;
using run::kExitStorageFailed;
using run::kExitStoppedResumable;

// Returns the process exit code: kExitFinished when the sweep finished (or
// had finished before), kExitBadInput on bad input (already reported on
// stderr, once), kExitStoppedResumable after a graceful stop.
int run_sweep(int& argc, char**& argv, const SweepOptions& options);

}  // namespace rungs::mpi
