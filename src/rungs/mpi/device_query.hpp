#pragma once
// Human-readable device names for the archive ("cuda:0 NVIDIA H100 80GB HBM3"),
// from the CUDA runtime when the build has it.
#include <string>

namespace rungs::mpi {

std::string describe_device(const std::string& torch_device);

}  // namespace rungs::mpi
