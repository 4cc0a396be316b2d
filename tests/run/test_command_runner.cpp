// The command runner driving real programs: small /bin/sh scripts that
// speak the protocol (or break it) on fd 3.
#include "rungs/run/command_runner.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/test_support.hpp"

namespace rungs::run {
namespace {

namespace fs = std::filesystem;
using test_support::contains;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Reports steps RUNGS_FROM_RESOURCE+1 .. RUNGS_TO_RESOURCE with loss =
// step + 0.5, waiting for each verdict, then the checkpoint at the last.
const char kCountingProgram[] =
    "s=$((RUNGS_FROM_RESOURCE + 1))\n"
    "while [ $s -le $RUNGS_TO_RESOURCE ]; do\n"
    "  echo \"{\\\"step\\\": $s, \\\"loss\\\": $s.5}\" >&3\n"
    "  read -r verdict <&3\n"
    "  s=$((s + 1))\n"
    "done\n"
    "echo \"{\\\"checkpoint\\\": $RUNGS_TO_RESOURCE}\" >&3\n";

class CommandRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test_support::scratch_dir("command_runner"); }

  // An executable /bin/sh script with `body`.
  std::string script(const std::string& body, const std::string& name = "prog.sh") {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    ::chmod(path.c_str(), 0755);
    return path;
  }

  CommandOptions options(const std::string& program) {
    CommandOptions o;
    o.command.argv = {program};
    o.metrics = {{"loss", core::ObjectiveMode::kMin}};
    o.max_resource = 9;
    o.checkpoint_dir = dir_ + "/checkpoints";
    o.log_dir = dir_ + "/logs";
    o.command.grace = 0.3;
    return o;
  }

  static core::Job job(std::int64_t trial, std::int64_t from, std::int64_t to) {
    core::Job j;
    j.trial = core::TrialId{trial};
    j.from_resource = from;
    j.to_resource = to;
    j.params.set("lr", 1e-05);
    j.params.set("width", std::int64_t{64});
    j.seed = 42;
    return j;
  }

  // Runs `j`, answering every step with `action(step)`; the points seen.
  std::vector<core::CurvePoint> run_job(
      const CommandOptions& o, const core::Job& j, RunOutcome* outcome = nullptr,
      std::function<StepAction(std::int64_t)> action = nullptr, bool drain = false) {
    std::vector<core::CurvePoint> seen;
    auto runner = make_command_runner(o);
    const RunOutcome out = runner->run(
        j,
        [&](const core::CurvePoint& p) {
          seen.push_back(p);
          return action ? action(p.step) : StepAction::kContinue;
        },
        [drain] { return drain; });
    if (outcome) *outcome = out;
    return seen;
  }

  std::string failure_of(const CommandOptions& o, const core::Job& j) {
    try {
      run_job(o, j);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    ADD_FAILURE() << "the job did not fail";
    return "";
  }

  std::string dir_;
};

TEST_F(CommandRunnerTest, ReportsEveryStepWithTheTrialsArgvAndEnvironment) {
  ::setenv("OMPI_COMM_WORLD_RANK", "5", 1);  // the MPI job's own: not the program's
  CommandOptions o = options(script(
      std::string("printf '%s\\n' \"$@\" > \"$RUNGS_CHECKPOINT_DIR/argv.txt\"\n"
                  "env | sort > \"$RUNGS_CHECKPOINT_DIR/env.txt\"\n") +
      kCountingProgram));
  o.command.argv = {o.command.argv[0], "--lr", "{lr}", "--width", "{width}", "--trial",
                    "{trial_id}", "--to", "{to_resource}", "--seed", "{seed}"};
  o.command.env = {{"MY_KEY", "my value"}};
  const auto points = run_job(o, job(7, 0, 3));
  ::unsetenv("OMPI_COMM_WORLD_RANK");

  ASSERT_EQ(points.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(points[i].trial.value, 7);
    EXPECT_EQ(points[i].step, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(points[i].values, (std::vector<double>{static_cast<double>(i + 1) + 0.5}));
    if (i > 0) {
      EXPECT_GE(points[i].seconds, points[i - 1].seconds);
    }
  }
  const std::string folder = o.checkpoint_dir + "/trial_7";
  // 1e-05 keeps its exact text: no rounding, no "0.000010".
  EXPECT_EQ(read_file(folder + "/argv.txt"),
            "--lr\n1e-05\n--width\n64\n--trial\n7\n--to\n3\n--seed\n42\n");
  const std::string env = read_file(folder + "/env.txt");
  for (const char* line :
       {"RUNGS_TRIAL_ID=7\n", "RUNGS_FROM_RESOURCE=0\n", "RUNGS_TO_RESOURCE=3\n",
        "RUNGS_MAX_RESOURCE=9\n", "RUNGS_SEED=42\n", "RUNGS_REPORT_FD=3\n", "RUNGS_METRICS=loss\n",
        "RUNGS_PARAMS={\"lr\":1e-05,\"width\":64}\n", "MY_KEY=my value\n", "CUDA_VISIBLE_DEVICES=\n",
        "RUNGS_RESUME=1\n"}) {
    EXPECT_TRUE(contains(env, line)) << line << " not in\n" << env;
  }
  EXPECT_TRUE(contains(env, "RUNGS_CHECKPOINT_DIR=" + folder + "\n")) << env;
  EXPECT_FALSE(contains(env, "OMPI_COMM_WORLD_RANK")) << env;
  EXPECT_TRUE(fs::exists(stdout_log(o.log_dir, core::TrialId{7})));
  EXPECT_TRUE(fs::exists(stderr_log(o.log_dir, core::TrialId{7})));
}

TEST_F(CommandRunnerTest, PromotedJobContinuesAtItsFromResourceAndSecondsAccumulate) {
  const CommandOptions o = options(script(kCountingProgram));
  const auto first = run_job(o, job(2, 0, 3));
  const auto second = run_job(o, job(2, 3, 5));
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].step, 4);
  EXPECT_EQ(second[1].step, 5);
  // The trial's training time counts over both jobs.
  EXPECT_GE(second[0].seconds, first.back().seconds);
}

