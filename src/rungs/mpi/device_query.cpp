#include "rungs/mpi/device_query.hpp"

#include <cstdlib>

#ifdef RUNGS_HAVE_CUDA_RUNTIME
#include <cuda_runtime_api.h>
#endif

namespace rungs::mpi {

std::string describe_device(const std::string& torch_device) {
#ifdef RUNGS_HAVE_CUDA_RUNTIME
  const std::string prefix = "cuda:";
  if (torch_device.compare(0, prefix.size(), prefix) == 0) {
    const int index = std::atoi(torch_device.c_str() + prefix.size());
    cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, index) == cudaSuccess) {
      return torch_device + " " + prop.name;
    }
  }
#endif
  return torch_device;
}

}  // namespace rungs::mpi
