// CUDA kernels of convscope/incremental.h on channels-last buffers: gather, paste, fill and the regions' changes,
// one launch each.
// blockIdx.y walks the windows (a grid-stride loop past gridDim.y's limit) and the x dimension walks, in
// memory order, the floats one window moves: a rectangle of rows, each row rw * C contiguous floats in both
// source and destination (NHWC), so neighbouring threads touch neighbouring floats (coalesced) and a thread
// needs one divide to find its row. Every kernel is a plain copy or store, so the results are bit-identical to
// the CPU twins; the clipping is the same clip_span.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "convscope/incremental.h"
#include "cuda_launch.h"
#include "cuda_status.h"
#include "occlusion_checks.h"

namespace {

using convscope::detail::clip_span;
using convscope::detail::fits_32_bits;
using convscope::detail::grid_for;
using convscope::detail::kThreadsPerBlock;
using convscope::detail::plane_batches_are_valid;
using convscope::detail::region_changes_args_are_valid;
using convscope::detail::Span;
using convscope::detail::to_bfloat16_bits;


// Index is the type of a float's index within the rectangle one window moves: 32-bit when that rectangle is
// small enough, which saves the 64-bit divide per element (emulated on the GPU) in all realistic cases.

// regions[n][y][x][c] = base[region_top + y][region_left + x][c]: region n is region_height rows of row_len =
// region_width * C floats, row y read from base row region_top + y, starting at pixel region_left.
template <typename Index>
__global__ void gather_regions_kernel(const float* __restrict__ base, int64_t base_width, int64_t channels,
                                      const cs_patch_place* __restrict__ places, int64_t count,
                                      Index region_height, Index row_len, float* __restrict__ regions) {
    const Index size = region_height * row_len;
    const Index stride = static_cast<Index>(gridDim.x) * blockDim.x;
    const int64_t base_row = base_width * channels;
    for (int64_t n = blockIdx.y; n < count; n += gridDim.y) {
        const cs_patch_place p = places[n];
        const float* src = base + (p.region_top * base_width + p.region_left) * channels;
        float* dst = regions + n * static_cast<int64_t>(size);
        for (Index i = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x; i < size; i += stride) {
            const Index y = i / row_len;
            dst[i] = src[static_cast<int64_t>(y) * base_row + (i - y * row_len)];
        }
    }
}

// Copies the part of patch n inside region n: rows.end - rows.begin rows of (cols.end - cols.begin) * C
// contiguous floats, from the patch (its rows and columns shifted by the paste offset) into the region. The
// rectangle's size varies per window; the grid is sized for the largest possible and threads past a smaller
// one do nothing.
template <typename Index>
__global__ void paste_patches_kernel(const float* __restrict__ patches, int64_t patch_height, int64_t patch_width,
                                     int64_t channels, const cs_patch_place* __restrict__ places, int64_t count,
                                     int64_t region_height, int64_t region_width, float* __restrict__ regions) {
    const Index stride = static_cast<Index>(gridDim.x) * blockDim.x;
    for (int64_t n = blockIdx.y; n < count; n += gridDim.y) {
        const cs_patch_place p = places[n];
        const Span rows = clip_span(p.paste_top, patch_height, region_height);
        const Span cols = clip_span(p.paste_left, patch_width, region_width);
        // Both spans lie inside the region and the patch, so the sizes and their product fit in Index.
        const Index row_len = static_cast<Index>((cols.end - cols.begin) * channels);
        const Index size = static_cast<Index>(rows.end - rows.begin) * row_len;
        const float* src = patches + ((n * patch_height + (rows.begin - p.paste_top)) * patch_width +
                                      (cols.begin - p.paste_left)) * channels;
        float* dst = regions + ((n * region_height + rows.begin) * region_width + cols.begin) * channels;
        const int64_t src_row = patch_width * channels, dst_row = region_width * channels;
        for (Index i = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x; i < size; i += stride) {
            const Index y = i / row_len;
            const Index x = i - y * row_len;
            dst[static_cast<int64_t>(y) * dst_row + x] = src[static_cast<int64_t>(y) * src_row + x];
        }
    }
}

// Stores fill[c] into the paste rectangle of region n, clipped to the region: rows of (cols.end - cols.begin)
// pixels of C floats. A rectangle starts on a pixel, so float x of a row is channel x % C.
template <typename Index>
__global__ void fill_patches_kernel(const float* __restrict__ fill, Index channels,
                                    const cs_patch_place* __restrict__ places, int64_t count, int64_t region_height,
                                    int64_t region_width, float* __restrict__ regions) {
    const Index stride = static_cast<Index>(gridDim.x) * blockDim.x;
    for (int64_t n = blockIdx.y; n < count; n += gridDim.y) {
        const cs_patch_place p = places[n];
        const Span rows = clip_span(p.paste_top, p.paste_height, region_height);
        const Span cols = clip_span(p.paste_left, p.paste_width, region_width);
        const Index row_len = static_cast<Index>(cols.end - cols.begin) * channels;
        const Index size = static_cast<Index>(rows.end - rows.begin) * row_len;
        float* dst = regions + ((n * region_height + rows.begin) * region_width + cols.begin) * channels;
        const int64_t dst_row = region_width * channels;
        for (Index i = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x; i < size; i += stride) {
            const Index y = i / row_len;
            const Index x = i - y * row_len;
            dst[static_cast<int64_t>(y) * dst_row + x] = fill[x % channels];
        }
    }
}

struct StoreFloat {
    __device__ float operator()(float v) const { return v; }
};
struct StoreBfloat16 {
    __device__ uint16_t operator()(float v) const { return to_bfloat16_bits(v); }
};

// Every element of region n: v - base inside the clipped paste rectangle, 0 elsewhere (as the CPU twin), v from
// the patch or, with patches NULL, fill[c]. The difference and its rounding are the same float operations as on
// the CPU, so the results are bit-identical.
template <typename Index, typename Out, typename Store>
__global__ void region_changes_kernel(const float* __restrict__ base, int64_t base_width, Index channels,
                                      const float* __restrict__ patches, int64_t patch_height, int64_t patch_width,
                                      const float* __restrict__ fill, const cs_patch_place* __restrict__ places,
                                      int64_t count, Index region_height, Index region_width,
                                      Out* __restrict__ changes, Store store) {
    const Index row_len = region_width * channels;
    const Index size = region_height * row_len;
    const Index stride = static_cast<Index>(gridDim.x) * blockDim.x;
    const int64_t base_row = base_width * channels;
    for (int64_t n = blockIdx.y; n < count; n += gridDim.y) {
        const cs_patch_place p = places[n];
        const Span rows = clip_span(p.paste_top, patches ? patch_height : p.paste_height, region_height);
        const Span cols = clip_span(p.paste_left, patches ? patch_width : p.paste_width, region_width);
        const float* src = base + (p.region_top * base_width + p.region_left) * channels;
        Out* dst = changes + n * static_cast<int64_t>(size);
        for (Index i = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x; i < size; i += stride) {
            const Index y = i / row_len;
            const Index xc = i - y * row_len;
            const Index x = xc / channels;
            const Index c = xc - x * channels;
            float change = 0.0f;
            if (y >= rows.begin && y < rows.end && x >= cols.begin && x < cols.end) {
                const float v = patches ? patches[((n * patch_height + (y - p.paste_top)) * patch_width +
                                                   (x - p.paste_left)) * channels + c]
                                        : fill[c];
                change = v - src[static_cast<int64_t>(y) * base_row + xc];
            }
            dst[i] = store(change);
        }
    }
}

}  // namespace

