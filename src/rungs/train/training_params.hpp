#pragma once
// The training knobs every model shares, as hyperparameters (searchable like
// any other): the optimizer and its settings, the batch size, gradient
// clipping, label smoothing and the learning-rate schedule. Free of LibTorch.
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/train/model_catalog.hpp"

namespace rungs::train {

inline const std::vector<ModelHyperparameter>& training_hyperparameters() {
  using core::ParamType;
  static const std::vector<ModelHyperparameter> kTraining = {
      {"lr", ParamType::kFloat, 1e-3, "base learning rate", {}},
      {"optimizer", ParamType::kCategorical, std::string("adam"), "sgd, adam, adamw or rmsprop",
       {"sgd", "adam", "adamw", "rmsprop"}},
      {"momentum", ParamType::kFloat, 0.9, "momentum (sgd and rmsprop; rmsprop's default is 0)", {}},
      {"nesterov", ParamType::kCategorical, std::string("false"),
       "Nesterov momentum (sgd, momentum > 0)", {"false", "true"}},
      {"weight_decay", ParamType::kFloat, 0.0, "L2 weight decay (decoupled for adamw)", {}},
      {"batch_size", ParamType::kInt, std::int64_t{64}, "minibatch size", {}},
      {"grad_clip", ParamType::kFloat, 0.0, "clip the gradient's L2 norm to this; 0: no clipping", {}},
      {"label_smoothing", ParamType::kFloat, 0.0, "label smoothing of the loss (classification)", {}},
      {"lr_schedule", ParamType::kCategorical, std::string("constant"),
       "constant, step or cosine, over the trial's full resource", {"constant", "step", "cosine"}},
      {"warmup_epochs", ParamType::kFloat, 0.0, "linear warm-up of the learning rate, in epochs", {}},
      {"lr_step_epochs", ParamType::kInt, std::int64_t{0},
       "step schedule: epochs per decay; 0 = a third of the full resource", {}},
      {"lr_gamma", ParamType::kFloat, 0.1, "step schedule: factor per decay", {}},
  };
  return kTraining;
}

}  // namespace rungs::train
