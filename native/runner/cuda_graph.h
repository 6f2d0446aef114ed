// A whole-grid pass of an engine captured once as a CUDA graph and replayed (--device cuda): the GPU then
// launches every kernel of every chunk from the one graph, where an eager pass has the host queue them one by one
// (LibTorch's dispatch, our kernels' launches). It pays where the host's queueing, not the GPU, bounds a pass:
// small grids and models, and many small kernels. The PyTorch baseline has the same variant (bf16 with a
// CUDA graph), so the benchmark times both and reports the graph beside the eager pass.
#ifndef CONVSCOPE_RUNNER_CUDA_GRAPH_H
#define CONVSCOPE_RUNNER_CUDA_GRAPH_H

#include <torch/script.h>

#include <functional>
#include <memory>

#include "torch_glue.h"

namespace convscope::bench {

class CapturedPass {
public:
    // Runs pass once on a stream of its own (so that what engines make on first use, and cuDNN's measured
    // algorithms, exist before capture), then captures a second run as a CUDA graph. pass must only queue device
    // work: a copy to the host or anything else that waits for the device fails the capture. Throws
    // std::runtime_error saying why when the capture fails or this build cannot capture (a LibTorch without
    // CUDA, or one whose graph API did not compile: CONVSCOPE_RUNNER_CUDA_GRAPH).
    static std::unique_ptr<CapturedPass> capture(const std::function<torch::Tensor()>& pass,
                                                 const DeviceChoice& device);
    ~CapturedPass();
    CapturedPass(const CapturedPass&) = delete;
    CapturedPass& operator=(const CapturedPass&) = delete;

    // Replays the graph on the stream it was captured on and waits for it: the pass's output, rewritten in
    // place by each replay.
    const torch::Tensor& replay();

private:
    struct State;
    explicit CapturedPass(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace convscope::bench

#endif
