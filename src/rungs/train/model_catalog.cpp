#include "rungs/train/model_catalog.hpp"

#include "rungs/train/models/cnn.hpp"
#include "rungs/train/models/mlp.hpp"
#include "rungs/train/models/rnn.hpp"
#include "rungs/train/training_params.hpp"

namespace rungs::train {
namespace {

std::vector<ModelHyperparameter> with_training(const std::vector<ModelHyperparameter>& model) {
  std::vector<ModelHyperparameter> all = model;
  const auto& training = training_hyperparameters();
  all.insert(all.end(), training.begin(), training.end());
  return all;
}

std::string shape_text(const std::vector<std::int64_t>& dims) {
  std::string out = "(N";
  for (std::int64_t d : dims) out += ", " + std::to_string(d);
  return out + ")";
}

}  // namespace

std::vector<std::string> model_kinds() { return {"mlp", "cnn", "rnn"}; }

const std::vector<ModelHyperparameter>& model_hyperparameters(const std::string& kind) {
  static const std::vector<ModelHyperparameter> kMlp = with_training(mlp_hyperparameters());
  static const std::vector<ModelHyperparameter> kCnn = with_training(cnn_hyperparameters());
  static const std::vector<ModelHyperparameter> kRnn = with_training(rnn_hyperparameters());
  static const std::vector<ModelHyperparameter> kNone;
  if (kind == "mlp") return kMlp;
  if (kind == "cnn") return kCnn;
  if (kind == "rnn") return kRnn;
  return kNone;
}

std::string model_task_mismatch(const std::string& kind, core::Task task) {
  if (task == core::Task::kSequenceRegression && kind != "rnn") {
    return "model " + kind + " predicts one output per sample, but data.task " +
           "sequence_regression needs one per step; use model.kind: rnn";
  }
  return "";
}

std::string model_data_mismatch(const std::string& kind, core::Task task,
                                const std::vector<std::int64_t>& sample_shape) {
  const std::string task_problem = model_task_mismatch(kind, task);
  if (!task_problem.empty()) return task_problem;
  if (kind == "cnn" && sample_shape.size() != 3) {
    return "model cnn reads images x (N, C, H, W), but x is " + shape_text(sample_shape) +
           "; store images as (N, C, H, W) (C = 1 for grey), or use model.kind: mlp";
  }
  if (kind == "rnn" && sample_shape.size() != 2) {
    return "model rnn reads sequences x (N, T, F), but x is " + shape_text(sample_shape) +
           "; store sequences as (N, T, F) (F = 1 for one value per step), or use model.kind: mlp";
  }
  return "";
}

}  // namespace rungs::train
