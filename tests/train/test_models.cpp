// Every model of the registry on a learnable synthetic set of its kind, on
// the CPU: its loss falls; a trial paused and promoted later continues bit
// for bit as an unbroken run (schedule included); a checkpoint moves between
// runners (as a promotion moves it between GPUs).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "rungs/io/dataset.hpp"
#include "rungs/train/task.hpp"
#include "rungs/train/trial_runner.hpp"
#include "support/test_support.hpp"

namespace rungs::train {
namespace {

using core::CurvePoint;

struct Case {
  std::string name;
  std::string model;
  io::SynthKind data;
  core::ParamSet params;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

io::Dataset data_of(io::SynthKind kind) {
  io::SynthOptions o;
  o.kind = kind;
  o.train_rows = 512;
  o.val_rows = 128;
  o.features = 8;
  o.classes = 3;
  o.size = 8;
  o.steps = 16;
  o.noise = 0.5;
  o.seed = 3;
  return io::synthesize_dataset(o);
}

core::ParamSet params(std::initializer_list<std::pair<const char*, core::ParamValue>> items) {
  core::ParamSet p;
  for (const auto& [name, value] : items) p.set(name, value);
  return p;
}

std::vector<Case> cases() {
  using V = core::ParamValue;
  return {
      {"mlp_classification", "mlp", io::SynthKind::kClassification,
       params({{"lr", V{3e-3}}, {"hidden", V{std::int64_t{32}}}, {"dropout", V{0.2}},
               {"batch_size", V{std::int64_t{32}}}})},
      {"mlp_regression", "mlp", io::SynthKind::kRegression,
       params({{"lr", V{3e-3}}, {"hidden", V{std::int64_t{64}}}, {"optimizer", V{std::string("rmsprop")}},
               {"grad_clip", V{1.0}}, {"batch_size", V{std::int64_t{32}}}})},
      {"cnn_images", "cnn", io::SynthKind::kImages,
       params({{"lr", V{3e-3}}, {"channels", V{std::int64_t{8}}}, {"dropout", V{0.1}},
               {"label_smoothing", V{0.05}}, {"batch_size", V{std::int64_t{32}}}})},
      {"lstm_sinusoids", "rnn", io::SynthKind::kSinusoids,
       params({{"lr", V{1e-2}}, {"hidden", V{std::int64_t{32}}}, {"cell", V{std::string("lstm")}},
               {"batch_size", V{std::int64_t{32}}}})},
      {"gru_sinusoids", "rnn", io::SynthKind::kSinusoids,
       params({{"lr", V{1e-2}}, {"hidden", V{std::int64_t{16}}}, {"cell", V{std::string("gru")}},
               {"layers", V{std::int64_t{2}}}, {"bidirectional", V{std::string("true")}},
               {"dropout", V{0.1}}, {"optimizer", V{std::string("sgd")}},
               {"nesterov", V{std::string("true")}}, {"batch_size", V{std::int64_t{32}}}})},
  };
}

class Models : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    dir = test_support::scratch_dir("rungs_train_models");
    set_compute_threads(1);
    data = data_of(GetParam().data);
  }
  std::unique_ptr<TrialRunner> runner(int local_rank = 0, std::int64_t max_resource = 4) {
    RunnerOptions o;
    o.model = GetParam().model;
    o.max_resource = max_resource;
    o.checkpoint_dir = dir;
    o.device = "cpu";
    o.local_rank = local_rank;
    return make_runner(data, o);
  }
  core::Job job(std::int64_t trial, std::int64_t from, std::int64_t to,
                const core::ParamSet& p) const {
    core::Job j;
    j.trial = core::TrialId{trial};
    j.from_resource = from;
    j.to_resource = to;
    j.seed = 99;
    j.params = p;
    return j;
  }
  static std::vector<CurvePoint> run(TrialRunner& r, const core::Job& j) {
    std::vector<CurvePoint> steps;
    r.run(j, [&](const CurvePoint& m) {
      steps.push_back(m);
      return StepAction::kContinue;
    });
    return steps;
  }
  std::string dir;
  io::Dataset data;
};

// Six epochs on a learnable set: the training loss falls, and the validation
// metric beats chance (accuracy above 1/3 for 3 classes; R^2 above 0, the
// mean's).
TEST_P(Models, LossFallsAndTheModelLearns) {
  const auto steps = run(*runner(0, 6), job(0, 0, 6, GetParam().params));
  ASSERT_EQ(steps.size(), 6u);
  EXPECT_LT(steps.back().values[0], steps.front().values[0]) << "train_loss";
  if (data.task == core::Task::kClassification) {
    EXPECT_GT(steps.back().values[classification::kValAccuracy], 0.5);
  } else {
    EXPECT_GT(steps.back().values[regression::kValR2], 0.2);
  }
}

// Paused at epoch 2 and promoted to 4 under a warm-up + cosine schedule over
// the full resource (4): the same numbers as 4 epochs in one job.
TEST_P(Models, PausedThenPromotedEqualsUnbrokenBitForBit) {
  core::ParamSet p = GetParam().params;
  p.set("lr_schedule", std::string("cosine"));
  p.set("warmup_epochs", 1.0);
  auto r = runner();
  const auto unbroken = run(*r, job(0, 0, 4, p));
  auto resumed = run(*r, job(1, 0, 2, p));
  const auto promoted = run(*r, job(1, 2, 4, p));
  resumed.insert(resumed.end(), promoted.begin(), promoted.end());
  ASSERT_EQ(resumed.size(), unbroken.size());
  for (std::size_t i = 0; i < unbroken.size(); ++i) {
    EXPECT_EQ(resumed[i].step, unbroken[i].step);
    EXPECT_EQ(resumed[i].values, unbroken[i].values) << "epoch " << i + 1;
  }
}

// The promotion runs on another runner (another rank's device), reading the
// checkpoint the first one wrote.
TEST_P(Models, CheckpointMovesToAnotherRunner) {
  const core::ParamSet& p = GetParam().params;
  const auto unbroken = run(*runner(0), job(0, 0, 3, p));
  run(*runner(0), job(1, 0, 1, p));
  const auto moved = run(*runner(1), job(1, 1, 3, p));
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved[0].values, unbroken[1].values);
  EXPECT_EQ(moved[1].values, unbroken[2].values);
}

INSTANTIATE_TEST_SUITE_P(Registry, Models, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

TEST(ModelRegistry, RefusesDataTheModelCannotRead) {
  RunnerOptions o;
  o.model = "cnn";
  o.device = "cpu";
  EXPECT_THROW(make_runner(data_of(io::SynthKind::kClassification), o), std::invalid_argument);
  o.model = "transformer";
  EXPECT_THROW(make_runner(data_of(io::SynthKind::kClassification), o), std::invalid_argument);
}

}  // namespace
}  // namespace rungs::train
