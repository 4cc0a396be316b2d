// The convolutional network: blocks of convolution, batch norm, ReLU and
// 2x2 pooling, each doubling the channels, then a global average and a
// linear layer. Reads images (C, H, W).
#include "rungs/train/models/cnn.hpp"

#include <stdexcept>
#include <string>

#include "rungs/train/models/net.hpp"

namespace rungs::train {
namespace {

enum class Pooling { kMax, kAvg, kNone };

struct Cnn : Net {
  Cnn(const NetShape& shape, std::int64_t blocks, std::int64_t channels, std::int64_t kernel,
      Pooling pooling, bool batch_norm, double dropout_p)
      : pooling(pooling), dropout_p(dropout_p) {
    std::int64_t in = shape.sample_shape[0], h = shape.sample_shape[1], w = shape.sample_shape[2];
    for (std::int64_t b = 0; b < blocks; ++b) {
      const std::int64_t out = channels << b;
      convs.push_back(register_module(
          "conv" + std::to_string(b),
          torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2))));
      if (batch_norm) {
        norms.push_back(register_module("bn" + std::to_string(b), torch::nn::BatchNorm2d(out)));
      }
      // Pool only while there is something to pool.
      const bool pool = pooling != Pooling::kNone && h >= 2 && w >= 2;
      pooled.push_back(pool);
      if (pool) {
        h /= 2;
        w /= 2;
      }
      in = out;
    }
    head = register_module("head", torch::nn::Linear(in, shape.outputs));
  }

  void initialize(at::Generator& gen) override {
    for (auto& conv : convs) init_fan_in(conv->weight, conv->bias, gen);
    init_fan_in(head->weight, head->bias, gen);
  }

  torch::Tensor forward(torch::Tensor x, at::Generator* gen) override {
    for (std::size_t b = 0; b < convs.size(); ++b) {
      x = convs[b]->forward(x);
      if (!norms.empty()) x = norms[b]->forward(x);
      x = torch::relu(x);
      if (pooled[b]) x = pooling == Pooling::kMax ? torch::max_pool2d(x, 2) : torch::avg_pool2d(x, 2);
    }
    x = x.mean({2, 3});  // global average over the image
    return head->forward(dropout(x, dropout_p, is_training(), gen));
  }

  std::vector<torch::nn::Conv2d> convs;
  std::vector<torch::nn::BatchNorm2d> norms;
  std::vector<bool> pooled;
  torch::nn::Linear head{nullptr};
  Pooling pooling;
  double dropout_p;
};

}  // namespace

std::shared_ptr<Net> make_cnn(const core::ParamSet& p, const NetShape& shape) {
  const std::int64_t blocks = p.get_int("conv_layers", 2);
  const std::int64_t channels = p.get_int("channels", 16);
  const std::int64_t kernel = p.get_int("kernel_size", 3);
  const std::string pooling = p.get_string("pooling", "max");
  const std::string batch_norm = p.get_string("batch_norm", "true");
  const double dropout_p = p.get_double("dropout", 0.0);
  if (blocks < 1 || blocks > 8 || channels < 1 || (channels << (blocks - 1)) > 4096 ||
      kernel < 1 || kernel % 2 == 0 || dropout_p < 0.0 || dropout_p >= 1.0) {
    throw std::runtime_error("invalid cnn shape: conv_layers=" + std::to_string(blocks) +
                             " (1..8) channels=" + std::to_string(channels) +
                             " kernel_size=" + std::to_string(kernel) + " (odd) dropout=" +
                             std::to_string(dropout_p));
  }
  const Pooling pool = pooling == "max" ? Pooling::kMax : pooling == "avg" ? Pooling::kAvg
                                                                             : Pooling::kNone;
  return std::make_shared<Cnn>(shape, blocks, channels, kernel, pool, batch_norm == "true",
                               dropout_p);
}

}  // namespace rungs::train
