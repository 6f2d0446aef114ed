// Argument checks shared by the CPU and CUDA occlusion kernels (internal; not installed).
#ifndef CONVSCOPE_OCCLUSION_CHECKS_H
#define CONVSCOPE_OCCLUSION_CHECKS_H

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "convscope/occlusion.h"

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

// The part of a window inside an extent of `size` pixels along one axis: [begin, end), possibly empty.
// Computed in 64 bits, so start + length cannot overflow.
struct Span {
    int64_t begin;
    int64_t end;
};

inline Span clip_span(int32_t start, int32_t length, int64_t size) {
    int64_t begin = start;
    int64_t end = static_cast<int64_t>(start) + static_cast<int64_t>(length);
    begin = begin < 0 ? 0 : (begin > size ? size : begin);
    end = end < begin ? begin : (end > size ? size : end);
    return {begin, end};
}

}  // namespace convscope::detail

#endif
