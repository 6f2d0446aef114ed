// Argument checks shared by the CPU and CUDA occlusion kernels (internal; not installed).
#ifndef CONVSCOPE_OCCLUSION_CHECKS_H
#define CONVSCOPE_OCCLUSION_CHECKS_H

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "convscope/incremental.h"
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

// A cs_change_type value: float32 or bfloat16 elements.
inline bool is_change_type(int32_t type) { return type == CS_CHANGE_FLOAT32 || type == CS_CHANGE_BFLOAT16; }

// Arguments of cs_region_changes_cpu / _cuda other than places' bounds: shapes (a patch's only where there are
// patches), the output type, and pointers where anything is written.
inline bool region_changes_args_are_valid(int64_t count, int64_t channels, int64_t base_height, int64_t base_width,
                                          const void* patches, int64_t patch_height, int64_t patch_width,
                                          int64_t region_height, int64_t region_width, int32_t change_type,
                                          const void* base, const void* fill, const void* places,
                                          const void* changes) {
    if (!plane_batches_are_valid(count, channels, base_height, base_width, region_height, region_width) ||
        (patches && !plane_batches_are_valid(count, channels, patch_height, patch_width, 1, 1)) ||
        !is_change_type(change_type)) {
        return false;
    }
    return count == 0 || (base && places && changes && (patches || fill));
}

// Every region (region_height x region_width at its place's region corner) inside the base: what the CPU kernels
// that read regions of a base check before reading (host only: places live on the device for the CUDA twins).
inline bool regions_lie_inside(const cs_patch_place* places, int64_t count, int64_t region_height,
                               int64_t region_width, int64_t base_height, int64_t base_width) {
    return std::all_of(places, places + count, [&](const cs_patch_place& p) {
        return p.region_top >= 0 && p.region_left >= 0 && p.region_top + region_height <= base_height &&
               p.region_left + region_width <= base_width;
    });
}

// Arguments of cs_rebase_cpu / _cuda: sizes addressable in bytes (float32 elements, the wider type), known
// element types, and buffers wherever there is something to do.
inline bool rebase_args_are_valid(const void* in, int32_t in_type, int64_t images, int64_t per_image,
                                  int32_t out_type, const void* out) {
    if (images < 0 || per_image < 0 || !is_change_type(in_type) || !is_change_type(out_type)) return false;
    if (images == 0 || per_image == 0) return true;
    if (!batch_shape_is_valid(1, 1, per_image, images)) return false;
    return in && out;
}

// Arguments of cs_rebase_patches_cpu / _cuda other than places' bounds.
inline bool rebase_patches_args_are_valid(const void* in, int32_t in_type, const float* base, int64_t channels,
                                          int64_t base_height, int64_t base_width, const void* places, int64_t count,
                                          int64_t patch_height, int64_t patch_width, int32_t out_type,
                                          const void* out) {
    if (!plane_batches_are_valid(count, channels, base_height, base_width, patch_height, patch_width) ||
        !is_change_type(in_type) || !is_change_type(out_type)) {
        return false;
    }
    return count == 0 || (in && base && places && out);
}

// Calls f(in, out) with in as const float* or const uint16_t* (bfloat16 bits) by in_type and out as float* or
// uint16_t* by out_type (cs_change_type values, already checked): one template serves the four pairs of types.
// Host code only.
template <typename F>
void with_element_types(const void* in, int32_t in_type, void* out, int32_t out_type, F&& f) {
    auto with_out = [&](const auto* typed_in) {
        if (out_type == CS_CHANGE_BFLOAT16) {
            f(typed_in, static_cast<uint16_t*>(out));
        } else {
            f(typed_in, static_cast<float*>(out));
        }
    };
    if (in_type == CS_CHANGE_BFLOAT16) {
        with_out(static_cast<const uint16_t*>(in));
    } else {
        with_out(static_cast<const float*>(in));
    }
}

// float32 value of bfloat16 bits: they are its upper half.
CS_HOST_DEVICE inline float from_bfloat16_bits(uint16_t bits) {
    const uint32_t wide = static_cast<uint32_t>(bits) << 16;
#ifdef __CUDA_ARCH__
    return __uint_as_float(wide);
#else
    float x;
    __builtin_memcpy(&x, &wide, sizeof x);
    return x;
#endif
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

// bfloat16 bits of x, rounded to nearest with ties to even (as LibTorch rounds): the upper half of x's bits,
// rounded; a NaN stays a (quiet) NaN.
CS_HOST_DEVICE inline uint16_t to_bfloat16_bits(float x) {
    uint32_t bits;
    static_assert(sizeof bits == sizeof x, "float is 32 bits");
#ifdef __CUDA_ARCH__
    bits = __float_as_uint(x);
#else
    __builtin_memcpy(&bits, &x, sizeof bits);
#endif
    if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((bits >> 16) | 0x40u);
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return static_cast<uint16_t>(bits >> 16);
}

}  // namespace convscope::detail

#endif
