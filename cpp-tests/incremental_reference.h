// The gather, paste and fill kernels of convscope/incremental.h computed the obvious way, one element at a
// time, straight from the definitions in the header; plus deterministic inputs shared by the CPU and CUDA
// tests.
#ifndef CONVSCOPE_TEST_INCREMENTAL_REFERENCE_H
#define CONVSCOPE_TEST_INCREMENTAL_REFERENCE_H

#include <cstdint>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "convscope/incremental.h"

namespace convscope::test {

// Index of element (n, y, x, c) in a dense channels-last batch (N x height x width x channels), straight from
// the header's Layout paragraph.
inline size_t nhwc(int64_t n, int64_t y, int64_t x, int64_t c, int64_t height, int64_t width, int64_t channels) {
    return static_cast<size_t>(((n * height + y) * width + x) * channels + c);
}

// regions[n][y][x][c] = base[region_top + y][region_left + x][c]
inline std::vector<float> reference_gather(const std::vector<float>& base, int64_t channels, int64_t base_height,
                                           int64_t base_width, const std::vector<cs_patch_place>& places,
                                           int64_t region_height, int64_t region_width) {
    const auto count = static_cast<int64_t>(places.size());
    std::vector<float> regions(static_cast<size_t>(count * region_height * region_width * channels));
    for (int64_t n = 0; n < count; ++n) {
        const cs_patch_place& p = places[static_cast<size_t>(n)];
        for (int64_t y = 0; y < region_height; ++y)
            for (int64_t x = 0; x < region_width; ++x)
                for (int64_t c = 0; c < channels; ++c)
                    regions[nhwc(n, y, x, c, region_height, region_width, channels)] =
                        base[nhwc(0, p.region_top + y, p.region_left + x, c, base_height, base_width, channels)];
    }
    return regions;
}

// regions with every patch pixel that lands inside its region copied there.
inline std::vector<float> reference_paste(const std::vector<float>& patches, int64_t channels, int64_t patch_height,
                                          int64_t patch_width, const std::vector<cs_patch_place>& places,
                                          std::vector<float> regions, int64_t region_height, int64_t region_width) {
    for (size_t i = 0; i < places.size(); ++i) {
        const cs_patch_place& p = places[i];
        const auto n = static_cast<int64_t>(i);
        for (int64_t y = 0; y < patch_height; ++y)
            for (int64_t x = 0; x < patch_width; ++x) {
                const int64_t ry = p.paste_top + y, rx = p.paste_left + x;
                if (ry < 0 || ry >= region_height || rx < 0 || rx >= region_width) continue;
                for (int64_t c = 0; c < channels; ++c)
                    regions[nhwc(n, ry, rx, c, region_height, region_width, channels)] =
                        patches[nhwc(n, y, x, c, patch_height, patch_width, channels)];
            }
    }
    return regions;
}

// regions with each paste rectangle (clipped to the region) set to fill[c] in channel c.
inline std::vector<float> reference_fill(const std::vector<float>& fill, int64_t channels,
                                         const std::vector<cs_patch_place>& places, std::vector<float> regions,
                                         int64_t region_height, int64_t region_width) {
    for (size_t i = 0; i < places.size(); ++i) {
        const cs_patch_place& p = places[i];
        const auto n = static_cast<int64_t>(i);
        for (int64_t y = 0; y < region_height; ++y)
            for (int64_t x = 0; x < region_width; ++x) {
                const bool inside = y >= p.paste_top && y < int64_t{p.paste_top} + p.paste_height &&
                                    x >= p.paste_left && x < int64_t{p.paste_left} + p.paste_width;
                if (!inside) continue;
                for (int64_t c = 0; c < channels; ++c)
                    regions[nhwc(n, y, x, c, region_height, region_width, channels)] = fill[static_cast<size_t>(c)];
            }
    }
    return regions;
}

// Distinct values (flat index + 0.5 + offset, exact in float), so a value in the wrong place shows.
inline std::vector<float> numbered(size_t count, float offset = 0.0f) {
    std::vector<float> v(count);
    for (size_t i = 0; i < count; ++i) v[i] = static_cast<float>(i) + 0.5f + offset;
    return v;
}

inline std::vector<float> random_values(size_t count, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
    std::vector<float> v(count);
    for (float& x : v) x = dist(rng);
    return v;
}

// Regions placed anywhere inside the base, the four corners and the four edges always among them.
inline std::vector<cs_patch_place> random_gather_places(int count, int64_t base_height, int64_t base_width,
                                                        int64_t region_height, int64_t region_width,
                                                        uint32_t seed) {
    const auto max_top = static_cast<int32_t>(base_height - region_height);
    const auto max_left = static_cast<int32_t>(base_width - region_width);
    std::vector<cs_patch_place> places;
    const int32_t edges[][2] = {{0, 0},       {0, max_left},           {max_top, 0},           {max_top, max_left},
                                {0, max_left / 2}, {max_top, max_left / 2}, {max_top / 2, 0}, {max_top / 2, max_left}};
    for (const auto& e : edges) places.push_back({e[0], e[1], 0, 0, 0, 0, 0, 0});
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int32_t> top(0, max_top), left(0, max_left);
    while (static_cast<int>(places.size()) < count) places.push_back({top(rng), left(rng), 0, 0, 0, 0, 0, 0});
    places.resize(static_cast<size_t>(count));
    return places;
}

// Paste rectangles of random size (>= 0) and place, many sticking out of the region on some side or wholly
// outside it. paste_height / paste_width matter to fill only; paste uses the patch size.
inline std::vector<cs_patch_place> random_paste_places(int count, int64_t patch_height, int64_t patch_width,
                                                       int64_t region_height, int64_t region_width, uint32_t seed) {
    std::mt19937 rng(seed);
    const auto ph = static_cast<int32_t>(patch_height), pw = static_cast<int32_t>(patch_width);
    const auto rh = static_cast<int32_t>(region_height), rw = static_cast<int32_t>(region_width);
    std::uniform_int_distribution<int32_t> top(-ph - 2, rh + 2), left(-pw - 2, rw + 2);
    std::uniform_int_distribution<int32_t> height(0, rh + 3), width(0, rw + 3);
    std::vector<cs_patch_place> places;
    for (int i = 0; i < count; ++i) places.push_back({0, 0, top(rng), left(rng), height(rng), width(rng), 0, 0});
    return places;
}

// The regions' changes as gather, paste (or fill, with patches empty) and a subtraction give them.
inline std::vector<float> reference_changes(const std::vector<float>& base, int64_t channels, int64_t base_height,
                                            int64_t base_width, const std::vector<float>& patches,
                                            int64_t patch_height, int64_t patch_width, const std::vector<float>& fill,
                                            const std::vector<cs_patch_place>& places, int64_t region_height,
                                            int64_t region_width) {
    const std::vector<float> unoccluded =
        reference_gather(base, channels, base_height, base_width, places, region_height, region_width);
    std::vector<float> occluded =
        patches.empty()
            ? reference_fill(fill, channels, places, unoccluded, region_height, region_width)
            : reference_paste(patches, channels, patch_height, patch_width, places, unoccluded, region_height,
                              region_width);
    for (size_t i = 0; i < occluded.size(); ++i) occluded[i] -= unoccluded[i];
    return occluded;
}

// bfloat16 bits of x by its definition: of the two bfloat16 values around x, the nearer, the one with an even
// last bit on a tie (x finite).
inline uint16_t reference_bfloat16(float x) {
    uint32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const uint32_t down = bits & 0xffff0000u, up = down + 0x10000u;
    float low, high;
    std::memcpy(&low, &down, sizeof low);
    std::memcpy(&high, &up, sizeof high);
    const double to_low = std::abs(static_cast<double>(x) - low), to_high = std::abs(static_cast<double>(high) - x);
    const bool take_high = to_high < to_low || (to_high == to_low && ((down >> 16) & 1u));
    return static_cast<uint16_t>((take_high ? up : down) >> 16);
}

// Places for the region-change kernels: region corners as random_gather_places gives them, paste rectangles
// as random_paste_places gives them (seed + 1).
inline std::vector<cs_patch_place> random_change_places(int count, int64_t base_height, int64_t base_width,
                                                        int64_t region_height, int64_t region_width,
                                                        int64_t patch_height, int64_t patch_width, uint32_t seed) {
    std::vector<cs_patch_place> places =
        random_gather_places(count, base_height, base_width, region_height, region_width, seed);
    const std::vector<cs_patch_place> pastes =
        random_paste_places(count, patch_height, patch_width, region_height, region_width, seed + 1);
    for (size_t n = 0; n < places.size(); ++n) {
        const cs_patch_place& q = pastes[n];
        places[n] = {places[n].region_top, places[n].region_left, q.paste_top, q.paste_left, q.paste_height,
                     q.paste_width, 0, 0};
    }
    return places;
}

inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace convscope::test

#endif
