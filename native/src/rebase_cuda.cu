// CUDA kernels of convscope/rebase.h: blockIdx.y walks the images or patches (a grid-stride loop past gridDim.y's
// limit) and the x dimension an image's elements in memory order, so neighbouring threads touch neighbouring
// elements (coalesced) and what is added and subtracted, read by every image, stays in cache. The float operations
// are the CPU twin's, in its order, so the results are bit-identical.
#include <cuda_runtime.h>

#include <cstdint>

#include "convscope/rebase.h"
#include "cuda_launch.h"
#include "cuda_status.h"
#include "occlusion_checks.h"

namespace {

using convscope::detail::fits_32_bits;
using convscope::detail::from_bfloat16_bits;
using convscope::detail::grid_for;
using convscope::detail::kThreadsPerBlock;
using convscope::detail::rebase_args_are_valid;
using convscope::detail::rebase_patches_args_are_valid;
using convscope::detail::to_bfloat16_bits;
using convscope::detail::with_element_types;

__device__ inline float load(float v) { return v; }
__device__ inline float load(uint16_t bits) { return from_bfloat16_bits(bits); }
__device__ inline void store(float v, float* out) { *out = v; }
__device__ inline void store(float v, uint16_t* out) { *out = to_bfloat16_bits(v); }

// in and out may be one buffer (same type), so neither is __restrict__. The step flags are the same for every
// thread: their branches do not diverge.
template <typename In, typename Out, typename Index>
__global__ void rebase_kernel(const In* in, const float* __restrict__ add, bool relu,
                              const float* __restrict__ subtract, int64_t images, Index per_image, Out* out) {
    const Index stride = static_cast<Index>(gridDim.x) * blockDim.x;
    for (int64_t n = blockIdx.y; n < images; n += gridDim.y) {
        const In* src = in + n * static_cast<int64_t>(per_image);
        Out* dst = out + n * static_cast<int64_t>(per_image);
        for (Index i = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x; i < per_image; i += stride) {
            float v = load(src[i]);
            if (add) v += add[i];
            if (relu) v = v < 0.0f ? 0.0f : v;  // not fmaxf(v, 0): a NaN must stay NaN
            if (subtract) v -= subtract[i];
            store(v, dst + i);
        }
    }
}

// Patch n (blockIdx.y, grid-stride past gridDim.y) is patch_height rows of row = patch_width * C elements, each
// row contiguous in both the patches and the base (NHWC), read from base row region_top + y at pixel region_left.
template <typename In, typename Out, typename Index>
__global__ void rebase_patches_kernel(const In* in, const float* __restrict__ base, int64_t base_width,
                                      int64_t channels, const cs_patch_place* __restrict__ places, int64_t count,
                                      Index row, Index size, bool relu, Out* out) {
    const Index stride = static_cast<Index>(gridDim.x) * blockDim.x;
    const int64_t base_row = base_width * channels;
    for (int64_t n = blockIdx.y; n < count; n += gridDim.y) {
        const cs_patch_place p = places[n];
        const float* corner = base + (p.region_top * base_width + p.region_left) * channels;
        const In* src = in + n * static_cast<int64_t>(size);
        Out* dst = out + n * static_cast<int64_t>(size);
        for (Index i = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x; i < size; i += stride) {
            const Index y = i / row;
            float v = load(src[i]) + corner[static_cast<int64_t>(y) * base_row + (i - y * row)];
            if (relu) v = v < 0.0f ? 0.0f : v;
            store(v, dst + i);
        }
    }
}

template <typename In, typename Out>
void launch_patches(const In* in, const float* base, int64_t channels, int64_t base_width,
                    const cs_patch_place* places, int64_t count, int64_t patch_height, int64_t patch_width, bool relu,
                    Out* out, cudaStream_t s) {
    const int64_t row = patch_width * channels, size = patch_height * row;
    const dim3 grid = grid_for(size, count);
    if (fits_32_bits(size)) {
        rebase_patches_kernel<In, Out, uint32_t><<<grid, kThreadsPerBlock, 0, s>>>(
            in, base, base_width, channels, places, count, static_cast<uint32_t>(row), static_cast<uint32_t>(size),
            relu, out);
    } else {
        rebase_patches_kernel<In, Out, int64_t><<<grid, kThreadsPerBlock, 0, s>>>(
            in, base, base_width, channels, places, count, row, size, relu, out);
    }
}

template <typename In, typename Out>
void launch(const In* in, const float* add, bool relu, const float* subtract, int64_t images, int64_t per_image,
            Out* out, cudaStream_t s) {
    const dim3 grid = grid_for(per_image, images);
    if (fits_32_bits(per_image)) {
        rebase_kernel<In, Out, uint32_t><<<grid, kThreadsPerBlock, 0, s>>>(in, add, relu, subtract, images,
                                                                          static_cast<uint32_t>(per_image), out);
    } else {
        rebase_kernel<In, Out, int64_t><<<grid, kThreadsPerBlock, 0, s>>>(in, add, relu, subtract, images,
                                                                         per_image, out);
    }
}

}  // namespace

extern "C" int cs_rebase_cuda(const void* in, int32_t in_type, const float* add, int32_t relu, const float* subtract,
                              int64_t images, int64_t per_image, int32_t out_type, void* out, void* stream) {
    if (!rebase_args_are_valid(in, in_type, images, per_image, out_type, out)) return CS_INVALID_ARGUMENT;
    if (images == 0 || per_image == 0) return CS_OK;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    with_element_types(in, in_type, out, out_type, [&](const auto* src, auto* dst) {
        launch(src, add, relu != 0, subtract, images, per_image, dst, s);
    });
    return convscope::detail::status_after_launch();
}

extern "C" int cs_rebase_patches_cuda(const void* in, int32_t in_type, const float* base, int64_t channels,
                                      int64_t base_height, int64_t base_width, const cs_patch_place* places,
                                      int64_t count, int64_t patch_height, int64_t patch_width, int32_t relu,
                                      int32_t out_type, void* out, void* stream) {
    if (!rebase_patches_args_are_valid(in, in_type, base, channels, base_height, base_width, places, count,
                                       patch_height, patch_width, out_type, out) ||
        patch_height > base_height || patch_width > base_width) {  // no place could hold such a patch
        return CS_INVALID_ARGUMENT;
    }
    if (count == 0) return CS_OK;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    with_element_types(in, in_type, out, out_type, [&](const auto* src, auto* dst) {
        launch_patches(src, base, channels, base_width, places, count, patch_height, patch_width, relu != 0, dst, s);
    });
    return convscope::detail::status_after_launch();
}
