#include "rungs/run/command_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "rungs/core/search_space.hpp"
#include "rungs/run/checkpoint_files.hpp"
#include "rungs/run/report_line.hpp"
#include "rungs/train/device_choice.hpp"

extern char** environ;

namespace rungs::run {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

GpuBinding gpu_binding(const std::string& wanted, const char* visible_env, int driver_gpus,
                       int local_rank) {
  const int shown = train::gpus_shown(visible_env, driver_gpus);
  const train::DeviceChoice choice = train::choose_device(wanted, shown, local_rank);
  if (!choice.cuda) return {"cpu", ""};
  // The chosen entry of the parent's list (a UUID or an index), or the
  // driver's index when nothing narrowed it.
  std::string id = std::to_string(choice.index);
  if (visible_env != nullptr) {
    std::stringstream list(visible_env);
    std::string entry;
    for (int i = 0; std::getline(list, entry, ','); ++i) {
      if (i == choice.index) id = entry;
    }
  }
  // The program sees one GPU, as its device 0.
  return {"cuda:" + std::to_string(choice.index), id};
}

std::string resolve_program(const std::string& program) {
  const auto executable = [](const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
  };
  if (program.empty()) {
    throw std::invalid_argument("model.argv[0] is empty; name the program to run, e.g. python3");
  }
  if (program.find('/') != std::string::npos) {
    if (executable(program)) return program;
    throw std::invalid_argument(
        "model.argv[0] '" + program + "' " +
        (fs::exists(program) ? "is not an executable file" : "does not exist") +
        "; fix the path (relative paths start from the folder rungs-sweep runs in), or chmod +x "
        "it, or run it through its interpreter, e.g. [python3, " + program + "]");
  }
  const char* path_env = std::getenv("PATH");
  std::stringstream dirs(path_env ? path_env : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
    if (executable(candidate)) return candidate;
  }
  throw std::invalid_argument("model.argv[0] '" + program +
                              "' is not a program on PATH; install it, or give its full path");
}

std::string stdout_log(const std::string& log_dir, core::TrialId trial) {
  return (fs::path(log_dir) / ("trial_" + std::to_string(trial.value) + ".out")).string();
}

std::string stderr_log(const std::string& log_dir, core::TrialId trial) {
  return (fs::path(log_dir) / ("trial_" + std::to_string(trial.value) + ".err")).string();
}

namespace {

// A file descriptor, closed when it goes.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    reset(o.release());
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

// The program's process group: killed whole (a Python trainer's data
// loader workers too), and reaped, whatever way the job ends.
class ProgramProcess {
 public:
  explicit ProgramProcess(pid_t pid) : pid_(pid) {}
  ProgramProcess(const ProgramProcess&) = delete;
  ProgramProcess& operator=(const ProgramProcess&) = delete;
  ~ProgramProcess() {
    if (!reaped_) {
      ::kill(-pid_, SIGKILL);
      wait();
    }
  }

  void signal(int sig) const {
    if (!reaped_) ::kill(-pid_, sig);
  }
  // Whether it has exited (reaping it), without blocking.
  bool exited() {
    if (reaped_) return true;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      status_ = status;
      reaped_ = true;
      ::kill(-pid_, SIGKILL);  // what it left behind in its group
    }
    return reaped_;
  }
  void wait() {
    while (!reaped_) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, 0);
      if (r == pid_ || (r < 0 && errno != EINTR)) {
        status_ = status;
        reaped_ = true;
        ::kill(-pid_, SIGKILL);
      }
    }
  }
  // SIGTERM to the group, SIGKILL after `grace` seconds; true when the
  // program had to be killed.
  bool terminate(double grace) {
    if (exited()) return false;
    signal(SIGTERM);
    const auto deadline = Clock::now() + std::chrono::duration<double>(grace);
    auto pause = std::chrono::milliseconds(1);
    while (Clock::now() < deadline) {
      if (exited()) return false;
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
    if (exited()) return false;
    signal(SIGKILL);
    wait();
    return true;
  }
  // The signal that ended it, or 0.
  int term_signal() const { return WIFSIGNALED(status_) ? WTERMSIG(status_) : 0; }
  // "" for a clean exit (status 0); else what happened.
  std::string how_it_ended() const {
    if (WIFEXITED(status_)) {
      const int code = WEXITSTATUS(status_);
      if (code == 0) return "";
      return "the program exited with status " + std::to_string(code);
    }
    if (WIFSIGNALED(status_)) {
      const int sig = WTERMSIG(status_);
      return "the program was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    }
    return "the program ended with wait status " + std::to_string(status_);
  }

 private:
  pid_t pid_;
  bool reaped_ = false;
  int status_ = 0;
};

// The last `lines` lines of `path` from byte `from` on (this job's part).
std::string tail_of(const std::string& path, std::uintmax_t from, int lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(static_cast<std::streamoff>(from));
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    if (line.size() > 400) line = line.substr(0, 400) + "...";
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += "\n  " + l;
  return out;
}

std::uintmax_t size_of(const std::string& path) {
  std::error_code ec;
  const auto n = fs::file_size(path, ec);
  return ec ? 0 : n;
}

// Seconds a trial has trained over all its jobs, kept in its folder so that
// its next job, on whichever rank, goes on counting.
double stored_seconds(const std::string& folder) {
  std::ifstream in(fs::path(folder) / "rungs_seconds");
  double s = 0.0;
  return (in >> s) ? s : 0.0;
}

void store_seconds(const std::string& folder, double seconds) {
  const fs::path final_path = fs::path(folder) / "rungs_seconds";
  const fs::path tmp = final_path.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp);
    char text[64];
    std::snprintf(text, sizeof text, "%.17g\n", seconds);
    out << text;
  }
  std::error_code ec;
  fs::rename(tmp, final_path, ec);
}

