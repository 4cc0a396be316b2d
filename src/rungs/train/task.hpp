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
#include "rungs/core/sweep_spec.hpp"

namespace rungs::train {

using core::Task;  // classification, regression, sequence_regression (core/sweep_spec.hpp)

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

// Regression's (and per-step sequence regression's, over every step of every
// sample) metrics, by position in task_metrics(kRegression).
namespace regression {
constexpr std::size_t kTrainLoss = 0;  // mean squared error over the epoch's minibatches
constexpr std::size_t kValMse = 1;     // mean squared error on the validation split
constexpr std::size_t kValMae = 2;     // mean absolute error
constexpr std::size_t kValR2 = 3;      // 1 - SS_res / SS_tot (1: perfect, 0: the mean's)
constexpr std::size_t kMetricCount = 4;
}  // namespace regression

}  // namespace rungs::train
