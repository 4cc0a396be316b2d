#pragma once
// One MPI job = one sweep. run_sweep is what `rungs-sweep` calls after
// parsing its arguments: every rank loads the config and the data set, rank
// 0 runs the coordinator and a worker thread, the other ranks run workers,
// and rank 0 writes the archive.
#include <string>
#include <vector>

namespace rungs::mpi {

struct SweepOptions {
  std::string config_path;
  std::string archive_path;
  std::vector<std::string> overrides;  // --set key=value
  bool overwrite = false;              // replace an archive of the same sweep
  std::string command_line;            // recorded in the archive
};

// Returns the process exit code: 0 when the sweep finished, 1 on bad input
// (already reported on stderr, once).
int run_sweep(int& argc, char**& argv, const SweepOptions& options);

}  // namespace rungs::mpi
