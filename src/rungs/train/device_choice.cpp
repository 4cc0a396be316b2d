#include "rungs/train/device_choice.hpp"

#include <sstream>
#include <stdexcept>

namespace rungs::train {

DeviceChoice choose_device(const std::string& wanted, int cuda_devices, int local_rank) {
  if (wanted == "cuda" && cuda_devices < 1) {
    throw std::runtime_error(
        "training.device is cuda but LibTorch sees no CUDA device (a CPU-only LibTorch, or no "
        "GPU on this node); use device: auto or cpu");
  }
  DeviceChoice c;
  if (wanted == "cpu" || cuda_devices < 1) return c;
  c.cuda = true;
  c.index = (local_rank < 0 ? 0 : local_rank) % cuda_devices;
  return c;
}

int gpus_shown(const char* visible_env, int driver_gpus) {
  if (visible_env == nullptr) return driver_gpus;
  const std::string list = visible_env;
  if (list.empty() || list == "-1" || list == "NoDevFiles") return 0;
  int n = 0;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) ++n;
  }
  return n;
}

std::string gpu_without_cuda_warning(const std::string& wanted, bool torch_has_cuda,
                                     int gpus_on_node) {
  if (torch_has_cuda || gpus_on_node < 1 || wanted == "cpu") return "";
  return "this node shows " + std::to_string(gpus_on_node) + " GPU" +
         (gpus_on_node == 1 ? "" : "s") +
         " but this rungs-sweep's LibTorch was built without CUDA, so every rank trains on the "
         "CPU; build against a CUDA LibTorch (docs/training.md, Devices), or set "
         "training.device: cpu to silence this";
}

}  // namespace rungs::train
