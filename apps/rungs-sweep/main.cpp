// rungs-sweep: the MPI job. Parses arguments and hands over to rungs::mpi.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "rungs/io/sweep_config.hpp"
#include "rungs/mpi/sweep_job.hpp"
#include "rungs/version.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* kAbout =
    "rungs-sweep: run one hyperparameter sweep as one MPI job.\n"
    "\n"
    "Every rank trains (rank 0 too, in a second thread) on the GPU its node-local\n"
    "rank selects, or on the CPU; rank 0 also runs the ASHA scheduler and writes the\n"
    "experiment archive. Launch with mpirun or srun --mpi=pmix, one rank per GPU:\n"
    "\n"
    "  mpirun -np 4 rungs-sweep --config configs/demo.yaml --archive runs/demo.h5\n"
    "  mpirun -np 4 rungs-sweep --config sweep.yaml --archive runs/a.h5 \\\n"
    "         --set scheduler.eta=4 --set sampler.trials=200\n"
    "\n"
    "On one machine without MPI, --workers N runs N worker threads in one process:\n"
    "\n"
    "  rungs-sweep --workers 4 --config configs/demo.yaml --archive runs/local.h5\n"
    "\n"
    "A grid too large for one job: --shard i/n makes this job cover part i of n\n"
    "(n jobs with i = 0..n-1 cover the grid disjointly and completely).\n"
    "\n"
    "When a job dies (time limit, preemption, node failure) or is stopped with\n"
    "SIGTERM/SIGUSR1 (exit code 75), run the same command again, or\n"
    "  rungs-sweep --resume runs/demo.h5\n"
    "to continue: finished work is kept, jobs in flight restart from their last\n"
    "checkpoint, and limits count over all runs.\n"
    "\n"
    "Then look at the result with:  rungs summary runs/demo.h5\n";

std::string join_argv(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  rungs::mpi::SweepOptions options;
  po::options_description described("options");
  described.add_options()
      ("help,h", "show this help")
      ("version", "print the version")
      ("config,c", po::value(&options.config_path)->value_name("FILE"),
       "sweep configuration (YAML); see configs/reference.yaml")
      ("archive,a", po::value(&options.archive_path)->value_name("FILE"),
       "experiment archive to write (HDF5)")
      ("set,s", po::value(&options.overrides)->composing()->value_name("KEY=VALUE"),
       "override a config key, e.g. --set scheduler.eta=4 (repeatable)")
      ("overwrite", po::bool_switch(&options.overwrite),
       "replace an existing archive of the same sweep")
      ("resume", po::value<std::string>()->value_name("ARCHIVE"),
       "continue the unfinished sweep in ARCHIVE with its stored configuration")
      ("shard", po::value<std::string>()->value_name("I/N"),
       "cover part I of N of a grid sampler's points (0 <= I < N)")
      ("workers,w", po::value(&options.local_workers)->value_name("N"),
       "run N worker threads in this one process, without MPI (one machine)");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, described), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << kAbout << "\n" << described << "\n";
      return 0;
    }
    if (vm.count("version")) {
      std::printf("rungs-sweep %s (%s)\n", rungs::kVersion, rungs::kGitRevision);
      return 0;
    }
    if (vm.count("shard")) {
      // An override in the flag's own spelling: the config reader parses it
      // once into sampler.shard (the archive's configuration records it) and
      // its errors name --shard.
      options.overrides.push_back("--shard " + vm["shard"].as<std::string>());
    }
    if (options.local_workers < 0) {
      std::cerr << "rungs-sweep: error: --workers must be >= 1\n";
      return 2;
    }
    if (vm.count("resume")) {
      options.resume = true;
      options.archive_path = vm["resume"].as<std::string>();
      if (!options.config_path.empty()) {
        std::cerr << "rungs-sweep: error: --resume uses the configuration stored in the archive; "
                     "drop --config (use --set to change limits)\n";
        return 2;
      }
    } else if (options.config_path.empty() || options.archive_path.empty()) {
      std::cerr << "rungs-sweep: error: --config and --archive are required (see --help)\n";
      return 2;
    }
  } catch (const po::error& e) {
    std::cerr << "rungs-sweep: error: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "rungs-sweep: error: " << e.what() << "\n";
    return 2;
  }
  options.command_line = join_argv(argc, argv);
  try {
    return rungs::mpi::run_sweep(argc, argv, options);
  } catch (const std::exception& e) {
    std::cerr << "rungs-sweep: error: " << e.what() << "\n";
    return 1;
  }
}
