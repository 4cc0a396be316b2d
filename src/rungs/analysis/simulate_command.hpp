#pragma once
// `rungs simulate`: a sweep's YAML run by core::simulate on virtual workers
// instead of MPI ranks, written as a normal experiment archive that `rungs
// summary`, h5py and pandas read like any other.
//
//   SimulateRequest q;
//   q.config_path = "configs/demo.yaml";
//   q.options.workers = 1000;
//   q.archive_path = "runs/sim.h5";
//   SimulateOutcome out = run_simulation(q);
//   std::cout << format_simulation_report(out.report, q.options.workers);
//
// The archive says it was simulated: hosts "simulated", devices "virtual",
// mpi_size = workers, times in virtual seconds, and the scheduler line names
// the curves, durations, objective and seed. With objective branin or
// hartmann6 the config's space is replaced by that function's domain (x1..x6).
#include <string>
#include <vector>

#include "rungs/core/simulator.hpp"
#include "rungs/core/sweep_record.hpp"

namespace rungs::analysis {

struct SimulateRequest {
  std::string config_path;
  std::vector<std::string> overrides;  // --set key=value
  core::SimulationOptions options;
  std::string archive_path;
  bool overwrite = false;
  std::string command_line;  // recorded in the archive
};

struct SimulateOutcome {
  core::SimulationReport report;
  core::SweepRecord record;
};

// Loads the config, claims the archive path (never replacing another sweep's
// archive, nor the same sweep's without `overwrite`), simulates and writes
// the archive. Bad input throws core::InputError before anything is written.
SimulateOutcome run_simulation(const SimulateRequest& request);

// A few lines: trials, reports, virtual makespan, busy fractions, real time.
std::string format_simulation_report(const core::SimulationReport& report, int workers);

}  // namespace rungs::analysis
