#pragma once
// The models rungs can train and the hyperparameters each understands, so a
// configuration naming a parameter the model would ignore is rejected before
// any GPU time is spent. Defaults apply to parameters not in the space.
// Free of LibTorch (the catalog library): the config reader and the `rungs`
// tool use it on machines without LibTorch.
#include <string>
#include <vector>

#include "rungs/core/search_space.hpp"

namespace rungs::train {

struct ModelHyperparameter {
  std::string name;
  core::ParamType type;
  core::ParamValue default_value;
  std::string meaning;
  std::vector<std::string> allowed;  // categoricals: the values the model knows
};

// Known model kinds ("mlp").
std::vector<std::string> model_kinds();
// The hyperparameters of `kind`; empty for an unknown kind.
const std::vector<ModelHyperparameter>& model_hyperparameters(const std::string& kind);

}  // namespace rungs::train
