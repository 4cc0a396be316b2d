#pragma once
// What the archive says about each rank's device: "cuda:0 NVIDIA H100 80GB
// HBM3 GPU-5d1c... pci 0000:1b:00.0" (name, UUID and PCI bus id from the CUDA
// runtime when the build has it; no commas, the archive lists ranks with
// them), or "cpu". And what GPUs the node shows without asking CUDA.
#include <string>

namespace rungs::run {

// `device` is "cpu" or "cuda:<i>", as a runner names it.
std::string describe_device(const std::string& device);

// GPUs the NVIDIA driver lists in /proc/driver/nvidia/gpus (0 without one).
int driver_gpu_count();

// The one warning line rank 0 prints when the node's GPUs go unused because
// the LibTorch the built-in models use has no CUDA (train/device_choice.hpp);
// "" otherwise.
std::string unused_gpu_warning(const std::string& wanted_device, bool torch_has_cuda);

}  // namespace rungs::run
