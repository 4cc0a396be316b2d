// rungs-mpirun: mpirun for rungs-sweep, with a graceful stop on SIGTERM,
// SIGINT and SIGHUP whichever process gets them.
//
//   rungs-mpirun -n 4 rungs-sweep --config sweep.yaml --archive runs/a.h5
//
// takes mpirun's arguments ($MPIRUN names another launcher). Open MPI 4's
// mpirun turns SIGTERM and SIGINT into an abort: it kills the ranks moments
// later and exits 1, whatever they were saving. It does forward SIGUSR1 to
// every rank, on which rungs-sweep stops gracefully (each worker saves its
// trial at the end of its epoch, rank 0 writes the archive) and exits 75.
// So this starts mpirun in a session of its own with SIGTERM, SIGINT and
// SIGHUP blocked (a blocked signal stays pending instead of acting;
// rungs-sweep unblocks the ones it handles), and turns any of them, sent to
// this process or to mpirun itself (seen as pending in /proc), into one
// SIGUSR1 for mpirun. It exits with mpirun's code: 75 after a graceful stop.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, sig);
  return set;
}

// The first of SIGTERM, SIGINT, SIGHUP pending (blocked) in process `pid`,
// or 0: a signal sent to mpirun itself waits there.
int pending_stop_signal(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  unsigned long long pending = 0;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("SigPnd:", 0) == 0 || line.rfind("ShdPnd:", 0) == 0) {
      pending |= std::strtoull(line.c_str() + 7, nullptr, 16);
    }
  }
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
    if (pending & (1ULL << (sig - 1))) return sig;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0) {
    std::printf("usage: rungs-mpirun MPIRUN-ARGUMENTS...   e.g. rungs-mpirun -n 4 rungs-sweep ...\n"
                "mpirun with SIGTERM, SIGINT and SIGHUP turned into a graceful stop of\n"
                "rungs-sweep (SIGUSR1 to every rank): the job exits 75, resumable.\n"
                "$MPIRUN names the launcher (default: mpirun).\n");
    return argc < 2 ? 2 : 0;
  }
  const char* mpirun = std::getenv("MPIRUN");
  if (mpirun == nullptr || *mpirun == '\0') mpirun = "mpirun";

  const sigset_t stops = stop_signals();
  // Blocked here before the fork, so mpirun starts with them blocked.
  sigprocmask(SIG_BLOCK, &stops, nullptr);
  const pid_t child = fork();
  if (child < 0) {
    std::fprintf(stderr, "rungs-mpirun: error: cannot start %s: %s\n", mpirun, std::strerror(errno));
    return 1;
  }
  if (child == 0) {
    setsid();  // a terminal's Ctrl-C reaches this process, not mpirun
    std::vector<char*> args{const_cast<char*>(mpirun)};
    for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    execvp(mpirun, args.data());
    std::fprintf(stderr, "rungs-mpirun: error: cannot run %s: %s (set MPIRUN to your launcher)\n",
                 mpirun, std::strerror(errno));
    _exit(127);
  }

  bool asked = false;
  for (;;) {
    const timespec tick{0, 200 * 1000 * 1000};
    int sig = sigtimedwait(&stops, nullptr, &tick);
    if (sig <= 0) sig = pending_stop_signal(child);
    if (sig > 0 && !asked) {
      std::fprintf(stderr, "rungs-mpirun: %s: asking every rank to stop gracefully (SIGUSR1)\n",
                   strsignal(sig));
      kill(child, SIGUSR1);
      asked = true;
    }
    int status = 0;
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    if (done < 0 && errno != EINTR) return 1;
  }
}
