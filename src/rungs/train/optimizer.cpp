#include "rungs/train/optimizer.hpp"

#include <stdexcept>
#include <string>

namespace rungs::train {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const core::ParamSet& p,
                                                        std::vector<torch::Tensor> weights) {
  const double lr = p.get_double("lr", 1e-3);
  const double wd = p.get_double("weight_decay", 0.0);
  const std::string kind = p.get_string("optimizer", "adam");
  if (!(lr > 0.0)) throw std::runtime_error("learning rate must be > 0, got " + std::to_string(lr));
  if (!(wd >= 0.0)) throw std::runtime_error("weight_decay must be >= 0");
  if (kind == "adam") {
    return std::make_unique<torch::optim::Adam>(std::move(weights),
                                                torch::optim::AdamOptions(lr).weight_decay(wd));
  }
  if (kind == "adamw") {
    return std::make_unique<torch::optim::AdamW>(std::move(weights),
                                                 torch::optim::AdamWOptions(lr).weight_decay(wd));
  }
  if (kind == "sgd") {
    const double momentum = p.get_double("momentum", 0.9);
    const bool nesterov = p.get_string("nesterov", "false") == "true";
    if (nesterov && !(momentum > 0.0)) {
      throw std::runtime_error("nesterov needs momentum > 0, got " + std::to_string(momentum));
    }
    return std::make_unique<torch::optim::SGD>(
        std::move(weights),
        torch::optim::SGDOptions(lr).momentum(momentum).nesterov(nesterov).weight_decay(wd));
  }
  if (kind == "rmsprop") {
    const double momentum = p.has("momentum") ? p.get_double("momentum", 0.0) : 0.0;
    return std::make_unique<torch::optim::RMSprop>(
        std::move(weights), torch::optim::RMSpropOptions(lr).momentum(momentum).weight_decay(wd));
  }
  throw std::runtime_error("unknown optimizer '" + kind + "' (sgd, adam, adamw, rmsprop)");
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace rungs::train
