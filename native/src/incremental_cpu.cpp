// CPU kernels of convscope/incremental.h: gather, paste and fill on channels-last buffers, each a copy of whole
// row spans (a row of W pixels is W * C contiguous floats), split over std::threads by (region, row); and the
// regions' changes against the base, row by row the same way.
#include <algorithm>
#include <cstring>
#include <limits>

#include "convscope/incremental.h"
#include "cpu_threads.h"
#include "occlusion_checks.h"

namespace {

using convscope::detail::clip_span;
using convscope::detail::for_rows;
using convscope::detail::plane_batches_are_valid;
using convscope::detail::region_changes_args_are_valid;
using convscope::detail::regions_lie_inside;
using convscope::detail::Span;
using convscope::detail::to_bfloat16_bits;

}  // namespace

extern "C" int cs_gather_regions_cpu(const float* base, int64_t channels, int64_t base_height,
                                     int64_t base_width, const cs_patch_place* places, int64_t count,
                                     int64_t region_height, int64_t region_width, float* regions,
                                     int32_t threads) {
    if (!plane_batches_are_valid(count, channels, base_height, base_width, region_height, region_width)) {
        return CS_INVALID_ARGUMENT;
    }
    if (count == 0) return CS_OK;
    if (!base || !places || !regions) return CS_INVALID_ARGUMENT;
    if (!regions_lie_inside(places, count, region_height, region_width, base_height, base_width)) {
        return CS_INVALID_ARGUMENT;
    }
    const int64_t C = channels;
    const size_t row_bytes = static_cast<size_t>(region_width * C) * sizeof(float);
    for_rows(count * region_height, region_width * C, threads, [&](int64_t first, int64_t last) {
        for (int64_t i = first; i < last; ++i) {  // i = (region n, row y)
            const int64_t n = i / region_height, y = i - n * region_height;
            const float* src = base + ((places[n].region_top + y) * base_width + places[n].region_left) * C;
            std::memcpy(regions + i * region_width * C, src, row_bytes);
        }
    });
    return CS_OK;
}

extern "C" int cs_paste_patches_cpu(const float* patches, int64_t count, int64_t channels, int64_t patch_height,
                                    int64_t patch_width, const cs_patch_place* places, float* regions,
                                    int64_t region_height, int64_t region_width, int32_t threads) {
    if (!plane_batches_are_valid(count, channels, patch_height, patch_width, region_height, region_width)) {
        return CS_INVALID_ARGUMENT;
    }
    if (count == 0) return CS_OK;
    if (!patches || !places || !regions) return CS_INVALID_ARGUMENT;
    const int64_t C = channels;
    for_rows(count * patch_height, patch_width * C, threads, [&](int64_t first, int64_t last) {
        for (int64_t i = first; i < last; ++i) {  // i = (patch n, patch row)
            const int64_t n = i / patch_height;
            const cs_patch_place& p = places[n];
            const int64_t y = p.paste_top + (i - n * patch_height);  // region row
            // The patch's part inside the region, in region coordinates.
            const Span cols = clip_span(p.paste_left, patch_width, region_width);
            if (y < 0 || y >= region_height || cols.begin >= cols.end) continue;
            const float* src = patches + (i * patch_width + (cols.begin - p.paste_left)) * C;
            float* dst = regions + ((n * region_height + y) * region_width + cols.begin) * C;
            std::memcpy(dst, src, static_cast<size_t>((cols.end - cols.begin) * C) * sizeof(float));
        }
    });
    return CS_OK;
}

extern "C" int cs_fill_patches_cpu(const float* fill, int64_t count, int64_t channels,
                                   const cs_patch_place* places, float* regions, int64_t region_height,
                                   int64_t region_width, int32_t threads) {
    if (!plane_batches_are_valid(count, channels, region_height, region_width, 1, 1)) return CS_INVALID_ARGUMENT;
    if (count == 0) return CS_OK;
    if (!fill || !places || !regions) return CS_INVALID_ARGUMENT;
    for (int64_t n = 0; n < count; ++n) {
        if (places[n].paste_height < 0 || places[n].paste_width < 0) return CS_INVALID_ARGUMENT;
    }
    const int64_t C = channels;
    for_rows(count * region_height, region_width * C, threads, [&](int64_t first, int64_t last) {
        for (int64_t i = first; i < last; ++i) {  // i = (region n, row y)
            const int64_t n = i / region_height, y = i - n * region_height;
            const cs_patch_place& p = places[n];
            const Span rows = clip_span(p.paste_top, p.paste_height, region_height);
            const Span cols = clip_span(p.paste_left, p.paste_width, region_width);
            if (y < rows.begin || y >= rows.end) continue;
            float* dst = regions + (i * region_width + cols.begin) * C;
            for (int64_t x = cols.begin; x < cols.end; ++x, dst += C) {
                std::memcpy(dst, fill, static_cast<size_t>(C) * sizeof(float));
            }
        }
    });
    return CS_OK;
}

