// cs_rebase_* (convscope/rebase.h) on tensors: the one element-wise pass between layers computed on changes.
#ifndef CONVSCOPE_RUNNER_REBASE_H
#define CONVSCOPE_RUNNER_REBASE_H

#include <torch/script.h>

namespace convscope::bench {

// act(in + add) - subtract as out_type (float32 or bfloat16), in in's memory format (channels-last or
// contiguous), on in's device: the CPU kernel on LibTorch's intra-op threads, or the CUDA twin on LibTorch's
// current stream. in is float32 or bfloat16; add and subtract are float32 and either in's shape, or one image
// of it (batch 1) shared by every image; an undefined one is skipped, and act is ReLU where relu is set.
torch::Tensor rebase(const torch::Tensor& in, const torch::Tensor& add, bool relu, const torch::Tensor& subtract,
                     torch::ScalarType out_type);

}  // namespace convscope::bench

#endif
