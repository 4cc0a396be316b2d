#include "rungs/mpi/sweep_job.hpp"

#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "rungs/core/error.hpp"
#include "rungs/io/posix_file.hpp"
#include "rungs/mpi/mpi_session.hpp"
#include "rungs/mpi/mpi_transport.hpp"
#include "rungs/mpi/mpi_worker_link.hpp"
#include "rungs/mpi/node_data.hpp"
#include "rungs/run/device_query.hpp"
#include "rungs/run/worker.hpp"
#ifdef RUNGS_HAVE_TORCH
#include "rungs/train/trial_runner.hpp"
#endif

namespace rungs::mpi {
namespace {

using run::ArchiveClaim;
using run::StartMode;
using run::SweepSetup;
using run::check_model_fits_data;
using run::claim_archive;
using run::coordinate;
using run::describe_device;
using run::LocalWorkerLink;
using run::report_already_finished;
using run::run_worker;
using run::set_up;

// A worker's runner: a command trial's, or a built-in model's (LibTorch).
std::unique_ptr<run::TrialRunner> make_runner(const SweepSetup& s, int local_index) {
  if (s.spec.model.is_command()) return run::make_command_runner(s, local_index);
#ifndef RUNGS_HAVE_TORCH
  throw core::InputError(
      s.config_source,
      "model.kind: " + s.spec.model.kind + " needs LibTorch, and this rungs-sweep was built without it",
      "use model.kind: command, or build rungs with LibTorch (-DRUNGS_WITH_TORCH=ON)");
#else
  train::set_compute_threads(s.threads);
  train::RunnerOptions ro;
  ro.model = s.spec.model.kind;
  ro.max_resource = s.spec.scheduler.asha.max_resource;
  ro.checkpoint_dir = s.checkpoint_dir;
  ro.device = s.spec.training.device;
  ro.local_rank = local_index;
  ro.fail_trials = s.spec.training.fail_trials;
  ro.trial_time = s.spec.trial_time;
  ro.checkpoint_every = s.spec.checkpoint.every;
  return train::make_runner(s.data, ro);
#endif
}

// GPUs on rank 0's node that no rank will use (a CPU-only LibTorch): one
// line, not silence. A command's program may well use them.
std::string unused_gpu_warning(const core::SweepSpec& spec) {
  if (spec.model.is_command()) return "";
#ifdef RUNGS_HAVE_TORCH
  return run::unused_gpu_warning(spec.training.device, train::torch_has_cuda());
#else
  return run::unused_gpu_warning(spec.training.device, false);
#endif
}

void warn_of_unused_gpus(int rank, const core::SweepSpec& spec) {
  if (rank != 0) return;
  const std::string warning = unused_gpu_warning(spec);
  if (warning.empty()) return;
  std::fprintf(stderr, "rungs-sweep: warning: %s\n", warning.c_str());
  std::fflush(stderr);
}


// Every rank's string, gathered on rank 0 (empty elsewhere).
std::vector<std::string> gather_strings(const MpiSession& mpi, const std::string& mine) {
  constexpr int kWidth = 256;
  std::string padded = mine.substr(0, kWidth - 1);
  padded.resize(kWidth, '\0');
  std::vector<char> all(mpi.rank() == 0 ? static_cast<std::size_t>(kWidth * mpi.size()) : 0);
  check_mpi(MPI_Gather(padded.data(), kWidth, MPI_CHAR, all.data(), kWidth, MPI_CHAR, 0,
                       MPI_COMM_WORLD),
            "MPI_Gather");
  std::vector<std::string> out;
  for (int r = 0; mpi.rank() == 0 && r < mpi.size(); ++r) {
    out.emplace_back(all.data() + r * kWidth);
  }
  return out;
}

// Rank 0: the coordinator in this thread, rank 0's own worker in another.
int run_rank0(const MpiSession& mpi, const SweepSetup& s, run::TrialRunner& runner,
              const SweepOptions& options, const std::vector<core::WorkerInfo>& workers) {
  EnvelopeQueue inbox, local_mailbox;
  LocalWorkerLink local_link(inbox, local_mailbox);
  std::thread local_worker([&] { run_worker(local_link, runner); });
  MpiTransport transport(inbox, local_mailbox, mpi.size());
  int code = kExitFinished;
  try {
    code = coordinate(s, options, transport, workers, mpi.size(), [](int exit_code) {
      // A hung rank would keep MPI_Finalize waiting: end every rank.
      MPI_Abort(MPI_COMM_WORLD, exit_code);
    });
  } catch (...) {
    local_mailbox.push(Envelope{0, Tag::kShutdown, {}});
    local_worker.join();
    throw;
  }
  local_worker.join();
  return code;
}

// Rank 0's string on every rank.
std::string broadcast_string(const MpiSession& mpi, std::string text) {
  unsigned long long size = text.size();
  check_mpi(MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
  if (mpi.rank() != 0) text.assign(size, '\0');
  if (size > 0) {
    check_mpi(MPI_Bcast(text.data(), static_cast<int>(size), MPI_CHAR, 0, MPI_COMM_WORLD),
              "MPI_Bcast");
  }
  return text;
}

int run_mpi_job(int& argc, char**& argv, const SweepOptions& options) {
  MpiSession mpi(argc, argv);
  // Rank 0 alone locks and reads the archive; for --resume the others get
  // its stored configuration from rank 0.
  std::optional<ArchiveClaim> claim;
  std::string stored_config, error;
  if (mpi.rank() == 0) {
    try {
      claim = claim_archive(options);
      if (options.resume) stored_config = claim->archived->metadata.config_yaml;
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (!mpi.agree(error.empty(), error)) return kExitBadInput;
  if (options.resume) stored_config = broadcast_string(mpi, std::move(stored_config));
  SweepSetup setup;
  std::unique_ptr<run::TrialRunner> runner;
  std::string device;
  try {
    setup = set_up(options, stored_config, std::move(claim), mpi.local_size(), false);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!mpi.agree(error.empty(), error)) return kExitBadInput;
  try {
    // Collective: one rank per node reads the file; the node shares it.
    if (!setup.spec.model.is_command()) setup.data = read_dataset_once_per_node(setup.spec.data);
    check_model_fits_data(setup.spec, setup.data);
    runner = make_runner(setup, mpi.local_rank());
    device = describe_device(runner->device());
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!mpi.agree(error.empty(), error)) return kExitBadInput;
  warn_of_unused_gpus(mpi.rank(), setup.spec);
  int mode = static_cast<int>(setup.mode);
  check_mpi(MPI_Bcast(&mode, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
  if (mode == static_cast<int>(StartMode::kAlreadyFinished)) {
    if (mpi.rank() == 0) report_already_finished(options, setup.spec.name);
    return kExitFinished;
  }

  const auto hosts = gather_strings(mpi, mpi.host());
  const auto devices = gather_strings(mpi, device);
  const auto node_gpus = gather_strings(mpi, std::to_string(run::driver_gpu_count()));
  int code = kExitFinished;
  try {
    if (mpi.rank() == 0) {
      std::vector<core::WorkerInfo> workers;
      for (std::size_t r = 0; r < hosts.size(); ++r) {
        workers.push_back({hosts[r], devices[r], std::atoi(node_gpus[r].c_str())});
      }
      code = run_rank0(mpi, setup, *runner, options, workers);
    } else {
      MpiWorkerLink link;
      run_worker(link, *runner);
    }
  } catch (const core::StorageError& e) {
    // The journal or archive could not be written (a full disk): what the
    // journal holds is safe, and a resume continues from it.
    std::fprintf(stderr, "rungs-sweep: error: %s\n", e.what());
    std::fflush(nullptr);
    MPI_Abort(MPI_COMM_WORLD, kExitStorageFailed);
  } catch (const std::exception& e) {
    // The sweep cannot go on (a broken MPI or file system): say why and
    // take the whole job down rather than leave ranks waiting forever.
    std::fprintf(stderr, "rungs-sweep: fatal on rank %d: %s\n", mpi.rank(), e.what());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, kExitStorageFailed);
  }
  return code;
}

}  // namespace

int run_sweep(int& argc, char**& argv, const SweepOptions& options) {
  run::install_stop_handlers();
  if (options.local_workers > 0) {
    try {
      return run::run_in_process(options, {make_runner, [](const core::SweepSpec& spec) {
                                             return unused_gpu_warning(spec);
                                           }});
    } catch (const core::StorageError& e) {
      std::fprintf(stderr, "rungs-sweep: error: %s\n", e.what());
      return kExitStorageFailed;
    } catch (const core::InputError& e) {
      std::fprintf(stderr, "rungs-sweep: error: %s\n", e.what());
      return kExitBadInput;
    }
  }
  return run_mpi_job(argc, argv, options);
}

}  // namespace rungs::mpi

