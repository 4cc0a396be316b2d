#include "rungs/train/task.hpp"

#include <stdexcept>

namespace rungs::train {

using core::ObjectiveMode;

const char* to_string(Task task) {
  switch (task) {
    case Task::kClassification: return "classification";
  }
  return "?";
}

std::optional<Task> parse_task(const std::string& name) {
  if (name == "classification") return Task::kClassification;
  return std::nullopt;
}

std::vector<std::string> task_names() { return {"classification"}; }

const std::vector<core::MetricSpec>& task_metrics(Task task) {
  // In the order of the classification:: positions.
  static const std::vector<core::MetricSpec> kClassificationMetrics = {
      {"train_loss", ObjectiveMode::kMin},
      {"val_loss", ObjectiveMode::kMin},
      {"val_accuracy", ObjectiveMode::kMax},
  };
  switch (task) {
    case Task::kClassification: return kClassificationMetrics;
  }
  throw std::logic_error("task_metrics: unknown task");
}

const std::string& default_objective(Task task) {
  switch (task) {
    case Task::kClassification: return task_metrics(task)[classification::kValAccuracy].name;
  }
  throw std::logic_error("default_objective: unknown task");
}

}  // namespace rungs::train
