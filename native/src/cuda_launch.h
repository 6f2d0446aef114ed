// How convscope's CUDA kernels lay out a launch (internal; CUDA sources only): blockIdx.y walks the items (planes,
// windows, images or patches; a grid-stride loop past gridDim.y's limit) and the x dimension walks an item's
// elements in memory order, so neighbouring threads touch neighbouring floats (coalesced).
#ifndef CONVSCOPE_CUDA_LAUNCH_H
#define CONVSCOPE_CUDA_LAUNCH_H

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace convscope::detail {

constexpr int kThreadsPerBlock = 256;
constexpr int64_t kMaxBlocksPerItem = 1024;  // beyond this the x loop strides; keeps launches bounded
constexpr int64_t kMaxGridY = 65535;         // hardware limit of gridDim.y

// One block row per item (up to the grid's limit), enough blocks across to cover per_item elements.
inline dim3 grid_for(int64_t per_item, int64_t items) {
    const int64_t blocks_x =
        std::min<int64_t>((per_item + kThreadsPerBlock - 1) / kThreadsPerBlock, kMaxBlocksPerItem);
    return dim3(static_cast<unsigned>(std::max<int64_t>(blocks_x, 1)),
                static_cast<unsigned>(std::min(items, kMaxGridY)));
}

// Whether an item's elements can be indexed in 32 bits, which saves the 64-bit divide per element (emulated on
// the GPU): per_item + the grid stride must stay below 2^32 (the loop's last increment).
inline bool fits_32_bits(int64_t per_item) { return per_item <= std::numeric_limits<int32_t>::max(); }

}  // namespace convscope::detail

#endif
