#pragma once
// The models rungs can train and the hyperparameters each understands, so a
// configuration naming a parameter the model would ignore is rejected before
// any GPU time is spent. Defaults apply to parameters not in the space.
#include <string>
#include <vector>

#include "rungs/core/search_space.hpp"

namespace rungs::core {

struct ModelHyperparameter {
  std::string name;
  ParamType type;
  ParamValue default_value;
  std::string meaning;
  std::vector<std::string> allowed;  // categoricals: the values the model knows
};

// Known model kinds ("mlp").
std::vector<std::string> model_kinds();
// The hyperparameters of `kind`; empty for an unknown kind.
const std::vector<ModelHyperparameter>& model_hyperparameters(const std::string& kind);

}  // namespace rungs::core
