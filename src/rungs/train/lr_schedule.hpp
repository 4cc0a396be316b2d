#pragma once
// The learning rate over a trial's life, as a pure function of where the
// trial is: the epoch and the minibatch within it, out of the trial's FULL
// resource (the scheduler's max_resource), not the job's. A trial paused at
// a rung and promoted later continues its schedule exactly where it stopped,
// and its curve equals an unbroken run's. Free of LibTorch.
//
//   LrSchedule s = lr_schedule_of(params);     // from the trial's hyperparameters
//   double lr = base_lr * lr_factor(s, epoch, batch, batches, max_resource);
//
// Shapes (Loshchilov & Hutter, SGDR, ICLR 2017, for cosine; Goyal et al.,
// "Accurate, Large Minibatch SGD", 2017, for linear warm-up):
//   constant  1
//   step      gamma ^ floor(epoch / step_epochs)
//   cosine    (1 + cos(pi * t / total)) / 2, t = epochs done, fractional
// times a linear warm-up min(1, (t + 1 / batches) / warmup_epochs) when
// warmup_epochs > 0.
#include <cstdint>
#include <string>

#include "rungs/core/search_space.hpp"

namespace rungs::train {

enum class LrShape { kConstant, kStep, kCosine };

struct LrSchedule {
  LrShape shape = LrShape::kConstant;
  double warmup_epochs = 0.0;
  std::int64_t step_epochs = 0;  // step: epochs per decay; 0 = a third of the full resource
  double gamma = 0.1;            // step: the factor per decay
};

// The schedule a trial's hyperparameters ask for (lr_schedule, warmup_epochs,
// lr_step_epochs, lr_gamma); std::runtime_error for values out of range.
LrSchedule lr_schedule_of(const core::ParamSet& params);

// The factor on the base learning rate for minibatch `batch` (0-based) of
// `batches` in epoch `epoch` (0-based) of a trial whose full resource is
// `total_epochs`.
double lr_factor(const LrSchedule& s, std::int64_t epoch, std::int64_t batch,
                 std::int64_t batches, std::int64_t total_epochs);

}  // namespace rungs::train
