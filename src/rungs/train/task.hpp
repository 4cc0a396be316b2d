#pragma once
// What a model is trained to do (`data.task`) decides its loss and the
// metrics every step reports. The task declares them, in order; everything
// else in rungs carries them as data (core/metrics.hpp). Free of LibTorch:
// the config reader checks `objective.metric` against these declarations.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "rungs/core/metrics.hpp"

namespace rungs::train {

enum class Task {
  kClassification,  // integer class labels; cross-entropy
};
const char* to_string(Task task);  // "classification"
std::optional<Task> parse_task(const std::string& name);
std::vector<std::string> task_names();

// The metrics a model trained for `task` reports at every step, in order.
const std::vector<core::MetricSpec>& task_metrics(Task task);
// The metric the objective names when the configuration names none.
const std::string& default_objective(Task task);

// Classification's metrics, by position in task_metrics(kClassification).
namespace classification {
constexpr std::size_t kTrainLoss = 0;    // mean cross-entropy over the epoch's minibatches
constexpr std::size_t kValLoss = 1;      // mean cross-entropy on the validation split
constexpr std::size_t kValAccuracy = 2;  // fraction of validation rows classified right
constexpr std::size_t kMetricCount = 3;
}  // namespace classification

}  // namespace rungs::train
