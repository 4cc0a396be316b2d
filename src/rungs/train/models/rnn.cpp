// The recurrent network: stacked LSTM or GRU layers (each its own module,
// so the dropout between them draws from the trial's generator), then a
// linear layer on the last step (per sequence) or on every step (per step).
// Reads sequences (T, F).
#include "rungs/train/models/rnn.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "rungs/train/models/net.hpp"

namespace rungs::train {
namespace {

struct Rnn : Net {
  Rnn(const NetShape& shape, bool lstm, std::int64_t hidden, std::int64_t layers,
      bool bidirectional, double dropout_p)
      : lstm(lstm), hidden(hidden), directions(bidirectional ? 2 : 1), per_step(shape.per_step),
        dropout_p(dropout_p) {
    std::int64_t in = shape.sample_shape[1];
    for (std::int64_t l = 0; l < layers; ++l) {
      const std::string name = "rnn" + std::to_string(l);
      if (lstm) {
        lstms.push_back(register_module(
            name, torch::nn::LSTM(torch::nn::LSTMOptions(in, hidden).batch_first(true).bidirectional(
                      bidirectional))));
      } else {
        grus.push_back(register_module(
            name, torch::nn::GRU(torch::nn::GRUOptions(in, hidden).batch_first(true).bidirectional(
                      bidirectional))));
      }
      in = directions * hidden;
    }
    head = register_module("head", torch::nn::Linear(in, shape.outputs));
  }

  // PyTorch's default for recurrent layers: every parameter uniform in
  // +-1/sqrt(hidden).
  void initialize(at::Generator& gen) override {
    torch::NoGradGuard no_grad;
    const double bound = 1.0 / std::sqrt(static_cast<double>(hidden));
    for (auto& p : named_parameters()) {
      if (p.key().rfind("head.", 0) == 0) continue;
      p.value().uniform_(-bound, bound, gen);
    }
    init_fan_in(head->weight, head->bias, gen);
  }

  torch::Tensor forward(torch::Tensor x, at::Generator* gen) override {
    const std::size_t layers = lstm ? lstms.size() : grus.size();
    for (std::size_t l = 0; l < layers; ++l) {
      x = lstm ? std::get<0>(lstms[l]->forward(x)) : std::get<0>(grus[l]->forward(x));
      x = dropout(x, dropout_p, is_training(), gen);
    }
    if (per_step) return head->forward(x);  // (N, T, outputs)
    // Per sequence: the forward direction's last step, and the backward
    // direction's first (where it has read the whole sequence).
    torch::Tensor last = x.select(1, x.size(1) - 1).narrow(1, 0, hidden);
    if (directions == 2) {
      last = torch::cat({last, x.select(1, 0).narrow(1, hidden, hidden)}, 1);
    }
    return head->forward(last);
  }

  bool lstm;
  std::int64_t hidden, directions;
  bool per_step;
  double dropout_p;
  std::vector<torch::nn::LSTM> lstms;
  std::vector<torch::nn::GRU> grus;
  torch::nn::Linear head{nullptr};
};

}  // namespace

std::shared_ptr<Net> make_rnn(const core::ParamSet& p, const NetShape& shape) {
  const std::string cell = p.get_string("cell", "lstm");
  const std::int64_t hidden = p.get_int("hidden", 64);
  const std::int64_t layers = p.get_int("layers", 1);
  const std::string bidirectional = p.get_string("bidirectional", "false");
  const double dropout_p = p.get_double("dropout", 0.0);
  if (hidden < 1 || layers < 1 || layers > 16 || dropout_p < 0.0 || dropout_p >= 1.0) {
    throw std::runtime_error("invalid rnn shape: hidden=" + std::to_string(hidden) +
                             " layers=" + std::to_string(layers) + " (1..16) dropout=" +
                             std::to_string(dropout_p));
  }
  return std::make_shared<Rnn>(shape, cell == "lstm", hidden, layers, bidirectional == "true",
                               dropout_p);
}

}  // namespace rungs::train
