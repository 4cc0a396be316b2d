#pragma once
// What every model is to the trainer: a LibTorch module whose randomness
// (initial weights, dropout masks) comes from a generator passed in, never
// from LibTorch's global one, so that several trials training at once in
// threads of one process each stay a function of their own seed. Includes
// LibTorch: only train/*.cpp include it.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "rungs/core/search_space.hpp"

namespace rungs::train {

// What a model must produce for the data at hand.
struct NetShape {
  std::vector<std::int64_t> sample_shape;  // x's shape without the sample dimension
  std::int64_t outputs = 1;                // classes, or values per target
  bool per_step = false;                   // an output per step of a sequence
};

struct Net : torch::nn::Module {
  // Sets every parameter from `gen` (LibTorch's default distributions).
  virtual void initialize(at::Generator& gen) = 0;
  // (N, sample_shape...) -> (N, outputs), or (N, T, outputs) when per_step.
  // `gen` draws dropout masks on CPU tensors (null in evaluation).
  virtual torch::Tensor forward(torch::Tensor x, at::Generator* gen) = 0;
};

std::shared_ptr<Net> make_mlp(const core::ParamSet& params, const NetShape& shape);
std::shared_ptr<Net> make_cnn(const core::ParamSet& params, const NetShape& shape);
std::shared_ptr<Net> make_rnn(const core::ParamSet& params, const NetShape& shape);

// Inverted dropout with masks from `gen` on the CPU; on a GPU the device's
// own generator (seeded per epoch by the trainer) draws them.
torch::Tensor dropout(const torch::Tensor& x, double p, bool training, at::Generator* gen);

// LibTorch's default for Linear and Conv (kaiming_uniform, a = sqrt(5)):
// weight and bias uniform in +-1/sqrt(fan_in).
void init_fan_in(torch::Tensor& weight, torch::Tensor& bias, at::Generator& gen);

}  // namespace rungs::train
