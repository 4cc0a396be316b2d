#pragma once
// Which device a rank trains on, as a pure function of what it can see, so
// the rule is tested without GPUs. Free of LibTorch (the catalog library);
// trainer.cpp applies it with what LibTorch reports.
//
// Each rank takes one GPU: the one at its node-local rank among the devices
// visible to it, wrapping around when the node has more ranks than GPUs.
// CUDA_VISIBLE_DEVICES (set by the user, or by Slurm's per-task GPU binding,
// --gpus-per-task / --gpu-bind) narrows what is visible first: a rank Slurm
// bound to one GPU sees one device and takes it whatever its local rank.
#include <string>

namespace rungs::train {

struct DeviceChoice {
  bool cuda = false;
  int index = 0;  // among the devices visible to this rank (cuda only)
};

// training.device `wanted` (auto, cpu, cuda), the CUDA devices LibTorch sees
// (0 without any, or with a CPU-only LibTorch), and the rank's node-local
// rank. Throws std::runtime_error for cuda without a device.
DeviceChoice choose_device(const std::string& wanted, int cuda_devices, int local_rank);

// GPUs this node shows to the process, without CUDA: the entries of
// CUDA_VISIBLE_DEVICES when it is set ("" or "-1" hide them all), else the
// GPUs the NVIDIA driver lists (/proc/driver/nvidia/gpus/*). `visible_env`
// is the variable's value or nullptr; `driver_gpus` the driver's count.
int gpus_shown(const char* visible_env, int driver_gpus);

// The one warning line rank 0 prints when the node shows GPUs that training
// will not use because LibTorch was built without CUDA; "" otherwise.
std::string gpu_without_cuda_warning(const std::string& wanted, bool torch_has_cuda,
                                     int gpus_on_node);

}  // namespace rungs::train
