// What waiting for a message costs rank 0's core: a blocking MPI_Recv (what a
// receiver thread under MPI_THREAD_MULTIPLE would do) against the funneled
// wait the coordinator uses (MPI_Iprobe, then a sleep that doubles from
// 0.2 ms to 20 ms). Rank 1 sends one message after `wait_s` seconds; rank 0
// measures the CPU time of its waiting thread (RUSAGE_THREAD) and the delay
// between the send and the receipt.
//
//   mpirun -np 2 bench/mpi_wait_cpu [wait_s] [repeats]
#include <mpi.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

double thread_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

void wait_blocking() {
  double sent_at = 0;
  MPI_Recv(&sent_at, 1, MPI_DOUBLE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

void wait_funneled() {
  auto pause = std::chrono::microseconds(200);
  for (;;) {
    int arrived = 0;
    MPI_Iprobe(1, 0, MPI_COMM_WORLD, &arrived, MPI_STATUS_IGNORE);
    if (arrived) break;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(20000));
  }
  double sent_at = 0;
  MPI_Recv(&sent_at, 1, MPI_DOUBLE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size != 2) {
    if (rank == 0) std::fprintf(stderr, "run with exactly 2 ranks\n");
    MPI_Finalize();
    return 2;
  }
  const double wait_s = argc > 1 ? std::atof(argv[1]) : 2.0;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  const char* names[2] = {"blocking MPI_Recv", "funneled probe + backoff"};
  std::vector<double> cpu[2], wall[2];
  for (int r = 0; r < repeats; ++r) {
    for (int method = 0; method < 2; ++method) {
      MPI_Barrier(MPI_COMM_WORLD);
      if (rank == 1) {
        std::this_thread::sleep_for(std::chrono::duration<double>(wait_s));
        const double now = MPI_Wtime();
        MPI_Send(&now, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD);
        continue;
      }
      const double c0 = thread_cpu_seconds(), w0 = MPI_Wtime();
      method == 0 ? wait_blocking() : wait_funneled();
      cpu[method].push_back(thread_cpu_seconds() - c0);
      wall[method].push_back(MPI_Wtime() - w0);
    }
  }
  if (rank == 0) {
    std::printf("waiting %.1f s for one message, %d repeats, MPI thread level %d\n", wait_s,
                repeats, provided);
    std::printf("%-26s %14s %14s %12s\n", "wait", "cpu s (median)", "wall s", "core busy %");
    for (int m = 0; m < 2; ++m) {
      std::printf("%-26s %14.3f %14.3f %11.1f%%\n", names[m], median(cpu[m]), median(wall[m]),
                  100.0 * median(cpu[m]) / median(wall[m]));
    }
    std::printf("ratio blocking/funneled cpu: %.0fx\n",
                median(cpu[0]) / std::max(median(cpu[1]), 1e-6));
  }
  MPI_Finalize();
  return 0;
}
