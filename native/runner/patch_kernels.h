// The kernels of convscope/incremental.h on tensors, the CPU or CUDA twin by where the run's tensors live, and
// the places they read: what the incremental engine moves patches with, and the full engine's bf16 first layer
// its changes.
#ifndef CONVSCOPE_RUNNER_PATCH_KERNELS_H
#define CONVSCOPE_RUNNER_PATCH_KERNELS_H

#include <torch/script.h>

#include <cstdint>
#include <vector>

#include "convscope/incremental.h"

namespace convscope::bench {

// The places as an int32 tensor on the device (kept by the caller: the kernels read its memory).
torch::Tensor place_tensor(const std::vector<cs_patch_place>& places, const torch::Device& device);

// The place at index in such a tensor.
const cs_patch_place* place_at(const torch::Tensor& places, int64_t index);

// Every tensor is dense float32 (changes: float32 or bfloat16) in channels-last memory; places point into a place
// tensor (host memory on the CPU, device memory on CUDA), already advanced to the chunk's first window. The CPU
// kernels run on LibTorch's intra-op threads (on_torch_threads); the CUDA twins launch on the stream LibTorch
// runs on (see cuda_stream), so they are ordered with its work. A kernel that fails throws std::runtime_error.
struct PatchKernels {
    bool cuda;
    void* stream;

    // regions (N x C x RH x RW) = the N regions of base (1 x C x BH x BW) at the places' region corners.
    void gather(const torch::Tensor& base, const cs_patch_place* at, torch::Tensor& regions) const;

    // Pastes patches (N x C x PH x PW) into regions at the places' paste corners, clipped to each region.
    void paste(const torch::Tensor& patches, const cs_patch_place* at, torch::Tensor& regions) const;

    // changes (N x C x RH x RW, float32 or bfloat16) = the regions' changes against base (padded, 1 x C x BH x
    // BW) at the places: incoming patches pasted, or with incoming null the fill, minus the base (see
    // cs_region_changes_cpu). What gather, paste or fill, a second gather and a subtraction give, in one pass.
    void region_changes(const torch::Tensor& base, const torch::Tensor* incoming, const torch::Tensor& fill,
                        const cs_patch_place* at, torch::Tensor& changes) const;

    // Fills each region's paste rectangle with fill (C values) per channel: the occluding windows.
    void fill(const torch::Tensor& fill, const cs_patch_place* at, torch::Tensor& regions) const;
};

}  // namespace convscope::bench

#endif