class CommandRunner : public TrialRunner {
 public:
  explicit CommandRunner(CommandOptions o)
      : o_(std::move(o)), argv_(o_.command.argv), program_(resolve_program(o_.command.argv.front())) {}

  std::string device() const override { return o_.device; }

  using TrialRunner::run;
  RunOutcome run(const core::Job& job, const StepCallback& on_step,
                 const DrainProbe& drain_requested) override;

 private:
  std::vector<std::string> environment(const core::Job& job, const std::string& folder,
                                       std::int64_t from, int report_fd) const;
  pid_t spawn(const core::Job& job, const std::string& folder, std::int64_t from, int report_fd,
              const std::string& err_log) const;

  CommandOptions o_;
  core::CommandTemplate argv_;
  std::string program_;
};

std::string params_json(const core::ParamSet& params) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : params.items()) {
    if (const auto* d = std::get_if<double>(&value)) {
      j[name] = *d;
    } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
      j[name] = *i;
    } else {
      j[name] = std::get<std::string>(value);
    }
  }
  return j.dump();
}

// The MPI job's own variables would make a program that uses MPI believe it
// is one of the sweep's ranks.
bool belongs_to_the_mpi_job(const char* entry) {
  for (const char* prefix : {"OMPI_", "PMIX_", "PMI_"}) {
    if (std::strncmp(entry, prefix, std::strlen(prefix)) == 0) return true;
  }
  return false;
}

std::vector<std::string> CommandRunner::environment(const core::Job& job, const std::string& folder,
                                                    std::int64_t from, int report_fd) const {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (belongs_to_the_mpi_job(*e)) continue;
    const char* eq = std::strchr(*e, '=');
    if (eq) env[std::string(*e, static_cast<std::size_t>(eq - *e))] = eq + 1;
  }
  env["OMP_NUM_THREADS"] = std::to_string(o_.threads);
  env["CUDA_VISIBLE_DEVICES"] = o_.cuda_visible_devices;
  for (const auto& [key, value] : o_.command.env) env[key] = value;  // the config's win
  std::string metrics;
  for (const auto& m : o_.metrics) metrics += (metrics.empty() ? "" : ",") + m.name;
  const std::map<std::string, std::string> ours = {
      {"RUNGS_TRIAL_ID", std::to_string(job.trial.value)},
      {"RUNGS_RUNG", std::to_string(job.rung)},
      {"RUNGS_FROM_RESOURCE", std::to_string(from)},
      {"RUNGS_TO_RESOURCE", std::to_string(job.to_resource)},
      {"RUNGS_MAX_RESOURCE", std::to_string(o_.max_resource)},
      {"RUNGS_CHECKPOINT_DIR", folder},
      {"RUNGS_PARAMS", params_json(job.params)},
      {"RUNGS_SEED", std::to_string(job.seed)},
      {"RUNGS_REPORT_FD", std::to_string(report_fd)},
      {"RUNGS_METRICS", metrics},
      {"RUNGS_RESUME", o_.command.resume ? "1" : "0"},
      {"RUNGS_THREADS", std::to_string(o_.threads)},
      {"RUNGS_DEVICE", o_.device},
      {"RUNGS_DATA_PATH", o_.data_path},
  };
  for (const auto& [key, value] : ours) env[key] = value;
  std::vector<std::string> out;
  for (const auto& [key, value] : env) out.push_back(key + "=" + value);
  return out;
}

// The fd number the program finds its report socket at.
constexpr int kReportFd = 3;

