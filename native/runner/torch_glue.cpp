#include "torch_glue.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <algorithm>
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

namespace {

// TF32 in cuDNN convolutions and in CUDA matrix products ("high" float32 matmul precision), or neither. Only
// called for CUDA runs: LibTorch 2.9 and later also read "high" as leave for oneDNN to use TF32 in CPU matmuls.
// From 2.9 both setters also set the per-operation fp32 precision flags behind them, so the old and new flags
// stay in step (LibTorch refuses a mix of them with an error when it next reads the flag).
void set_tf32(bool on) {
    at::globalContext().setAllowTF32CuDNN(on);
    at::globalContext().setFloat32MatmulPrecision(on ? "high" : "highest");
}

}  // namespace

torch::ScalarType compute_type(Precision precision) {
    return precision == Precision::Bf16 ? torch::kBFloat16 : torch::kFloat;
}

void apply_precision(const DeviceChoice& device, Precision precision) {
    if (device.cuda) set_tf32(precision == Precision::Tf32);
}

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
    // more than float rounding; --precision tf32 turns it on (apply_precision).
    set_tf32(false);
    choice.device = torch::Device(torch::kCUDA, 0);
    choice.cuda = true;
    return choice;
}

void measure_cudnn_algorithms(const DeviceChoice& device) {
    // The chunks of a grid repeat their shapes (all but a smaller last chunk), so cuDNN's measured choice of
    // algorithm pays for itself after the first; its heuristics alone can pick badly for the odd sizes of
    // patches. bench/pytorch_baseline.py turns the same on for PyTorch.
    if (device.cuda) at::globalContext().setBenchmarkCuDNN(true);
}

void* cuda_stream(const DeviceChoice& device) { return cuda_stream(device.device); }

void* cuda_stream(const torch::Device& device) {
#if CONVSCOPE_RUNNER_HAS_CURRENT_STREAM
    if (device.is_cuda()) return c10::cuda::getCurrentCUDAStream(device.index()).stream();
#else
    (void)device;
#endif
    return nullptr;
}

void on_torch_threads(int64_t count, int64_t floats_per_item,
                      const std::function<void(int64_t, int64_t, int32_t)>& slice) {
    if (count <= 0) return;
    if (!kernels_on_torch_threads()) {
        slice(0, count, at::get_num_threads());
        return;
    }
    constexpr int64_t kMinFloatsPerThread = int64_t{1} << 16;  // as native/src/cpu_threads.h
    const int64_t grain = std::max<int64_t>(1, kMinFloatsPerThread / std::max<int64_t>(floats_per_item, 1));
    at::parallel_for(0, count, grain, [&](int64_t begin, int64_t end) { slice(begin, end, 1); });
}

bool kernels_on_torch_threads() {
#ifdef INTRA_OP_PARALLEL
    return true;
#else
    return false;
#endif
}

void synchronize(const DeviceChoice& device) {
    if (device.cuda) torch::cuda::synchronize(device.device.index());
}

std::string first_line(const std::exception& e) {
    const auto* torch_error = dynamic_cast<const c10::Error*>(&e);
    return first_line(torch_error ? torch_error->what_without_backtrace() : std::string(e.what()));
}

std::string first_line(const std::string& message) {
    std::istringstream in(message);
    std::string line, first;
    while (std::getline(in, line)) {
        if (first.empty() && !line.empty()) first = line;
        if (line.rfind("RuntimeError: ", 0) == 0) return line;
    }
    return first.empty() ? "unknown LibTorch error" : first;
}

}  // namespace convscope::bench
