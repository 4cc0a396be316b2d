// What a command trial's launch costs beyond the program's own start-up:
// the same program run directly (posix_spawn + waitpid) against one
// one-step job through the command runner (placeholder expansion, the
// environment, the report socket, log files, the first report and its
// verdict, the exit). Prints the medians and their difference.
//
//   command_launch [--runs 200] [--program PATH] [--dir DIR]
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rungs/run/command_runner.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// The program reports its one step when started by rungs (fd 3 is then the
// report socket) and does nothing else either way.
std::string write_program(const std::string& dir) {
  const std::string path = dir + "/one_step.sh";
  std::ofstream(path) << "#!/bin/sh\n"
                         "if [ -n \"$RUNGS_REPORT_FD\" ]; then\n"
                         "  echo '{\"step\": 1, \"loss\": 0.5}' >&3\n"
                         "  read -r verdict <&3\n"
                         "fi\n";
  ::chmod(path.c_str(), 0755);
  return path;
}

double direct_run(const std::string& program, const std::string& arg) {
  std::vector<std::string> args = {program, "--lr", arg};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto t = Clock::now();
  pid_t pid = 0;
  if (::posix_spawn(&pid, program.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    std::perror("posix_spawn");
    std::exit(1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return ms_since(t);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 200;
  std::string dir = "/tmp/rungs-command-launch";
  std::string program;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--runs") runs = std::atoi(argv[i + 1]);
    else if (flag == "--dir") dir = argv[i + 1];
    else if (flag == "--program") program = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  if (program.empty()) program = write_program(dir);

  rungs::run::CommandOptions o;
  o.command.argv = {program, "--lr", "{lr}"};
  o.metrics = {{"loss", rungs::core::ObjectiveMode::kMin}};
  o.max_resource = 1;
  o.checkpoint_dir = dir + "/checkpoints";
  o.log_dir = dir + "/logs";
  auto runner = rungs::run::make_command_runner(o);

  std::vector<double> direct, through_rungs;
  for (int i = 0; i < runs; ++i) {  // interleaved, so both see the same load
    direct.push_back(direct_run(program, "1e-05"));
    rungs::core::Job job;
    job.trial = rungs::core::TrialId{i};
    job.to_resource = 1;
    job.params.set("lr", 1e-05);
    const auto t = Clock::now();
    runner->run(job, [](const rungs::core::CurvePoint&) { return rungs::run::StepAction::kContinue; });
    through_rungs.push_back(ms_since(t));
  }
  const double d = median(direct), r = median(through_rungs);
  std::printf("command trial launch, %d runs each, interleaved; program: %s\n", runs, program.c_str());
  std::printf("%-44s %10s\n", "", "median ms");
  std::printf("%-44s %10.3f\n", "program run directly (posix_spawn + wait)", d);
  std::printf("%-44s %10.3f\n", "one-step job through the command runner", r);
  std::printf("%-44s %10.3f\n", "overhead per launch", r - d);
  return 0;
}
