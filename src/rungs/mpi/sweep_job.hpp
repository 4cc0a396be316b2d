#pragma once
// One MPI job = one sweep. run_sweep is what `rungs-sweep` calls after
// parsing its arguments: every rank loads the config and the data set, rank
// 0 runs the coordinator and a worker thread, the other ranks run workers,
// and rank 0 writes the archive. With local_workers > 0 the same coordinator
// drives worker threads of this one process instead, without MPI.
#include <string>
#include <vector>

#include "rungs/core/sweep_spec.hpp"

namespace rungs::mpi {

struct SweepOptions {
  std::string config_path;
  std::string archive_path;
  std::vector<std::string> overrides;  // --set key=value
  bool overwrite = false;              // replace an archive of the same sweep
  std::string command_line;            // recorded in the archive
  // > 0: the in-process driver, this many worker threads in one process and
  // no MPI at all (one machine); 0: the MPI job.
  int local_workers = 0;
  // --resume ARCHIVE: continue the sweep in this archive, with the
  // configuration stored in it (config_path may then be empty).
  bool resume = false;
};

// Exit codes of rungs-sweep.
inline constexpr int kExitFinished = 0;
inline constexpr int kExitBadInput = 1;
// A graceful stop (SIGTERM, SIGUSR1) saved everything: run the same command
// again, or rungs-sweep --resume ARCHIVE, to continue. (EX_TEMPFAIL)
inline constexpr int kExitStoppedResumable = 75;
// The storage failed under a write (a full disk, a quota, an I/O error): the
// sweep stopped with what it could save; free space, then resume.
inline constexpr int kExitStorageFailed = 3;



// Returns the process exit code: kExitFinished when the sweep finished (or
// had finished before), kExitBadInput on bad input (already reported on
// stderr, once), kExitStoppedResumable after a graceful stop.
int run_sweep(int& argc, char**& argv, const SweepOptions& options);

}  // namespace rungs::mpi
