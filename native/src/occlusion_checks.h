// Argument checks shared by the CPU and CUDA occlusion kernels (internal; not installed).
#ifndef CONVSCOPE_OCCLUSION_CHECKS_H
#define CONVSCOPE_OCCLUSION_CHECKS_H

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "convscope/occlusion.h"

// Marks helpers that CUDA kernels call too; plain inline functions for the host compiler.
#ifdef __CUDACC__
#define CS_HOST_DEVICE __host__ __device__
#else
#define CS_HOST_DEVICE
#endif

namespace convscope::detail {

// True when the shape is positive and N * C * H * W floats can be addressed in both int64_t and size_t
// (the kernels index the batch with either).
inline bool batch_shape_is_valid(int64_t channels, int64_t height, int64_t width, int64_t window_count) {
    if (channels < 1 || height < 1 || width < 1 || window_count < 0) return false;
    constexpr uint64_t max_bytes = std::min<uint64_t>(std::numeric_limits<int64_t>::max(),
                                                      std::numeric_limits<size_t>::max());
    constexpr uint64_t limit = max_bytes / sizeof(float);
    uint64_t total = static_cast<uint64_t>(channels);
    for (int64_t factor : {height, width, window_count < 1 ? int64_t{1} : window_count}) {
        if (total > limit / static_cast<uint64_t>(factor)) return false;
        total *= static_cast<uint64_t>(factor);
    }
    return true;
}

// Buffers may be NULL only when there is nothing to write.
inline bool batch_pointers_are_valid(const void* image, const void* windows, int64_t window_count,
                                     const void* fill, const void* out) {
    return window_count == 0 || (image && windows && fill && out);
}

// Shapes of the incremental kernels (convscope/incremental.h), which move count planes of channels x
// (a_height x a_width) to or from count planes of channels x (b_height x b_width): both batches must be
// addressable as above.
inline bool plane_batches_are_valid(int64_t count, int64_t channels, int64_t a_height, int64_t a_width,
                                    int64_t b_height, int64_t b_width) {
    return batch_shape_is_valid(channels, a_height, a_width, count) &&
           batch_shape_is_valid(channels, b_height, b_width, count);
}

// The part of a window inside an extent of `size` pixels along one axis: [begin, end), possibly empty.
// Computed in 64 bits, so start + length cannot overflow. Host and device code share it, so the CPU and
// CUDA kernels clip alike.
struct Span {
    int64_t begin;
    int64_t end;
};

CS_HOST_DEVICE inline Span clip_span(int64_t start, int64_t length, int64_t size) {
    int64_t begin = start;
    int64_t end = start + length;
    begin = begin < 0 ? 0 : (begin > size ? size : begin);
    end = end < begin ? begin : (end > size ? size : end);
    return {begin, end};
}

}  // namespace convscope::detail

#endif
