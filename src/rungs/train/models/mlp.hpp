#pragma once
// The multilayer perceptron's architecture hyperparameters (the network is in
// mlp.cpp). Free of LibTorch. Reads samples of any shape, flattened.
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/train/model_catalog.hpp"

namespace rungs::train {

inline const std::vector<ModelHyperparameter>& mlp_hyperparameters() {
  using core::ParamType;
  static const std::vector<ModelHyperparameter> kMlp = {
      {"hidden", ParamType::kInt, std::int64_t{64}, "units per hidden layer", {}},
      {"layers", ParamType::kInt, std::int64_t{2}, "hidden layers", {}},
      {"dropout", ParamType::kFloat, 0.0, "dropout probability after each hidden layer", {}},
  };
  return kMlp;
}

}  // namespace rungs::train
