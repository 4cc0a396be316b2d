#include "rungs/run/device_query.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#ifdef RUNGS_HAVE_CUDA_RUNTIME
#include <cuda_runtime_api.h>
#endif

#include "rungs/train/device_choice.hpp"

namespace rungs::run {

std::string describe_device(const std::string& device) {
#ifdef RUNGS_HAVE_CUDA_RUNTIME
  const std::string prefix = "cuda:";
  if (device.compare(0, prefix.size(), prefix) == 0) {
    const int index = std::atoi(device.c_str() + prefix.size());
    cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, index) == cudaSuccess) {
      // The UUID as nvidia-smi prints it, and the PCI address: which physical
      // GPU this was, whatever CUDA_VISIBLE_DEVICES renumbered.
      char uuid[64];
      const auto* b = reinterpret_cast<const unsigned char*>(prop.uuid.bytes);
      std::snprintf(uuid, sizeof uuid,
                    "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                    b[13], b[14], b[15]);
      char pci[32];
      std::snprintf(pci, sizeof pci, "%04x:%02x:%02x.0", prop.pciDomainID, prop.pciBusID,
                    prop.pciDeviceID);
      return device + " " + prop.name + " " + uuid + " pci " + pci;
    }
  }
#endif
  return device;
}

int driver_gpu_count() {
  std::error_code ec;
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/driver/nvidia/gpus", ec)) {
    (void)entry;
    ++n;
  }
  return n;
}

std::string unused_gpu_warning(const std::string& wanted_device, bool torch_has_cuda) {
  return train::gpu_without_cuda_warning(
      wanted_device, torch_has_cuda,
      train::gpus_shown(std::getenv("CUDA_VISIBLE_DEVICES"), driver_gpu_count()));
}

}  // namespace rungs::run
