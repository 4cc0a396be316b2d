#pragma once
// The models rungs can train, the hyperparameters each understands, and the
// data each fits, so a configuration naming a parameter the model would
// ignore, or data it cannot read, is rejected before any GPU time is spent.
// Defaults apply to parameters not in the space. Free of LibTorch (the
// catalog library): the config reader and the `rungs` tool use it on
// machines without LibTorch.
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/core/search_space.hpp"
#include "rungs/core/sweep_spec.hpp"

namespace rungs::train {

struct ModelHyperparameter {
  std::string name;
  core::ParamType type;
  core::ParamValue default_value;
  std::string meaning;
  std::vector<std::string> allowed;  // categoricals: the values the model knows
};

// Known model kinds: "mlp", "cnn", "rnn".
std::vector<std::string> model_kinds();
// The hyperparameters of `kind`: its architecture's (models/<kind>.hpp), then
// the training knobs every model shares (training_params.hpp); empty for an
// unknown kind.
const std::vector<ModelHyperparameter>& model_hyperparameters(const std::string& kind);

// Why `kind` cannot learn `task` from samples of `sample_shape` (x's shape
// without the sample dimension), as "problem; fix"; "" when it can.
std::string model_data_mismatch(const std::string& kind, core::Task task,
                                const std::vector<std::int64_t>& sample_shape);
// Why `kind` cannot learn `task` at all ("" when it can): for the config reader.
std::string model_task_mismatch(const std::string& kind, core::Task task);

}  // namespace rungs::train
