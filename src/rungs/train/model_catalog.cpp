#include "rungs/train/model_catalog.hpp"

namespace rungs::train {

using core::ParamType;

std::vector<std::string> model_kinds() { return {"mlp"}; }

const std::vector<ModelHyperparameter>& model_hyperparameters(const std::string& kind) {
  static const std::vector<ModelHyperparameter> kMlp = {
      {"lr", ParamType::kFloat, 1e-3, "learning rate", {}},
      {"hidden", ParamType::kInt, std::int64_t{64}, "units per hidden layer", {}},
      {"layers", ParamType::kInt, std::int64_t{2}, "hidden layers", {}},
      {"dropout", ParamType::kFloat, 0.0, "dropout probability after each hidden layer", {}},
      {"weight_decay", ParamType::kFloat, 0.0, "L2 weight decay (decoupled for adamw)", {}},
      {"batch_size", ParamType::kInt, std::int64_t{64}, "minibatch size", {}},
      {"optimizer", ParamType::kCategorical, std::string("adam"), "sgd, adam or adamw",
       {"sgd", "adam", "adamw"}},
      {"momentum", ParamType::kFloat, 0.9, "momentum (sgd only)", {}},
  };
  static const std::vector<ModelHyperparameter> kNone;
  return kind == "mlp" ? kMlp : kNone;
}

}  // namespace rungs::train