pid_t CommandRunner::spawn(const core::Job& job, const std::string& folder, std::int64_t from,
                           int report_fd, const std::string& err_log) const {
  std::map<std::string, std::string> values = {
      {"trial_id", std::to_string(job.trial.value)},
      {"rung", std::to_string(job.rung)},
      {"from_resource", std::to_string(from)},
      {"to_resource", std::to_string(job.to_resource)},
      {"max_resource", std::to_string(o_.max_resource)},
      {"seed", std::to_string(job.seed)},
      {"checkpoint_dir", folder},
      {"data_path", o_.data_path},
  };
  for (const auto& [name, value] : job.params.items()) values[name] = core::format_value(value);
  std::vector<std::string> args = argv_.expand(values);
  std::vector<std::string> env = environment(job, folder, from, kReportFd);

  Fd out(::open(stdout_log(o_.log_dir, job.trial).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  Fd err(::open(err_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (out.get() < 0 || err.get() < 0) throw system_error("cannot open the trial's log files in " + o_.log_dir);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.get(), 2);
  posix_spawn_file_actions_adddup2(&actions, report_fd, kReportFd);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group (killed whole), a clean signal mask, and default
  // actions for the signals this process handles or ignores.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGHUP, SIGPIPE, SIGQUIT}) sigaddset(&defaults, sig);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  std::vector<char*> c_args, c_env;
  for (auto& a : args) c_args.push_back(a.data());
  c_args.push_back(nullptr);
  for (auto& e : env) c_env.push_back(e.data());
  c_env.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, program_.c_str(), &actions, &attr, c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    errno = rc;
    throw system_error("cannot start " + program_);
  }
  return pid;
}

RunOutcome CommandRunner::run(const core::Job& job, const StepCallback& on_step,
                              const DrainProbe& drain_requested) {
  if (std::find(o_.fail_trials.begin(), o_.fail_trials.end(), job.trial.value) != o_.fail_trials.end()) {
    throw std::runtime_error("injected failure (training.fail_trials)");
  }
  const std::string folder = trial_folder(o_.checkpoint_dir, job.trial);
  fs::create_directories(folder);
  fs::create_directories(o_.log_dir);
  const std::string err_log = stderr_log(o_.log_dir, job.trial);
  const std::uintmax_t err_from = size_of(err_log);
  // resume: false retrains from step 0 every job.
  const std::int64_t from = o_.command.resume ? job.from_resource : 0;

  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    throw system_error("socketpair for the trial's reports");
  }
  Fd ours(pair[0]);
  // Never fd 3 itself: dup2 onto the same number would keep close-on-exec.
  Fd theirs(::fcntl(pair[1], F_DUPFD_CLOEXEC, 10));
  ::close(pair[1]);
  if (theirs.get() < 0) throw system_error("fcntl on the report socket");

  const double seconds_before = stored_seconds(folder);
  const auto started = Clock::now();
  ProgramProcess program(spawn(job, folder, from, theirs.get(), err_log));
  // The trial's training time over all its jobs, this one so far included.
  const auto trained_seconds = [&] {
    return seconds_before + std::chrono::duration<double>(Clock::now() - started).count();
  };
  theirs.reset();  // the program holds the only writing end: EOF when it ends

  const auto fail = [&](const std::string& why) -> std::runtime_error {
    program.terminate(o_.command.grace);
    store_seconds(folder, trained_seconds());
    std::string message = why;
    const std::string tail = tail_of(err_log, err_from, 20);
    if (!tail.empty()) message += "; last lines of " + err_log + ":" + tail;
    return std::runtime_error(message);
  };
  const auto reply = [&](const char* verdict) {
    const std::string line = verdict_line(verdict);
    // A program that never reads the verdicts must not block us: drop it.
    (void)::send(ours.get(), line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  };

  std::int64_t last_step = from;
  std::int64_t checkpoint = -1;
  bool usr1_sent = false, suspending = false;
  auto last_report = Clock::now();
  auto suspend_deadline = Clock::time_point::max();
  std::string buffer;
  char chunk[4096];
  for (bool open = true; open;) {
    if (!usr1_sent && drain_requested()) {
      program.signal(SIGUSR1);
      usr1_sent = true;
    }
    if (suspending && Clock::now() > suspend_deadline) {
      // Told to save and go, it did not end within the grace: what it saved
      // before now is what the next job continues from.
      program.terminate(0.0);
      break;
    }
    int timeout_ms = 100;  // how often a graceful stop is looked for
    if (o_.report_timeout > 0) {
      const double left =
          o_.report_timeout - std::chrono::duration<double>(Clock::now() - last_report).count();
      if (left <= 0) {
        throw fail("no report within limits.trial_time (" + core::format_double(o_.report_timeout) +
                   " s) after step " + std::to_string(last_step));
      }
      timeout_ms = std::min(timeout_ms, static_cast<int>(left * 1000) + 1);
    }
    pollfd p{ours.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready < 0 && errno != EINTR) throw fail(std::string("poll: ") + std::strerror(errno));
    if (ready <= 0) continue;
    const ssize_t n = ::read(ours.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      open = false;  // the program closed its end: it is ending
    } else {
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    for (auto nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
      const std::string line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      last_report = Clock::now();
      ProgramReport r;
      try {
        r = parse_report_line(line, o_.metrics);
      } catch (const std::runtime_error& e) {
        throw fail(e.what());
      }
      if (r.kind == ProgramReport::Kind::kCheckpoint) {
        if (r.step > last_step || r.step < from) {
          throw fail("checkpoint at step " + std::to_string(r.step) + " reported after step " +
                     std::to_string(last_step) + ": a checkpoint holds a step already reported");
        }
        checkpoint = r.step;
        continue;
      }
      if (suspending) continue;  // past the step it was told to suspend at
      if (r.step != last_step + 1) {
        throw fail("step " + std::to_string(r.step) + " reported after step " +
                   std::to_string(last_step) + ": steps count up by one from RUNGS_FROM_RESOURCE + 1");
      }
      if (r.step > job.to_resource) {
        throw fail("step " + std::to_string(r.step) + " is past the job's last step, RUNGS_TO_RESOURCE = " +
                   std::to_string(job.to_resource));
      }
      last_step = r.step;
      if (r.step <= job.from_resource) {  // resume: false, retraining what was reported
        reply("continue");
        continue;
      }
      core::CurvePoint point;
      point.trial = job.trial;
      point.step = r.step;
      point.values = std::move(r.values);
      point.seconds = trained_seconds();
      const StepAction action = on_step(point);
      if (action == StepAction::kStop) {
        reply("stop");
        const bool killed = program.terminate(o_.command.grace);
        store_seconds(folder, trained_seconds());
        if (killed) {
          std::ofstream(err_log, std::ios::app)
              << "rungs: the program went on after SIGTERM; killed with SIGKILL after the "
              << core::format_double(o_.command.grace) << " s grace (model.grace)\n";
        }
        return {};
      }
      if (action == StepAction::kSuspend) {
        // Told by the verdict: no SIGUSR1 now, which would end a program
        // without a handler before it saves.
        reply("suspend");
        usr1_sent = suspending = true;
        suspend_deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(o_.command.grace));
        continue;
      }
      reply("continue");
    }
  }
  // The report socket closed: the program is ending (or closed it early).
  // It usually exits within microseconds of closing the socket: poll for
  // that briefly first.
  const auto grace_end = Clock::now() + std::chrono::duration<double>(o_.command.grace);
  auto pause = std::chrono::microseconds(20);
  while (!program.exited() && Clock::now() < grace_end) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(5000));
  }
  if (!program.exited()) throw fail("the program closed RUNGS_REPORT_FD but did not exit");
  store_seconds(folder, trained_seconds());
  const std::string ended = program.how_it_ended();
  // Slurm (and a terminal) signal the whole job: a program ended by the stop
  // signal itself, before this worker heard of the sweep's graceful stop,
  // was stopped, not broken. The drain follows within moments.
  const int sig = program.term_signal();
  if (!usr1_sent && (sig == SIGUSR1 || sig == SIGTERM || sig == SIGINT)) {
    const auto wait_until = Clock::now() + std::chrono::seconds(3);
    while (!drain_requested() && Clock::now() < wait_until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    usr1_sent = drain_requested();
  }
  // A graceful stop, however the program took it (SIGUSR1's default action
  // ends a program that does not handle it): the job goes on later from the
  // state on disk.
  if (usr1_sent && (suspending || !ended.empty() || last_step < job.to_resource)) {
    RunOutcome out;
    out.suspended_at = (o_.command.resume && checkpoint >= job.from_resource) ? checkpoint : job.from_resource;
    return out;
  }
  if (!ended.empty()) throw fail(ended);
  if (last_step < job.to_resource) {
    throw fail("the program exited after step " + std::to_string(last_step) +
               " without reaching the job's last step, RUNGS_TO_RESOURCE = " + std::to_string(job.to_resource));
  }
  if (o_.command.resume && job.to_resource < o_.max_resource && checkpoint != job.to_resource) {
    throw fail("the program reported no {\"checkpoint\": " + std::to_string(job.to_resource) +
               "} at the job's last step; with resume: true a promoted trial continues from it "
               "(save the state and report it, or set model.resume: false)");
  }
  return {};
}

}  // namespace

std::unique_ptr<TrialRunner> make_command_runner(const CommandOptions& options) {
  return std::make_unique<CommandRunner>(options);
}

}  // namespace rungs::run
