// CPU kernels of convscope/rebase.h: one pass over the images, split over std::threads by (image, segment of
// kSegment elements), or over the patches by (patch, row), the inner loop specialised for each combination of
// element types and steps so that the compiler vectorises a loop without branches.
#include <algorithm>

#include "convscope/rebase.h"
#include "cpu_threads.h"
#include "occlusion_checks.h"

namespace {

using convscope::detail::for_rows;
using convscope::detail::from_bfloat16_bits;
using convscope::detail::rebase_args_are_valid;
using convscope::detail::rebase_patches_args_are_valid;
using convscope::detail::regions_lie_inside;
using convscope::detail::to_bfloat16_bits;
using convscope::detail::with_element_types;

constexpr int64_t kSegment = 8192;  // elements per unit of work: a thread's share is whole segments

inline float load(float v) { return v; }
inline float load(uint16_t bits) { return from_bfloat16_bits(bits); }
inline void store(float v, float* out) { *out = v; }
inline void store(float v, uint16_t* out) { *out = to_bfloat16_bits(v); }

// count elements of one image from its element `begin` on; add and subtract already point at that element.
template <typename In, typename Out, bool kAdd, bool kRelu, bool kSubtract>
void rebase_span(const In* in, const float* add, const float* subtract, int64_t count, Out* out) {
    for (int64_t i = 0; i < count; ++i) {
        float v = load(in[i]);
        if constexpr (kAdd) v += add[i];
        if constexpr (kRelu) v = v < 0.0f ? 0.0f : v;  // not max(v, 0): a NaN must stay NaN
        if constexpr (kSubtract) v -= subtract[i];
        store(v, out + i);
    }
}

template <typename In, typename Out>
using SpanFunction = void (*)(const In*, const float*, const float*, int64_t, Out*);

template <typename In, typename Out>
SpanFunction<In, Out> span_function(bool add, bool relu, bool subtract) {
    static constexpr SpanFunction<In, Out> kByStep[8] = {
        rebase_span<In, Out, false, false, false>, rebase_span<In, Out, false, false, true>,
        rebase_span<In, Out, false, true, false>,  rebase_span<In, Out, false, true, true>,
        rebase_span<In, Out, true, false, false>,  rebase_span<In, Out, true, false, true>,
        rebase_span<In, Out, true, true, false>,   rebase_span<In, Out, true, true, true>};
    return kByStep[(add ? 4 : 0) | (relu ? 2 : 0) | (subtract ? 1 : 0)];
}

template <typename In, typename Out>
void rebase(const In* in, const float* add, bool relu, const float* subtract, int64_t images, int64_t per_image,
            Out* out, int32_t threads) {
    const SpanFunction<In, Out> span = span_function<In, Out>(add != nullptr, relu, subtract != nullptr);
    const int64_t segments = (per_image + kSegment - 1) / kSegment;
    for_rows(images * segments, std::min(per_image, kSegment), threads, [&](int64_t first, int64_t last) {
        for (int64_t row = first; row < last; ++row) {  // row = (image n, segment)
            const int64_t n = row / segments, begin = (row - n * segments) * kSegment;
            const int64_t at = n * per_image + begin;
            span(in + at, add ? add + begin : nullptr, subtract ? subtract + begin : nullptr,
                 std::min(kSegment, per_image - begin), out + at);
        }
    });
}

template <typename In, typename Out>
void rebase_patches(const In* in, const float* base, int64_t channels, int64_t base_width,
                    const cs_patch_place* places, int64_t count, int64_t patch_height, int64_t patch_width, bool relu,
                    Out* out, int32_t threads) {
    const SpanFunction<In, Out> span = span_function<In, Out>(true, relu, false);
    const int64_t row = patch_width * channels;
    for_rows(count * patch_height, row, threads, [&](int64_t first, int64_t last) {
        for (int64_t i = first; i < last; ++i) {  // i = (patch n, row y)
            const int64_t n = i / patch_height, y = i - n * patch_height;
            const float* base_row = base + ((places[n].region_top + y) * base_width + places[n].region_left) * channels;
            span(in + i * row, base_row, nullptr, row, out + i * row);
        }
    });
}

}  // namespace

extern "C" int cs_rebase_cpu(const void* in, int32_t in_type, const float* add, int32_t relu, const float* subtract,
                             int64_t images, int64_t per_image, int32_t out_type, void* out, int32_t threads) {
    if (!rebase_args_are_valid(in, in_type, images, per_image, out_type, out)) return CS_INVALID_ARGUMENT;
    if (images == 0 || per_image == 0) return CS_OK;
    with_element_types(in, in_type, out, out_type, [&](const auto* src, auto* dst) {
        rebase(src, add, relu != 0, subtract, images, per_image, dst, threads);
    });
    return CS_OK;
}

extern "C" int cs_rebase_patches_cpu(const void* in, int32_t in_type, const float* base, int64_t channels,
                                     int64_t base_height, int64_t base_width, const cs_patch_place* places,
                                     int64_t count, int64_t patch_height, int64_t patch_width, int32_t relu,
                                     int32_t out_type, void* out, int32_t threads) {
    if (!rebase_patches_args_are_valid(in, in_type, base, channels, base_height, base_width, places, count,
                                       patch_height, patch_width, out_type, out)) {
        return CS_INVALID_ARGUMENT;
    }
    if (count == 0) return CS_OK;
    if (!regions_lie_inside(places, count, patch_height, patch_width, base_height, base_width)) {
        return CS_INVALID_ARGUMENT;
    }
    with_element_types(in, in_type, out, out_type, [&](const auto* src, auto* dst) {
        rebase_patches(src, base, channels, base_width, places, count, patch_height, patch_width, relu != 0, dst,
                       threads);
    });
    return CS_OK;
}
