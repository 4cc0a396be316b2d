// The catalog: learning-rate schedules as pure functions, and which models
// read which data. Expected values worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "rungs/train/device_choice.hpp"
#include "rungs/train/lr_schedule.hpp"
#include "rungs/train/model_catalog.hpp"
#include "rungs/train/task.hpp"

namespace rungs::train {
namespace {

TEST(LrSchedule, ConstantIsOne) {
  const LrSchedule s;
  EXPECT_EQ(lr_factor(s, 0, 0, 10, 27), 1.0);
  EXPECT_EQ(lr_factor(s, 26, 9, 10, 27), 1.0);
}

TEST(LrSchedule, StepDecaysByGammaEveryStepEpochs) {
  LrSchedule s;
  s.shape = LrShape::kStep;
  s.step_epochs = 2;
  s.gamma = 0.5;
  EXPECT_EQ(lr_factor(s, 0, 0, 4, 9), 1.0);
  EXPECT_EQ(lr_factor(s, 1, 3, 4, 9), 1.0);   // floor(1 / 2) = 0
  EXPECT_EQ(lr_factor(s, 2, 0, 4, 9), 0.5);   // floor(2 / 2) = 1
  EXPECT_EQ(lr_factor(s, 5, 0, 4, 9), 0.25);  // floor(5 / 2) = 2
  s.step_epochs = 0;                          // a third of 9 epochs: every 3
  EXPECT_EQ(lr_factor(s, 2, 0, 4, 9), 1.0);
  EXPECT_EQ(lr_factor(s, 3, 0, 4, 9), 0.5);
}

TEST(LrSchedule, CosineFallsOverTheFullResource) {
  LrSchedule s;
  s.shape = LrShape::kCosine;
  // total 4 epochs; epoch 2 batch 0: t = 2 -> (1 + cos(pi / 2)) / 2 = 0.5
  EXPECT_NEAR(lr_factor(s, 2, 0, 4, 4), 0.5, 1e-15);
  EXPECT_EQ(lr_factor(s, 0, 0, 4, 4), 1.0);
  // epoch 1 batch 2 of 4: t = 1.5 -> (1 + cos(3 pi / 8)) / 2 = 0.6913417...
  EXPECT_NEAR(lr_factor(s, 1, 2, 4, 4), 0.5 * (1.0 + 0.38268343236508984), 1e-15);
}

TEST(LrSchedule, WarmupRisesLinearlyToOne) {
  LrSchedule s;
  s.warmup_epochs = 2.0;
  // 4 batches per epoch: the first batch ends at t = 0.25 -> 0.25 / 2
  EXPECT_EQ(lr_factor(s, 0, 0, 4, 10), 0.125);
  EXPECT_EQ(lr_factor(s, 0, 1, 4, 10), 0.25);
  EXPECT_EQ(lr_factor(s, 1, 3, 4, 10), 1.0);  // (1.75 + 0.25) / 2
  EXPECT_EQ(lr_factor(s, 5, 0, 4, 10), 1.0);
}

TEST(LrSchedule, ReadFromHyperparametersAndChecked) {
  core::ParamSet p;
  p.set("lr_schedule", std::string("cosine"));
  p.set("warmup_epochs", 1.5);
  EXPECT_EQ(lr_schedule_of(p).shape, LrShape::kCosine);
  EXPECT_EQ(lr_schedule_of(p).warmup_epochs, 1.5);
  p.set("lr_gamma", 0.0);
  EXPECT_THROW(lr_schedule_of(p), std::runtime_error);
  p.set("lr_gamma", 0.5);
  p.set("lr_schedule", std::string("linear"));
  EXPECT_THROW(lr_schedule_of(p), std::runtime_error);
}

TEST(ModelCatalog, EveryModelTakesTheTrainingKnobs) {
  for (const std::string& kind : model_kinds()) {
    std::vector<std::string> names;
    for (const auto& hp : model_hyperparameters(kind)) names.push_back(hp.name);
    for (const char* knob : {"lr", "optimizer", "batch_size", "grad_clip", "lr_schedule"}) {
      EXPECT_NE(std::find(names.begin(), names.end(), knob), names.end()) << kind << " " << knob;
    }
  }
  EXPECT_TRUE(model_hyperparameters("transformer").empty());
}

TEST(ModelCatalog, SaysWhichDataAModelCannotRead) {
  using core::Task;
  EXPECT_EQ(model_data_mismatch("mlp", Task::kClassification, {1, 8, 8}), "");  // flattened
  EXPECT_EQ(model_data_mismatch("cnn", Task::kRegression, {3, 8, 8}), "");
  EXPECT_EQ(model_data_mismatch("rnn", Task::kSequenceRegression, {16, 1}), "");
  EXPECT_EQ(model_data_mismatch("cnn", Task::kClassification, {32}),
            "model cnn reads images x (N, C, H, W), but x is (N, 32); store images as "
            "(N, C, H, W) (C = 1 for grey), or use model.kind: mlp");
  EXPECT_NE(model_data_mismatch("rnn", Task::kClassification, {1, 8, 8}).find("(N, T, F)"),
            std::string::npos);
  EXPECT_NE(model_data_mismatch("mlp", Task::kSequenceRegression, {16, 1}).find("use model.kind: rnn"),
            std::string::npos);
}

TEST(TaskMetrics, EachTaskDeclaresItsMetricsWithTrainLossFirst) {
  using core::Task;
  for (Task t : core::all_tasks()) {
    ASSERT_FALSE(task_metrics(t).empty());
    EXPECT_EQ(task_metrics(t)[0].name, "train_loss");  // the trainer fills it first
    EXPECT_TRUE(core::check_metric_names(task_metrics(t)).empty());
    EXPECT_TRUE(core::metric_index(task_metrics(t), default_objective(t)).has_value());
  }
  EXPECT_EQ(task_metrics(Task::kRegression)[regression::kValR2].name, "val_r2");
  EXPECT_EQ(task_metrics(Task::kRegression)[regression::kValR2].better, core::ObjectiveMode::kMax);
  EXPECT_EQ(default_objective(Task::kSequenceRegression), "val_mse");
}

}  // namespace
}  // namespace rungs::train

