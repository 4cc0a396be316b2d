// Host memory a node spends on the data set, summed over its ranks, read
// once per node into a shared window (mpi/node_data.hpp) against each rank
// reading its own copy. Run under mpirun on one node (node_data_memory.sh
// runs both modes with 4 ranks and prints the table):
//
//   mpirun -np 4 build/bench/node_data_memory --mode shared --data FILE
//
// Memory is the proportional set size (Pss in /proc/self/smaps_rollup: a
// page shared by k processes counts 1/k in each), taken before the data is
// loaded and after the trainer has made its device copy (the CPU here), and
// summed over the ranks; the file's array bytes are the unit.
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "rungs/io/dataset.hpp"
#include "rungs/mpi/mpi_session.hpp"
#include "rungs/mpi/node_data.hpp"
#include "rungs/train/trial_runner.hpp"

namespace {

double pss_mib() {
  std::ifstream in("/proc/self/smaps_rollup");
  std::string key;
  double kib = 0;
  while (in >> key) {
    if (key == "Pss:") {
      in >> kib;
      return kib / 1024.0;
    }
    in.ignore(1 << 20, '\n');
  }
  return -1.0;
}

double array_mib(const rungs::io::Dataset& d) {
  auto bytes = [](const rungs::io::Split& s) {
    return static_cast<double>(s.rows) * static_cast<double>(s.features) * 4.0 +
           static_cast<double>(s.y_count()) * 8.0 + static_cast<double>(s.targets_count()) * 4.0;
  };
  return (bytes(d.train) + bytes(d.val)) / (1024.0 * 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  rungs::mpi::MpiSession mpi(argc, argv);
  std::string mode = "shared", path;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--mode") mode = argv[i + 1];
    if (key == "--data") path = argv[i + 1];
  }
  if (path.empty() || (mode != "shared" && mode != "naive")) {
    if (mpi.rank() == 0) std::fprintf(stderr, "usage: node_data_memory --mode shared|naive --data FILE\n");
    return 2;
  }
  rungs::train::set_compute_threads(1);
  rungs::core::DataSpec spec;
  spec.path = path;
  MPI_Barrier(MPI_COMM_WORLD);
  const double before = pss_mib();
  rungs::io::Dataset data = mode == "shared" ? rungs::mpi::read_dataset_once_per_node(spec)
                                             : rungs::io::read_dataset(spec);
  rungs::train::RunnerOptions ro;
  ro.device = "cpu";
  ro.checkpoint_dir = "/tmp/node_data_memory_unused";
  const auto runner = rungs::train::make_runner(data, ro);
  MPI_Barrier(MPI_COMM_WORLD);
  const double grown = pss_mib() - before;
  double total = 0.0;
  MPI_Reduce(&grown, &total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  if (mpi.rank() == 0) {
    const double unit = array_mib(data);
    std::printf("| %s | %d | %.1f | %.1f | %.2fx |\n", mode.c_str(), mpi.size(), unit, total,
                total / unit);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return 0;
}
