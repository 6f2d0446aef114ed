#include "cuda_graph.h"

#include <stdexcept>
#include <string>
#include <utility>

// Defined by CMake where the runner links a CUDA build of LibTorch and a test program using its graph API
// (at::cuda::CUDAGraph) compiled and linked: that API has changed between releases, and a runner that fails to
// build would cost a GPU session all its measurements.
#if defined(CONVSCOPE_RUNNER_CUDA_GRAPH) && CONVSCOPE_RUNNER_CUDA_GRAPH
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#define CONVSCOPE_RUNNER_HAS_CUDA_GRAPH 1
#else
#define CONVSCOPE_RUNNER_HAS_CUDA_GRAPH 0
#endif

namespace convscope::bench {

#if CONVSCOPE_RUNNER_HAS_CUDA_GRAPH
struct CapturedPass::State {
    explicit State(c10::cuda::CUDAStream s) : stream(s) {}
    c10::cuda::CUDAStream stream;  // capture cannot use the legacy default stream
    at::cuda::CUDAGraph graph;
    torch::Tensor output;          // in the graph's own memory pool: released before the graph
};
#else
struct CapturedPass::State {};
#endif

CapturedPass::CapturedPass(std::unique_ptr<State> state) : state_(std::move(state)) {}

CapturedPass::~CapturedPass() = default;

std::unique_ptr<CapturedPass> CapturedPass::capture(const std::function<torch::Tensor()>& pass,
                                                    const DeviceChoice& device) {
#if CONVSCOPE_RUNNER_HAS_CUDA_GRAPH
    if (!device.cuda) throw std::runtime_error("CUDA graphs need --device cuda");
    auto state = std::make_unique<State>(c10::cuda::getStreamFromPool(false, device.device.index()));
    // Everything the pass reads was written on the stream the run used so far: let it finish first.
    synchronize(device);
    // LibTorch caches freed memory per stream, and a capture cannot take back what other streams cached: give the
    // eager passes' cache back before the warm-up, and the warm-up's before the capture (VGG16 with every window
    // in one chunk needs much of the GPU).
    c10::cuda::CUDACachingAllocator::emptyCache();
    // Our kernels ask for LibTorch's current stream at each launch (cuda_stream), so they follow the guard.
    c10::cuda::CUDAStreamGuard on_capture_stream(state->stream);
    pass();
    state->stream.synchronize();
    c10::cuda::CUDACachingAllocator::emptyCache();
    try {
        state->graph.capture_begin();
    } catch (const c10::Error& e) {
        throw std::runtime_error("cannot begin a CUDA graph capture: " + first_line(e));
    }
    std::string failure;
    try {
        state->output = pass();
    } catch (const std::exception& e) {
        failure = first_line(e);
    }
    // The capture must end even when the pass failed in it: the stream stays capturing otherwise.
    try {
        state->graph.capture_end();
    } catch (const c10::Error& e) {
        if (failure.empty()) failure = first_line(e);
    }
    if (!failure.empty()) {
        state->output = torch::Tensor();
        throw std::runtime_error("the CUDA graph capture failed: " + failure);
    }
    return std::unique_ptr<CapturedPass>(new CapturedPass(std::move(state)));
#else
    (void)pass;
    (void)device;
    throw std::runtime_error("this convscope-bench cannot capture CUDA graphs: its LibTorch has no CUDA, or "
                             "LibTorch's graph API did not build here (CMake said why)");
#endif
}

const torch::Tensor& CapturedPass::replay() {
#if CONVSCOPE_RUNNER_HAS_CUDA_GRAPH
    c10::cuda::CUDAStreamGuard on_capture_stream(state_->stream);
    state_->graph.replay();
    state_->stream.synchronize();
    return state_->output;
#else
    throw std::logic_error("a CapturedPass exists only where CUDA graphs built");
#endif
}

}  // namespace convscope::bench
