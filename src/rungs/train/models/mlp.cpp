// The multilayer perceptron: flattened samples through ReLU layers.
#include "rungs/train/models/mlp.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "rungs/train/models/net.hpp"

namespace rungs::train {
namespace {

struct Mlp : Net {
  Mlp(std::int64_t inputs, std::int64_t hidden, std::int64_t layers, std::int64_t outputs,
      double dropout_p)
      : dropout_p(dropout_p) {
    std::int64_t width = inputs;
    for (std::int64_t i = 0; i <= layers; ++i) {
      const std::int64_t out = i == layers ? outputs : hidden;
      fc.push_back(register_module("fc" + std::to_string(i), torch::nn::Linear(width, out)));
      width = out;
    }
  }

  void initialize(at::Generator& gen) override {
    for (auto& layer : fc) init_fan_in(layer->weight, layer->bias, gen);
  }

  torch::Tensor forward(torch::Tensor x, at::Generator* gen) override {
    x = x.flatten(1);
    for (std::size_t i = 0; i + 1 < fc.size(); ++i) {
      x = dropout(torch::relu(fc[i]->forward(x)), dropout_p, is_training(), gen);
    }
    return fc.back()->forward(x);
  }

  std::vector<torch::nn::Linear> fc;
  double dropout_p;
};

}  // namespace

std::shared_ptr<Net> make_mlp(const core::ParamSet& p, const NetShape& shape) {
  const std::int64_t hidden = p.get_int("hidden", 64);
  const std::int64_t layers = p.get_int("layers", 2);
  const double dropout_p = p.get_double("dropout", 0.0);
  if (hidden < 1 || layers < 0 || dropout_p < 0.0 || dropout_p >= 1.0) {
    throw std::runtime_error("invalid mlp shape: hidden=" + std::to_string(hidden) +
                             " layers=" + std::to_string(layers) +
                             " dropout=" + std::to_string(dropout_p));
  }
  std::int64_t inputs = 1;
  for (std::int64_t d : shape.sample_shape) inputs *= d;
  return std::make_shared<Mlp>(inputs, hidden, layers, shape.outputs, dropout_p);
}

torch::Tensor dropout(const torch::Tensor& x, double p, bool training, at::Generator* gen) {
  if (!training || p <= 0.0) return x;
  if (x.is_cuda() || gen == nullptr) {
    return torch::nn::functional::dropout(
        x, torch::nn::functional::DropoutFuncOptions().p(p).training(true));
  }
  const auto keep = torch::empty_like(x).bernoulli_(1.0 - p, *gen);
  return x * keep / (1.0 - p);
}

void init_fan_in(torch::Tensor& weight, torch::Tensor& bias, at::Generator& gen) {
  torch::NoGradGuard no_grad;
  const double fan_in = static_cast<double>(weight.numel() / weight.size(0));
  const double bound = 1.0 / std::sqrt(fan_in);
  weight.uniform_(-bound, bound, gen);
  if (bias.defined()) bias.uniform_(-bound, bound, gen);
}

}  // namespace rungs::train
