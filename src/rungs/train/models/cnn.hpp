#pragma once
// The convolutional network's architecture hyperparameters (the network is in
// cnn.cpp). Free of LibTorch. Reads images (C, H, W).
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/train/model_catalog.hpp"

namespace rungs::train {

inline const std::vector<ModelHyperparameter>& cnn_hyperparameters() {
  using core::ParamType;
  static const std::vector<ModelHyperparameter> kCnn = {
      {"conv_layers", ParamType::kInt, std::int64_t{2}, "convolution blocks (depth)", {}},
      {"channels", ParamType::kInt, std::int64_t{16},
       "channels of the first block (width); each later block doubles them", {}},
      {"kernel_size", ParamType::kInt, std::int64_t{3}, "odd convolution kernel size", {}},
      {"pooling", ParamType::kCategorical, std::string("max"),
       "2x2 pooling after each block while the image is at least 2x2", {"max", "avg", "none"}},
      {"batch_norm", ParamType::kCategorical, std::string("true"),
       "batch normalisation after each convolution", {"true", "false"}},
      {"dropout", ParamType::kFloat, 0.0, "dropout probability before the output layer", {}},
  };
  return kCnn;
}

}  // namespace rungs::train