TEST_F(CommandRunnerTest, ResumeFalseRetrainsFromZeroAndReportsOnlyTheNewSteps) {
  CommandOptions o = options(script(std::string("echo $RUNGS_FROM_RESOURCE > \"$RUNGS_CHECKPOINT_DIR/from\"\n") +
                                    kCountingProgram));
  o.command.resume = false;
  const auto points = run_job(o, job(1, 3, 5));
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].step, 4);
  EXPECT_EQ(points[0].values[0], 4.5);
  EXPECT_EQ(read_file(o.checkpoint_dir + "/trial_1/from"), "0\n");
}

TEST_F(CommandRunnerTest, StopEndsTheJobAndAProgramIgnoringSigtermIsKilledAfterTheGrace) {
  const CommandOptions o = options(script(
      "trap '' TERM\n"
      "echo $$ > \"$RUNGS_CHECKPOINT_DIR/pid\"\n"
      "s=1\n"
      "while true; do\n"
      "  echo \"{\\\"step\\\": $s, \\\"loss\\\": 1}\" >&3\n"
      "  read -r verdict <&3\n"
      "  [ \"$verdict\" = '{\"verdict\": \"stop\"}' ] && touch \"$RUNGS_CHECKPOINT_DIR/told\"\n"
      "  [ $s -lt 2 ] && s=$((s + 1))\n"
      "  [ $s -ge 2 ] && sleep 0.05\n"
      "done\n"));
  RunOutcome out;
  const auto points =
      run_job(o, job(3, 0, 5), &out, [](std::int64_t step) {
        return step == 2 ? StepAction::kStop : StepAction::kContinue;
      });
  ASSERT_EQ(points.size(), 2u);  // exactly at the step it was stopped at
  EXPECT_EQ(out.suspended_at, -1);
  const std::string folder = o.checkpoint_dir + "/trial_3";
  EXPECT_TRUE(fs::exists(folder + "/told"));
  const pid_t pid = std::stoi(read_file(folder + "/pid"));
  EXPECT_EQ(::kill(pid, 0), -1);  // gone, and reaped
  EXPECT_EQ(errno, ESRCH);
  EXPECT_TRUE(contains(read_file(stderr_log(o.log_dir, core::TrialId{3})),
                       "killed with SIGKILL after the 0.3 s grace"));
}

TEST_F(CommandRunnerTest, SuspendVerdictEndsTheJobAtTheReportedCheckpoint) {
  const CommandOptions o = options(script(
      "echo '{\"step\": 1, \"loss\": 1}' >&3\n"
      "read -r verdict <&3\n"
      "[ \"$verdict\" = '{\"verdict\": \"suspend\"}' ] && echo '{\"checkpoint\": 1}' >&3 && exit 0\n"
      "exit 9\n"));
  RunOutcome out;
  run_job(o, job(4, 0, 3), &out, [](std::int64_t) { return StepAction::kSuspend; });
  EXPECT_EQ(out.suspended_at, 1);
}

TEST_F(CommandRunnerTest, GracefulStopEndsAProgramWithoutUsr1HandlerAsSuspendedAtItsStart) {
  // SIGUSR1's default action ends the program: the job restarts from its start.
  const CommandOptions o = options(script("sleep 30\n"));
  RunOutcome out;
  run_job(o, job(5, 3, 9), &out, nullptr, /*drain=*/true);
  EXPECT_EQ(out.suspended_at, 3);
}

TEST_F(CommandRunnerTest, AProgramEndedByTheJobsStopSignalIsSuspendedWhenTheSweepDrains) {
  // Slurm's --signal reaches every process of the job: the program may die of
  // it before this worker hears of the graceful stop.
  const std::string marker = dir_ + "/signalled";
  const CommandOptions o = options(script("touch " + marker + "\nkill -USR1 $$\nsleep 5\n"));
  auto runner = make_command_runner(o);
  const RunOutcome out = runner->run(
      job(8, 2, 9), [](const core::CurvePoint&) { return StepAction::kContinue; },
      [&] { return fs::exists(marker); });  // the drain arrives once the job was signalled
  EXPECT_EQ(out.suspended_at, 2);
}

