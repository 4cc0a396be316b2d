#pragma once
// The optimizer every model trains with, built from the trial's
// hyperparameters (training_params.hpp): sgd (momentum, nesterov), adam,
// adamw (decoupled weight decay, Loshchilov & Hutter, ICLR 2019) or rmsprop.
// Includes LibTorch: only train/*.cpp include it.
#include <torch/torch.h>

#include <memory>
#include <vector>

#include "rungs/core/search_space.hpp"

namespace rungs::train {

// Throws std::runtime_error for an unknown optimizer or a value out of range.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const core::ParamSet& params,
                                                        std::vector<torch::Tensor> weights);

// Sets every parameter group's learning rate.
void set_learning_rate(torch::optim::Optimizer& optimizer, double lr);

}  // namespace rungs::train