namespace {

// One region row of changes: zeros, then v - base over [cols.begin, cols.end) where the row is inside the
// rectangle; v from value(x, c) (region coordinates).
template <typename Out, typename Store, typename Value>
void change_row(Out* out, const float* base_row, int64_t region_width, int64_t C, bool inside, Span cols,
                Store store, Value value) {
    std::memset(out, 0, static_cast<size_t>(region_width * C) * sizeof(Out));
    if (!inside) return;
    for (int64_t x = cols.begin; x < cols.end; ++x) {
        for (int64_t c = 0; c < C; ++c) out[x * C + c] = store(value(x, c) - base_row[x * C + c]);
    }
}

template <typename Out, typename Store>
void region_changes(const float* base, int64_t C, int64_t base_width, const float* patches, int64_t patch_height,
                    int64_t patch_width, const float* fill, const cs_patch_place* places, int64_t count,
                    int64_t region_height, int64_t region_width, Out* changes, int32_t threads, Store store) {
    for_rows(count * region_height, region_width * C, threads, [&](int64_t first, int64_t last) {
        for (int64_t i = first; i < last; ++i) {  // i = (region n, row y)
            const int64_t n = i / region_height, y = i - n * region_height;
            const cs_patch_place& p = places[n];
            const int64_t height = patches ? patch_height : p.paste_height;
            const int64_t width = patches ? patch_width : p.paste_width;
            const Span rows = clip_span(p.paste_top, height, region_height);
            const Span cols = clip_span(p.paste_left, width, region_width);
            const float* base_row = base + ((p.region_top + y) * base_width + p.region_left) * C;
            const bool inside = y >= rows.begin && y < rows.end;
            Out* out = changes + i * region_width * C;
            if (patches && inside) {
                const float* patch_row = patches + ((n * patch_height + (y - p.paste_top)) * patch_width) * C;
                change_row(out, base_row, region_width, C, inside, cols, store,
                           [&](int64_t x, int64_t c) { return patch_row[(x - p.paste_left) * C + c]; });
            } else {
                change_row(out, base_row, region_width, C, inside && !patches, cols, store,
                           [&](int64_t, int64_t c) { return fill[c]; });
            }
        }
    });
}

}  // namespace

extern "C" int cs_region_changes_cpu(const float* base, int64_t channels, int64_t base_height, int64_t base_width,
                                     const float* patches, int64_t patch_height, int64_t patch_width,
                                     const float* fill, const cs_patch_place* places, int64_t count,
                                     int64_t region_height, int64_t region_width, int32_t change_type,
                                     void* changes, int32_t threads) {
    if (!region_changes_args_are_valid(count, channels, base_height, base_width, patches, patch_height, patch_width,
                                       region_height, region_width, change_type, base, fill, places, changes)) {
        return CS_INVALID_ARGUMENT;
    }
    if (count == 0) return CS_OK;
    if (!regions_lie_inside(places, count, region_height, region_width, base_height, base_width)) {
        return CS_INVALID_ARGUMENT;
    }
    if (change_type == CS_CHANGE_BFLOAT16) {
        region_changes(base, channels, base_width, patches, patch_height, patch_width, fill, places, count,
                       region_height, region_width, static_cast<uint16_t*>(changes), threads,
                       [](float v) { return to_bfloat16_bits(v); });
    } else {
        region_changes(base, channels, base_width, patches, patch_height, patch_width, fill, places, count,
                       region_height, region_width, static_cast<float*>(changes), threads,
                       [](float v) { return v; });
    }
    return CS_OK;
}
