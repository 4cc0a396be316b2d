#include "rungs/train/task.hpp"

#include <stdexcept>

namespace rungs::train {

using core::ObjectiveMode;

const std::vector<core::MetricSpec>& task_metrics(Task task) {
  // In the order of the classification:: and regression:: positions.
  static const std::vector<core::MetricSpec> kClassificationMetrics = {
      {"train_loss", ObjectiveMode::kMin},
      {"val_loss", ObjectiveMode::kMin},
      {"val_accuracy", ObjectiveMode::kMax},
  };
  static const std::vector<core::MetricSpec> kRegressionMetrics = {
      {"train_loss", ObjectiveMode::kMin},
      {"val_mse", ObjectiveMode::kMin},
      {"val_mae", ObjectiveMode::kMin},
      {"val_r2", ObjectiveMode::kMax},
  };
  switch (task) {
    case Task::kClassification: return kClassificationMetrics;
    case Task::kRegression:
    case Task::kSequenceRegression: return kRegressionMetrics;
  }
  throw std::logic_error("task_metrics: unknown task");
}

const std::string& default_objective(Task task) {
  switch (task) {
    case Task::kClassification: return task_metrics(task)[classification::kValAccuracy].name;
    case Task::kRegression:
    case Task::kSequenceRegression: return task_metrics(task)[regression::kValMse].name;
  }
  throw std::logic_error("default_objective: unknown task");
}

}  // namespace rungs::train