namespace rungs::train {
namespace {

// Faked environments: what LibTorch sees and the node-local rank.
TEST(DeviceChoice, EachRankTakesTheGpuAtItsLocalRankWrappingAround) {
  EXPECT_EQ(choose_device("auto", 4, 2).index, 2);
  EXPECT_TRUE(choose_device("auto", 4, 2).cuda);
  EXPECT_EQ(choose_device("auto", 4, 5).index, 1);   // 6 ranks on a 4-GPU node
  EXPECT_EQ(choose_device("cuda", 1, 3).index, 0);   // Slurm bound one GPU to this task
  EXPECT_FALSE(choose_device("cpu", 4, 0).cuda);
  EXPECT_FALSE(choose_device("auto", 0, 0).cuda);    // no GPU, or a CPU-only LibTorch
  EXPECT_THROW(choose_device("cuda", 0, 0), std::runtime_error);
}

TEST(DeviceChoice, CudaVisibleDevicesDecidesWhatTheNodeShows) {
  EXPECT_EQ(gpus_shown(nullptr, 8), 8);       // unset: the driver's list
  EXPECT_EQ(gpus_shown("0,1", 8), 2);
  EXPECT_EQ(gpus_shown("GPU-5d1c7f0e", 8), 1);  // UUIDs count too
  EXPECT_EQ(gpus_shown("", 8), 0);
  EXPECT_EQ(gpus_shown("-1", 8), 0);
  EXPECT_EQ(gpus_shown(nullptr, 0), 0);
}

TEST(DeviceChoice, WarnsOnceWhenGpusGoUnusedForWantOfCuda) {
  EXPECT_EQ(gpu_without_cuda_warning("auto", true, 4), "");   // a CUDA LibTorch uses them
  EXPECT_EQ(gpu_without_cuda_warning("auto", false, 0), "");  // nothing to use
  EXPECT_EQ(gpu_without_cuda_warning("cpu", false, 4), "");   // the user chose the CPU
  const std::string w = gpu_without_cuda_warning("auto", false, 2);
  EXPECT_NE(w.find("this node shows 2 GPUs but this rungs-sweep's LibTorch was built without CUDA"),
            std::string::npos)
      << w;
}

}  // namespace
}  // namespace rungs::train
