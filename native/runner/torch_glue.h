// What convscope-bench needs from LibTorch besides tensors: the device a run uses, the CUDA stream and the CPU
// threads our kernels run on, and the line of a LibTorch error worth showing.
#ifndef CONVSCOPE_RUNNER_TORCH_GLUE_H
#define CONVSCOPE_RUNNER_TORCH_GLUE_H

#include <torch/script.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <string>

#include "options.h"

namespace convscope::bench {

using Module = torch::jit::Module;

// Where a run's tensors live; our kernels take the twin that matches (CPU threads or a CUDA stream).
struct DeviceChoice {
    torch::Device device{torch::kCPU};
    bool cuda = false;
    std::string name() const { return cuda ? "cuda" : "cpu"; }
};

// The CPU, or the first CUDA device with TF32 convolutions turned off (the engines must agree to float
// tolerance). Throws std::runtime_error (exit 1) when --device cuda finds no device that both LibTorch and
// convscope's kernels can use.
DeviceChoice choose_device(bool cuda);

// The element type the model's layers compute in: float32, or bfloat16 for Precision::Bf16.
torch::ScalarType compute_type(Precision precision);

// Switches LibTorch to precision: TF32 on or off in cuDNN convolutions and CUDA matrix products (only on CUDA;
// the CPU keeps exact float32 for tf32). The engines cast what they compute in (use_reduced_precision, called
// before this).
void apply_precision(const DeviceChoice& device, Precision precision);

// From now on cuDNN measures its algorithms for each new shape (CUDA only; called once the engines are set up, so
// that the one-off shapes of proving them are not measured).
void measure_cudnn_algorithms(const DeviceChoice& device);

// The cudaStream_t our CUDA kernels launch on: LibTorch's current stream where this runner links a CUDA build
// of LibTorch, else NULL, the legacy default stream (LibTorch's own default, so work stays ordered either way).
// Asked at each launch, never kept: a caller may switch streams (a CUDA graph is captured on a stream of its own).
void* cuda_stream(const DeviceChoice& device);
// The same for where a tensor lives: NULL for the CPU.
void* cuda_stream(const torch::Device& device);

// Runs slice(begin, end, threads) over items [0, count): how our CPU kernels run here, each call passing threads
// on as the kernel's own. Where at::parallel_for runs in parallel in this runner (kernels_on_torch_threads), the
// items are split over LibTorch's intra-op threads, one slice a thread with threads = 1. Threads of the kernels'
// own would be started at every call, beside LibTorch's OpenMP workers, which spin for a while after each
// operation waiting for the next, and share the cores with them: on 2 cores that made bf16 ResNet18 12 to 22%
// slower and AlexNet's incremental engine up to 14%. Elsewhere (native/runner/CMakeLists.txt) slice runs once over
// every item with LibTorch's thread count, and the kernel splits the work itself as before. A pass of no more
// than 64 Ki floats (count * floats_per_item) stays on the calling thread.
void on_torch_threads(int64_t count, int64_t floats_per_item,
                      const std::function<void(int64_t, int64_t, int32_t)>& slice);

// The values one item holds in a tensor of items along its first dimension (N x ...): how many elements on
// from the first item's a slice of on_torch_threads starts.
inline int64_t per_window(const torch::Tensor& t) { return t.size(0) == 0 ? 0 : t.numel() / t.size(0); }

// Whether on_torch_threads splits work over LibTorch's threads in this build (reported in the runner's lines).
bool kernels_on_torch_threads();

// Waits until the device has finished all queued work (nothing to wait for on the CPU).
void synchronize(const DeviceChoice& device);

// The line of a LibTorch error worth showing: TorchScript interpreter errors put the cause on a
// "RuntimeError: ..." line after a traceback (and arrive as c10::Error or, from some paths, as a plain
// std::runtime_error); others lead with it.
std::string first_line(const std::string& message);
// The same for an exception: a c10::Error's message without its C++ backtrace, else what().
std::string first_line(const std::exception& e);

}  // namespace convscope::bench

#endif