TEST_F(CommandRunnerTest, AProgramEndedBySigusr1WithoutAGracefulStopFails) {
  const CommandOptions o = options(script("kill -USR1 $$\n"));
  EXPECT_TRUE(contains(failure_of(o, job(9, 0, 3)), "killed by signal 10"));
}

TEST_F(CommandRunnerTest, EveryBrokenPromiseFailsTheJobWithItsReason) {
  struct Case {
    std::string body;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"echo 'CUDA error: out of memory' >&2\nexit 3\n", "the program exited with status 3"},
      {"echo 'epoch 1 loss 0.5' >&3\n", "is not JSON"},
      {"echo '{\"step\": 1, \"loss\": 1, \"acc\": 2}' >&3\n", "names the metric 'acc'"},
      {"echo '{\"step\": 1}' >&3\n", "step 1 does not report 'loss'"},
      {"echo '{\"step\": 1, \"loss\": 1}' >&3\nread -r v <&3\necho '{\"step\": 1, \"loss\": 1}' >&3\n",
       "step 1 reported after step 1"},
      {"echo '{\"step\": 2, \"loss\": 1}' >&3\n", "step 2 reported after step 0"},
      {"echo '{\"step\": 1, \"loss\": 1}' >&3\nread -r v <&3\nexit 0\n",
       "exited after step 1 without reaching the job's last step, RUNGS_TO_RESOURCE = 3"},
      {"kill -9 $$\n", "killed by signal 9"},
      // Steps 1..3 but no checkpoint at 3, and resume: true (3 < max 9).
      {"for s in 1 2 3; do echo \"{\\\"step\\\": $s, \\\"loss\\\": 1}\" >&3; read -r v <&3; done\n",
       "reported no {\"checkpoint\": 3}"},
  };
  int trial = 10;
  for (const Case& c : cases) {
    const CommandOptions o = options(script(c.body, "case" + std::to_string(trial) + ".sh"));
    const std::string why = failure_of(o, job(trial++, 0, 3));
    EXPECT_TRUE(contains(why, c.reason)) << "reason: " << why << "\nscript:\n" << c.body;
  }
}

TEST_F(CommandRunnerTest, FailureCarriesTheLastLinesOfThisJobsStderr) {
  const CommandOptions o = options(script(
      "i=0; while [ $i -lt 30 ]; do echo \"line $i\" >&2; i=$((i + 1)); done\nexit 1\n"));
  const std::string why = failure_of(o, job(20, 0, 3));
  EXPECT_TRUE(contains(why, "line 29")) << why;
  EXPECT_TRUE(contains(why, "line 10")) << why;
  EXPECT_FALSE(contains(why, "line 9\n")) << why;  // 20 lines, not more
  EXPECT_TRUE(contains(why, stderr_log(o.log_dir, core::TrialId{20}))) << why;
}

TEST_F(CommandRunnerTest, NoReportWithinTheTrialTimeFailsTheJob) {
  CommandOptions o = options(script("sleep 30\n"));
  o.report_timeout = 0.3;
  EXPECT_TRUE(contains(failure_of(o, job(21, 0, 3)), "no report within limits.trial_time (0.3 s)"));
}

TEST_F(CommandRunnerTest, AProgramThatCannotRunIsRefusedBeforeAnyJob) {
  const auto refusal = [&](const std::string& program) -> std::string {
    try {
      make_command_runner(options(program));
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_TRUE(contains(refusal(dir_ + "/missing.py"), "does not exist"));
  const std::string plain = dir_ + "/plain.txt";
  std::ofstream(plain) << "not a program\n";
  EXPECT_TRUE(contains(refusal(plain), "is not an executable file"));
  EXPECT_TRUE(contains(refusal("no-such-program-rungs"), "is not a program on PATH"));
  EXPECT_EQ(refusal("sh"), "accepted");
}

TEST(GpuBinding, EachRankSeesOneGpuOfWhatTheNodeShows) {
  EXPECT_EQ(gpu_binding("cpu", nullptr, 4, 0).device, "cpu");
  EXPECT_EQ(gpu_binding("cpu", nullptr, 4, 0).cuda_visible_devices, "");  // hidden
  EXPECT_EQ(gpu_binding("auto", nullptr, 0, 1).device, "cpu");
  const GpuBinding second = gpu_binding("auto", nullptr, 4, 1);
  EXPECT_EQ(second.device, "cuda:1");
  EXPECT_EQ(second.cuda_visible_devices, "1");
  // Narrowed by the user or Slurm: the entry at the rank's index, wrapping.
  const GpuBinding wrapped = gpu_binding("cuda", "GPU-a,GPU-b", 8, 3);
  EXPECT_EQ(wrapped.device, "cuda:1");
  EXPECT_EQ(wrapped.cuda_visible_devices, "GPU-b");
  EXPECT_THROW(gpu_binding("cuda", nullptr, 0, 0), std::runtime_error);
}

}  // namespace
}  // namespace rungs::run
