// cs_plan_incremental of convscope/incremental.h: patch sizes, positions and the switch to full tensors,
// computed axis by axis (every layer of the chain acts on rows and columns independently).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "convscope/incremental.h"

namespace {

int64_t floor_div(int64_t a, int64_t b) {
    const int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

// One layer's reach along one axis; point-wise layers are windows of 1.
struct Axis {
    int64_t kernel, stride, padding, dilation, in, out;

    int64_t reach() const { return dilation * (kernel - 1); }
};

Axis axis_of(const cs_chain_layer& layer, int a) {
    if (layer.kind == CS_LAYER_POINTWISE) {
        return {1, 1, 0, 1, layer.in_size[a], layer.out_size[a]};
    }
    return {layer.kernel[a], layer.stride[a], layer.padding[a], layer.dilation[a], layer.in_size[a],
            layer.out_size[a]};
}

bool layer_is_valid(const cs_chain_layer& layer) {
    if (layer.kind < CS_LAYER_CONV || layer.kind > CS_LAYER_POINTWISE) return false;
    if (layer.in_channels < 1 || layer.out_channels < 1 || layer.groups < 1) return false;
    for (int a = 0; a < 2; ++a) {
        if (layer.kernel[a] < 1 || layer.stride[a] < 1 || layer.dilation[a] < 1 || layer.padding[a] < 0 ||
            layer.in_size[a] < 1 || layer.out_size[a] < 1) {
            return false;
        }
        const Axis x = axis_of(layer, a);
        // The last output must start inside the padded input; it may read further (ceil_mode, or 'same'
        // padding with an even kernel), which the plan pads after the input.
        if ((x.out - 1) * x.stride - x.padding > x.in - 1 + x.padding) return false;
        // Places and plans are int32: every coordinate in the padded input must fit, so its extent must.
        // (The check above bounds (out - 1) * stride, and reach < 2^62, so this cannot overflow int64.)
        const int64_t after = std::max<int64_t>(0, (x.out - 1) * x.stride - x.padding + x.reach() - (x.in - 1));
        if (x.padding + x.in + after > std::numeric_limits<int32_t>::max()) return false;
    }
    if (layer.kind == CS_LAYER_POINTWISE &&
        (layer.in_size[0] != layer.out_size[0] || layer.in_size[1] != layer.out_size[1])) {
        return false;
    }
    return true;
}

// AvgPool2d divides a window that reaches past the padded input (ceil_mode can make one) by the window's
// extent clipped to the padded input; the same layer run with padding 0 on a zero-padded region divides it by
// the whole kernel. Such a layer cannot run on patches exactly, so the run switches to full tensors there.
bool needs_full_tensors(const cs_chain_layer& layer) {
    if (layer.kind != CS_LAYER_AVG_POOL) return false;
    for (int a = 0; a < 2; ++a) {
        const Axis x = axis_of(layer, a);
        if ((x.out - 1) * x.stride - x.padding + x.reach() > x.in - 1 + x.padding) return true;
    }
    return false;
}

int64_t macs_per_output(const cs_chain_layer& layer) {
    if (layer.kind != CS_LAYER_CONV) return 0;
    return int64_t{layer.out_channels} * (layer.in_channels / layer.groups) * layer.kernel[0] * layer.kernel[1];
}

}  // namespace

extern "C" int cs_plan_incremental(const cs_chain_layer* layers, int32_t layer_count, int32_t height,
                                   int32_t width, const cs_window* windows, int64_t window_count,
                                   double full_fraction, cs_layer_plan* plans, cs_patch_place* places,
                                   int32_t* incremental_layers) {
    if (!layers || !windows || !plans || !places || !incremental_layers || layer_count < 1 ||
        window_count < 1 || !(full_fraction >= 0.0) || height < 1 || width < 1) {
        return CS_INVALID_ARGUMENT;
    }
    for (int32_t l = 0; l < layer_count; ++l) {
        if (!layer_is_valid(layers[l])) return CS_INVALID_ARGUMENT;
        const int32_t* expected = l == 0 ? nullptr : layers[l - 1].out_size;
        const int32_t in_h = expected ? expected[0] : height;
        const int32_t in_w = expected ? expected[1] : width;
        if (layers[l].in_size[0] != in_h || layers[l].in_size[1] != in_w) return CS_INVALID_ARGUMENT;
    }
    for (int64_t n = 0; n < window_count; ++n) {
        if (windows[n].height < 1 || windows[n].width < 1) return CS_INVALID_ARGUMENT;
    }

    // The incoming patch of each window, per axis: [start, start + length) at the current layer's input.
    // At layer 0 it is the window clipped to the input, whose length varies at the borders.
    const size_t n_windows = static_cast<size_t>(window_count);
    std::vector<int64_t> start[2], length[2];
    for (int a = 0; a < 2; ++a) {
        start[a].resize(n_windows);
        length[a].resize(n_windows);
        const int64_t size = a == 0 ? height : width;
        for (size_t n = 0; n < n_windows; ++n) {
            const int64_t first = a == 0 ? windows[n].top : windows[n].left;
            const int64_t extent = a == 0 ? windows[n].height : windows[n].width;
            const int64_t begin = std::clamp<int64_t>(first, 0, size);
            const int64_t end = std::clamp<int64_t>(first + extent, begin, size);
            start[a][n] = begin;
            length[a][n] = end - begin;
        }
    }

    int32_t incremental = 0;
    bool switched = false;
    std::vector<int64_t> out_start[2];
    for (int32_t l = 0; l < layer_count; ++l) {
        const cs_chain_layer& layer = layers[l];
        cs_layer_plan& plan = plans[l];
        std::memset(&plan, 0, sizeof plan);
        cs_patch_place* row = places + static_cast<size_t>(l) * n_windows;
        const int64_t per_output = macs_per_output(layer);
        plan.full_macs = per_output * layer.out_size[0] * layer.out_size[1];
        plan.planned_macs = plan.full_macs;
        if (switched) {
            std::memset(row, 0, n_windows * sizeof(cs_patch_place));
            continue;
        }

        int64_t patch[2];
        for (int a = 0; a < 2; ++a) {
            const Axis x = axis_of(layer, a);
            out_start[a].resize(n_windows);
            int64_t longest = 1;
            for (size_t n = 0; n < n_windows; ++n) {
                if (length[a][n] == 0) {
                    out_start[a][n] = 0;
                    continue;
                }
                const int64_t lo = start[a][n], hi = start[a][n] + length[a][n] - 1;  // inclusive
                const int64_t o_lo = std::max<int64_t>(0, ceil_div(lo + x.padding - x.reach(), x.stride));
                const int64_t o_hi = std::min<int64_t>(x.out - 1, floor_div(hi + x.padding, x.stride));
                out_start[a][n] = o_lo;
                longest = std::max(longest, o_hi - o_lo + 1);
            }
            patch[a] = longest;
        }
        const bool first_pointwise = layer.kind == CS_LAYER_POINTWISE && l == 0;
        const bool follows = layer.kind == CS_LAYER_POINTWISE && l > 0;
        const bool fits = !needs_full_tensors(layer) &&
                          static_cast<double>(patch[0]) * static_cast<double>(patch[1]) <=
                              full_fraction * layer.out_size[0] * layer.out_size[1];
        if (!(first_pointwise || follows || fits)) {
            // The first full layer: its whole input with the incoming patch pasted in.
            switched = true;
            plan.region[0] = layer.in_size[0];
            plan.region[1] = layer.in_size[1];
            for (size_t n = 0; n < n_windows; ++n) {
                cs_patch_place& p = row[n];
                std::memset(&p, 0, sizeof p);
                p.paste_top = static_cast<int32_t>(start[0][n]);
                p.paste_left = static_cast<int32_t>(start[1][n]);
                p.paste_height = static_cast<int32_t>(length[0][n]);
                p.paste_width = static_cast<int32_t>(length[1][n]);
            }
            continue;
        }

        ++incremental;
        plan.incremental = 1;
        plan.planned_macs = per_output * patch[0] * patch[1];
        for (int a = 0; a < 2; ++a) {
            const Axis x = axis_of(layer, a);
            plan.patch[a] = static_cast<int32_t>(patch[a]);
            plan.region[a] = static_cast<int32_t>((patch[a] - 1) * x.stride + x.reach() + 1);
            plan.pad_before[a] = static_cast<int32_t>(x.padding);
            plan.pad_after[a] = static_cast<int32_t>(
                std::max<int64_t>(0, (x.out - 1) * x.stride - x.padding + x.reach() - (x.in - 1)));
        }
        for (size_t n = 0; n < n_windows; ++n) {
            cs_patch_place& p = row[n];
            int32_t* region_start[2] = {&p.region_top, &p.region_left};
            int32_t* paste_start[2] = {&p.paste_top, &p.paste_left};
            int32_t* paste_size[2] = {&p.paste_height, &p.paste_width};
            int32_t* patch_start[2] = {&p.patch_top, &p.patch_left};
            for (int a = 0; a < 2; ++a) {
                const Axis x = axis_of(layer, a);
                const int64_t b = std::clamp<int64_t>(out_start[a][n], 0, x.out - patch[a]);
                *patch_start[a] = static_cast<int32_t>(b);
                *region_start[a] = static_cast<int32_t>(b * x.stride);  // padded coordinates
                *paste_start[a] = static_cast<int32_t>(start[a][n] - (b * x.stride - x.padding));
                *paste_size[a] = static_cast<int32_t>(length[a][n]);
                start[a][n] = b;
                length[a][n] = patch[a];
            }
        }
    }
    *incremental_layers = incremental;
    return CS_OK;
}

// Measured with bench occlusion (README, "Incremental occlusion"): patches that cover most of their layer still
// paid on AlexNet and VGG16 up to 0.8 of it; under a counted saving of 1.3x the extra copies ate the gain.
extern "C" double cs_incremental_full_fraction(void) { return 0.8; }
extern "C" double cs_incremental_min_speedup(void) { return 1.3; }

// Other languages read these structs as raw int32/int64 arrays (see the header).
static_assert(sizeof(cs_chain_layer) == 16 * sizeof(int32_t), "cs_chain_layer must be 16 packed int32");
static_assert(sizeof(cs_layer_plan) == 56, "cs_layer_plan must be 2 int64 then 10 int32");
static_assert(sizeof(cs_patch_place) == 8 * sizeof(int32_t), "cs_patch_place must be 8 packed int32");
