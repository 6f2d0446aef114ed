// cs_rebase_* and cs_rebase_patches_* (convscope/rebase.h) on tensors: the one element-wise pass between layers
// computed on changes.
#ifndef CONVSCOPE_RUNNER_REBASE_H
#define CONVSCOPE_RUNNER_REBASE_H

#include <torch/script.h>

#include "convscope/incremental.h"

namespace convscope::bench {

// act(in + add) - subtract as out_type (float32 or bfloat16), in in's memory format (channels-last or
// contiguous), on in's device: the CPU kernel on LibTorch's intra-op threads, or the CUDA twin on LibTorch's
// current stream. in is float32 or bfloat16; add and subtract are float32 and either in's shape, or one image
// of it (batch 1) shared by every image; an undefined one is skipped, and act is ReLU where relu is set.
torch::Tensor rebase(const torch::Tensor& in, const torch::Tensor& add, bool relu, const torch::Tensor& subtract,
                     torch::ScalarType out_type);

// act(in + base at each patch's place) as out_type, through cs_rebase_patches_*: in holds N patches (N x C x PH x
// PW, float32 or bfloat16, channels-last), base one image (1 x C x BH x BW, float32, channels-last) on in's
// device, and at N places (host memory on the CPU, device memory on CUDA) whose region corners are the patches'
// corners in base.
torch::Tensor rebase_patches(const torch::Tensor& in, const torch::Tensor& base, const cs_patch_place* at, bool relu,
                             torch::ScalarType out_type);

}  // namespace convscope::bench

#endif