extern "C" int cs_gather_regions_cuda(const float* base, int64_t channels, int64_t base_height,
                                      int64_t base_width, const cs_patch_place* places, int64_t count,
                                      int64_t region_height, int64_t region_width, float* regions,
                                      void* stream) {
    if (!plane_batches_are_valid(count, channels, base_height, base_width, region_height, region_width)) {
        return CS_INVALID_ARGUMENT;
    }
    if (count == 0) return CS_OK;
    if (!base || !places || !regions) return CS_INVALID_ARGUMENT;
    const int64_t row_len = region_width * channels;
    const int64_t size = region_height * row_len;
    const dim3 grid = grid_for(size, count);
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    if (fits_32_bits(size)) {
        gather_regions_kernel<uint32_t><<<grid, kThreadsPerBlock, 0, s>>>(base, base_width, channels, places, count,
                                                                   static_cast<uint32_t>(region_height),
                                                                   static_cast<uint32_t>(row_len), regions);
    } else {
        gather_regions_kernel<int64_t><<<grid, kThreadsPerBlock, 0, s>>>(base, base_width, channels, places, count,
                                                                  region_height, row_len, regions);
    }
    return convscope::detail::status_after_launch();
}

extern "C" int cs_paste_patches_cuda(const float* patches, int64_t count, int64_t channels, int64_t patch_height,
                                     int64_t patch_width, const cs_patch_place* places, float* regions,
                                     int64_t region_height, int64_t region_width, void* stream) {
    if (!plane_batches_are_valid(count, channels, patch_height, patch_width, region_height, region_width)) {
        return CS_INVALID_ARGUMENT;
    }
    if (count == 0) return CS_OK;
    if (!patches || !places || !regions) return CS_INVALID_ARGUMENT;
    // The most a window pastes: the patch clipped to the region.
    const int64_t size = std::min(patch_height, region_height) * std::min(patch_width, region_width) * channels;
    const dim3 grid = grid_for(size, count);
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    if (fits_32_bits(size)) {
        paste_patches_kernel<uint32_t><<<grid, kThreadsPerBlock, 0, s>>>(patches, patch_height, patch_width, channels,
                                                                  places, count, region_height, region_width,
                                                                  regions);
    } else {
        paste_patches_kernel<int64_t><<<grid, kThreadsPerBlock, 0, s>>>(patches, patch_height, patch_width, channels,
                                                                 places, count, region_height, region_width,
                                                                 regions);
    }
    return convscope::detail::status_after_launch();
}

