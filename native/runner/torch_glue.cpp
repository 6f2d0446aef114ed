#include "torch_glue.h"

#include <ATen/Context.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <sstream>
#include <stdexcept>

#include "convscope/occlusion.h"

// Defined by CMake when LibTorch itself was built with CUDA (it links c10_cuda, which holds the current stream).
#if defined(CONVSCOPE_RUNNER_TORCH_CUDA) && CONVSCOPE_RUNNER_TORCH_CUDA
#include <c10/cuda/CUDAStream.h>
#define CONVSCOPE_RUNNER_HAS_CURRENT_STREAM 1
#else
#define CONVSCOPE_RUNNER_HAS_CURRENT_STREAM 0
#endif

namespace convscope::bench {

DeviceChoice choose_device(bool cuda) {
    DeviceChoice choice;
    if (!cuda) return choice;
    if (!torch::cuda::is_available() || torch::cuda::device_count() < 1) {
        throw std::runtime_error(std::string("no CUDA device is available to LibTorch ") + TORCH_VERSION +
                                 " (no GPU or driver, or a CPU-only LibTorch); use --device cpu");
    }
    if (!cs_cuda_compiled()) {
        throw std::runtime_error("no CUDA device is available to convscope's kernels: this build has none "
                                 "(configure with -DCONVSCOPE_WITH_CUDA=ON); use --device cpu");
    }
    if (cs_cuda_device_count() < 1) {
        throw std::runtime_error("no CUDA device is available to convscope's kernels (the CUDA runtime finds "
                                 "none); use --device cpu");
    }
    // cuDNN may otherwise convolve in TF32, whose 10-bit mantissa makes the two engines' maps differ by far
    // more than float rounding.
    at::globalContext().setAllowTF32CuDNN(false);
    choice.device = torch::Device(torch::kCUDA, 0);
    choice.cuda = true;
    return choice;
}

void* cuda_stream(const DeviceChoice& device) {
#if CONVSCOPE_RUNNER_HAS_CURRENT_STREAM
    if (device.cuda) return c10::cuda::getCurrentCUDAStream(device.device.index()).stream();
#else
    (void)device;
#endif
    return nullptr;
}

void synchronize(const DeviceChoice& device) {
    if (device.cuda) torch::cuda::synchronize(device.device.index());
}

std::string first_line(const c10::Error& e) {
    std::istringstream in(e.what_without_backtrace());
    std::string line, first;
    while (std::getline(in, line)) {
        if (first.empty() && !line.empty()) first = line;
        if (line.rfind("RuntimeError: ", 0) == 0) return line;
    }
    return first.empty() ? "unknown LibTorch error" : first;
}

}  // namespace convscope::bench
