#include "rungs/train/lr_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rungs::train {

LrSchedule lr_schedule_of(const core::ParamSet& p) {
  LrSchedule s;
  const std::string shape = p.get_string("lr_schedule", "constant");
  if (shape == "constant") {
    s.shape = LrShape::kConstant;
  } else if (shape == "step") {
    s.shape = LrShape::kStep;
  } else if (shape == "cosine") {
    s.shape = LrShape::kCosine;
  } else {
    throw std::runtime_error("unknown lr_schedule '" + shape + "' (constant, step, cosine)");
  }
  s.warmup_epochs = p.get_double("warmup_epochs", 0.0);
  s.step_epochs = p.get_int("lr_step_epochs", 0);
  s.gamma = p.get_double("lr_gamma", 0.1);
  if (!(s.warmup_epochs >= 0.0)) throw std::runtime_error("warmup_epochs must be >= 0");
  if (s.step_epochs < 0) throw std::runtime_error("lr_step_epochs must be >= 0");
  if (!(s.gamma > 0.0 && s.gamma <= 1.0)) throw std::runtime_error("lr_gamma must be in (0, 1]");
  return s;
}

double lr_factor(const LrSchedule& s, std::int64_t epoch, std::int64_t batch,
                 std::int64_t batches, std::int64_t total_epochs) {
  const double per_batch = 1.0 / static_cast<double>(std::max<std::int64_t>(batches, 1));
  const double done = static_cast<double>(epoch) + static_cast<double>(batch) * per_batch;
  const double total = static_cast<double>(std::max<std::int64_t>(total_epochs, 1));
  double factor = 1.0;
  switch (s.shape) {
    case LrShape::kConstant: break;
    case LrShape::kStep: {
      const std::int64_t every =
          s.step_epochs > 0 ? s.step_epochs : std::max<std::int64_t>(1, total_epochs / 3);
      factor = std::pow(s.gamma, static_cast<double>(epoch / every));
      break;
    }
    case LrShape::kCosine:
      factor = 0.5 * (1.0 + std::cos(3.141592653589793 * std::min(done, total) / total));
      break;
  }
  if (s.warmup_epochs > 0.0) factor *= std::min(1.0, (done + per_batch) / s.warmup_epochs);
  return factor;
}

}  // namespace rungs::train