extern "C" int cs_fill_patches_cuda(const float* fill, int64_t count, int64_t channels,
                                    const cs_patch_place* places, float* regions, int64_t region_height,
                                    int64_t region_width, void* stream) {
    if (!plane_batches_are_valid(count, channels, region_height, region_width, 1, 1)) return CS_INVALID_ARGUMENT;
    if (count == 0) return CS_OK;
    if (!fill || !places || !regions) return CS_INVALID_ARGUMENT;
    // The most a window fills: the whole region.
    const int64_t size = region_height * region_width * channels;
    const dim3 grid = grid_for(size, count);
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    if (fits_32_bits(size)) {
        fill_patches_kernel<uint32_t><<<grid, kThreadsPerBlock, 0, s>>>(fill, static_cast<uint32_t>(channels), places,
                                                                 count, region_height, region_width, regions);
    } else {
        fill_patches_kernel<int64_t><<<grid, kThreadsPerBlock, 0, s>>>(fill, channels, places, count, region_height,
                                                                region_width, regions);
    }
    return convscope::detail::status_after_launch();
}

namespace {

template <typename Out, typename Store>
void launch_region_changes(const float* base, int64_t channels, int64_t base_width, const float* patches,
                           int64_t patch_height, int64_t patch_width, const float* fill,
                           const cs_patch_place* places, int64_t count, int64_t region_height,
                           int64_t region_width, Out* changes, cudaStream_t s) {
    const int64_t size = region_height * region_width * channels;
    const dim3 grid = grid_for(size, count);
    if (fits_32_bits(size)) {
        region_changes_kernel<uint32_t><<<grid, kThreadsPerBlock, 0, s>>>(
            base, base_width, static_cast<uint32_t>(channels), patches, patch_height, patch_width, fill, places,
            count, static_cast<uint32_t>(region_height), static_cast<uint32_t>(region_width), changes, Store{});
    } else {
        region_changes_kernel<int64_t><<<grid, kThreadsPerBlock, 0, s>>>(base, base_width, channels, patches,
                                                                  patch_height, patch_width, fill, places, count,
                                                                  region_height, region_width, changes, Store{});
    }
}

}  // namespace

extern "C" int cs_region_changes_cuda(const float* base, int64_t channels, int64_t base_height,
                                      int64_t base_width, const float* patches, int64_t patch_height,
                                      int64_t patch_width, const float* fill, const cs_patch_place* places,
                                      int64_t count, int64_t region_height, int64_t region_width,
                                      int32_t change_type, void* changes, void* stream) {
    if (!region_changes_args_are_valid(count, channels, base_height, base_width, patches, patch_height, patch_width,
                                       region_height, region_width, change_type, base, fill, places, changes)) {
        return CS_INVALID_ARGUMENT;
    }
    if (count == 0) return CS_OK;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    if (change_type == CS_CHANGE_BFLOAT16) {
        launch_region_changes<uint16_t, StoreBfloat16>(base, channels, base_width, patches, patch_height, patch_width,
                                                       fill, places, count, region_height, region_width,
                                                       static_cast<uint16_t*>(changes), s);
    } else {
        launch_region_changes<float, StoreFloat>(base, channels, base_width, patches, patch_height, patch_width,
                                                 fill, places, count, region_height, region_width,
                                                 static_cast<float*>(changes), s);
    }
    return convscope::detail::status_after_launch();
}
