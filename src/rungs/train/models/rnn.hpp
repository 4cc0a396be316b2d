#pragma once
// The recurrent network's architecture hyperparameters (the network is in
// rnn.cpp). Free of LibTorch. Reads sequences (T, F); predicts per sequence
// (classification, regression) or per step (sequence_regression).
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/train/model_catalog.hpp"

namespace rungs::train {

inline const std::vector<ModelHyperparameter>& rnn_hyperparameters() {
  using core::ParamType;
  static const std::vector<ModelHyperparameter> kRnn = {
      {"cell", ParamType::kCategorical, std::string("lstm"), "lstm or gru", {"lstm", "gru"}},
      {"hidden", ParamType::kInt, std::int64_t{64}, "hidden units per direction and layer", {}},
      {"layers", ParamType::kInt, std::int64_t{1}, "stacked recurrent layers", {}},
      {"bidirectional", ParamType::kCategorical, std::string("false"),
       "read each sequence both ways", {"false", "true"}},
      {"dropout", ParamType::kFloat, 0.0, "dropout probability between layers and before the output",
       {}},
  };
  return kRnn;
}

}  // namespace rungs::train
