// Specification of convscope/incremental.h on the CPU: the gather, paste, fill and region-change kernels against
// naive loops, cs_plan_incremental against a naive reference of which outputs an occluding window can change, and
// end to end, an incremental forward pass of small random chains (conv, max / avg pool, point-wise layers)
// built from the plan and the kernels, which must equal the plain occluded forward pass exactly.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "convscope/build_config.h"
#include "convscope/incremental.h"
#include "incremental_reference.h"
#include "occlusion_reference.h"

using convscope::test::captum_windows;
using convscope::test::nhwc;
using convscope::test::numbered;
using convscope::test::random_change_places;
using convscope::test::random_gather_places;
using convscope::test::random_paste_places;
using convscope::test::random_values;
using convscope::test::random_windows;
using convscope::test::reference_bfloat16;
using convscope::test::reference_changes;
using convscope::test::reference_fill;
using convscope::test::reference_gather;
using convscope::test::reference_paste;
using convscope::test::same_bits;
using convscope::test::Shape;

namespace {

constexpr int kOk = CS_OK;
constexpr int kInvalid = CS_INVALID_ARGUMENT;
constexpr float kSentinel = -12345.0f;

bool all_equal_to(const std::vector<float>& v, float value) {
    return std::all_of(v.begin(), v.end(), [value](float x) { return x == value; });
}

cs_patch_place region_at(int32_t top, int32_t left) { return {top, left, 0, 0, 0, 0, 0, 0}; }
cs_patch_place paste_at(int32_t top, int32_t left, int32_t height = 0, int32_t width = 0) {
    return {0, 0, top, left, height, width, 0, 0};
}

}  // namespace

CS_TEST(structs_have_the_documented_raw_layout) {
    // Callers in other languages read arrays of these as raw memory (see the header).
    CHECK_EQ(sizeof(cs_patch_place), 8 * sizeof(int32_t));
    CHECK_EQ(offsetof(cs_patch_place, paste_top), 2 * sizeof(int32_t));
    CHECK_EQ(offsetof(cs_patch_place, patch_left), 7 * sizeof(int32_t));
    CHECK_EQ(sizeof(cs_layer_plan), size_t{56});
    CHECK_EQ(offsetof(cs_layer_plan, planned_macs), size_t{8});
    CHECK_EQ(offsetof(cs_layer_plan, incremental), size_t{16});
    CHECK_EQ(offsetof(cs_layer_plan, pad_after), size_t{44});
}

CS_TEST(policy_values_are_in_a_sane_range) {
    const double fraction = cs_incremental_full_fraction();
    CHECK(fraction > 0.0 && fraction <= 1.0);
    CHECK(cs_incremental_min_speedup() >= 1.0);
}

CS_TEST(the_kernels_use_the_channels_last_layout) {
    // Written out by hand, not through nhwc(): the header's Layout paragraph, element (y, x, c) of an H x W x C
    // buffer at (y * W + x) * C + c. Base: 3 x 4 pixels of 2 channels, value 100 y + 10 x + c.
    std::vector<float> base(3 * 4 * 2);
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 4; ++x)
            for (int c = 0; c < 2; ++c) base[static_cast<size_t>((y * 4 + x) * 2 + c)] = float(100 * y + 10 * x + c);
    // Two 2 x 2 regions, at (1, 2) and (0, 0).
    const cs_patch_place regions_at[2] = {region_at(1, 2), region_at(0, 0)};
    std::vector<float> regions(2 * 2 * 2 * 2, kSentinel);
    CHECK_EQ(cs_gather_regions_cpu(base.data(), 2, 3, 4, regions_at, 2, 2, 2, regions.data(), 1), kOk);
    const std::vector<float> gathered{120, 121, 130, 131, 220, 221, 230, 231, 0, 1, 10, 11, 100, 101, 110, 111};
    CHECK(same_bits(regions, gathered));

    // A 1 x 2 patch of 2 channels pasted at (1, 1) into a 2 x 3 region: region pixels (1, 1) and (1, 2).
    const std::vector<float> patch{1, 2, 3, 4};
    const cs_patch_place paste = paste_at(1, 1);
    std::vector<float> region(2 * 3 * 2, 0.0f);
    CHECK_EQ(cs_paste_patches_cpu(patch.data(), 1, 2, 1, 2, &paste, region.data(), 2, 3, 1), kOk);
    CHECK(same_bits(region, std::vector<float>{0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}));

    // Column 1 of a 2 x 2 region of 3 channels filled with {7, 8, 9}.
    const std::vector<float> fill{7, 8, 9};
    const cs_patch_place column = paste_at(0, 1, 2, 1);
    std::vector<float> filled(2 * 2 * 3, 0.0f);
    CHECK_EQ(cs_fill_patches_cpu(fill.data(), 1, 3, &column, filled.data(), 2, 2, 1), kOk);
    CHECK(same_bits(filled, std::vector<float>{0, 0, 0, 7, 8, 9, 0, 0, 0, 7, 8, 9}));
}

// ---------------------------------------------------------------------------------------------------------
// Gather

CS_TEST(gather_copies_regions_at_every_border_of_the_base) {
    const int64_t C = 3, BH = 9, BW = 11, RH = 4, RW = 5;
    const std::vector<float> base = numbered(static_cast<size_t>(C * BH * BW));
    const std::vector<cs_patch_place> places = random_gather_places(12, BH, BW, RH, RW, 1);
    std::vector<float> regions(places.size() * static_cast<size_t>(C * RH * RW), kSentinel);
    CHECK_EQ(cs_gather_regions_cpu(base.data(), C, BH, BW, places.data(), 12, RH, RW, regions.data(), 1), kOk);
    CHECK(same_bits(regions, reference_gather(base, C, BH, BW, places, RH, RW)));
    // By hand: place 0 is the top-left corner, place 3 the bottom-right one (see random_gather_places).
    for (int64_t c = 0; c < C; ++c) {
        CHECK_EQ(regions[nhwc(0, 0, 0, c, RH, RW, C)], base[nhwc(0, 0, 0, c, BH, BW, C)]);
        CHECK_EQ(regions[nhwc(0, RH - 1, RW - 1, c, RH, RW, C)], base[nhwc(0, RH - 1, RW - 1, c, BH, BW, C)]);
        CHECK_EQ(regions[nhwc(3, 0, 0, c, RH, RW, C)], base[nhwc(0, BH - RH, BW - RW, c, BH, BW, C)]);
        CHECK_EQ(regions[nhwc(3, RH - 1, RW - 1, c, RH, RW, C)], base[nhwc(0, BH - 1, BW - 1, c, BH, BW, C)]);
    }
}

CS_TEST(gather_of_the_whole_base_is_a_copy) {
    const int64_t C = 2, H = 5, W = 7;
    const std::vector<float> base = random_values(static_cast<size_t>(C * H * W), 3);
    const std::vector<cs_patch_place> places{region_at(0, 0), region_at(0, 0)};
    std::vector<float> regions(2 * base.size(), kSentinel);
    CHECK_EQ(cs_gather_regions_cpu(base.data(), C, H, W, places.data(), 2, H, W, regions.data(), 0), kOk);
    CHECK(same_bits(std::vector<float>(regions.begin(), regions.begin() + static_cast<long>(base.size())), base));
    CHECK(same_bits(std::vector<float>(regions.begin() + static_cast<long>(base.size()), regions.end()), base));
}

CS_TEST(gather_result_does_not_depend_on_the_thread_count) {
    // 64 x 8 x 24 x 24 floats: enough work for several threads (the kernel starts one per 64 Ki floats).
    const int64_t C = 8, BH = 40, BW = 37, RH = 24, RW = 24;
    const std::vector<float> base = random_values(static_cast<size_t>(C * BH * BW), 11);
    const std::vector<cs_patch_place> places = random_gather_places(64, BH, BW, RH, RW, 12);
    const std::vector<float> expected = reference_gather(base, C, BH, BW, places, RH, RW);
    for (int32_t threads : {1, 2, 3, 4, 7, 64, 0, -1}) {
        std::vector<float> regions(expected.size(), kSentinel);
        CHECK_EQ(cs_gather_regions_cpu(base.data(), C, BH, BW, places.data(), 64, RH, RW, regions.data(), threads),
                 kOk);
        CHECK(same_bits(regions, expected));
    }
}

CS_TEST(gather_rejects_invalid_arguments_and_writes_nothing) {
    const int64_t C = 2, BH = 6, BW = 7, RH = 3, RW = 4;
    const std::vector<float> base = numbered(static_cast<size_t>(C * BH * BW));
    std::vector<float> regions(3 * static_cast<size_t>(C * RH * RW), kSentinel);
    auto gather = [&](const std::vector<cs_patch_place>& places) {
        return cs_gather_regions_cpu(base.data(), C, BH, BW, places.data(), static_cast<int64_t>(places.size()), RH,
                                     RW, regions.data(), 1);
    };
    const cs_patch_place good = region_at(static_cast<int32_t>(BH - RH), static_cast<int32_t>(BW - RW));
    CHECK_EQ(gather({good}), kOk);  // the last place that fits
    std::fill(regions.begin(), regions.end(), kSentinel);
    // One region past the bottom, past the right, above, left of the base; the bad one last of several, so a
    // kernel that wrote before checking would show.
    for (const cs_patch_place& bad : {region_at(static_cast<int32_t>(BH - RH + 1), 0),
                                      region_at(0, static_cast<int32_t>(BW - RW + 1)), region_at(-1, 0),
                                      region_at(0, -1), region_at(std::numeric_limits<int32_t>::max(), 0)}) {
        CHECK_EQ(gather({good, good, bad}), kInvalid);
        CHECK(all_equal_to(regions, kSentinel));
    }
    const cs_patch_place p = region_at(0, 0);
    float* out = regions.data();
    const float* b = base.data();
    CHECK_EQ(cs_gather_regions_cpu(nullptr, C, BH, BW, &p, 1, RH, RW, out, 1), kInvalid);
    CHECK_EQ(cs_gather_regions_cpu(b, C, BH, BW, nullptr, 1, RH, RW, out, 1), kInvalid);
    CHECK_EQ(cs_gather_regions_cpu(b, C, BH, BW, &p, 1, RH, RW, nullptr, 1), kInvalid);
    CHECK_EQ(cs_gather_regions_cpu(b, 0, BH, BW, &p, 1, RH, RW, out, 1), kInvalid);
    CHECK_EQ(cs_gather_regions_cpu(b, C, 0, BW, &p, 1, RH, RW, out, 1), kInvalid);
    CHECK_EQ(cs_gather_regions_cpu(b, C, BH, 0, &p, 1, RH, RW, out, 1), kInvalid);
    CHECK_EQ(cs_gather_regions_cpu(b, C, BH, BW, &p, 1, 0, RW, out, 1), kInvalid);
    CHECK_EQ(cs_gather_regions_cpu(b, C, BH, BW, &p, 1, RH, 0, out, 1), kInvalid);
    CHECK_EQ(cs_gather_regions_cpu(b, C, BH, BW, &p, -1, RH, RW, out, 1), kInvalid);
    CHECK_EQ(cs_gather_regions_cpu(b, C, BH, BW, &p, 1, BH + 1, RW, out, 1), kInvalid);  // region > base
    CHECK_EQ(cs_gather_regions_cpu(b, int64_t{1} << 40, int64_t{1} << 20, 8, &p, 1, RH, RW, out, 1),
             kInvalid);  // cannot be addressed
    CHECK(all_equal_to(regions, kSentinel));
    CHECK_EQ(cs_gather_regions_cpu(nullptr, C, BH, BW, nullptr, 0, RH, RW, nullptr, 1), kOk);  // no regions
}

// ---------------------------------------------------------------------------------------------------------
// Paste

CS_TEST(paste_clips_patches_sticking_out_on_every_side) {
    const int64_t C = 2, RH = 6, RW = 7, PH = 3, PW = 4;
    const std::vector<cs_patch_place> places{
        paste_at(1, 1),   // inside
        paste_at(-2, 2),  // out at the top: only its last row lands (region row 0)
        paste_at(4, 2),   // out at the bottom: rows 4, 5
        paste_at(2, -3),  // out at the left: only its last column lands (region column 0)
        paste_at(2, 5),   // out at the right: columns 5, 6
        paste_at(-1, -1), // top-left corner: 2 x 3
        paste_at(5, 6),   // bottom-right corner: 1 x 1
        paste_at(-3, 0), paste_at(6, 0), paste_at(0, -4), paste_at(0, 7),  // wholly outside: nothing
    };
    const auto N = static_cast<int64_t>(places.size());
    const std::vector<float> patches = numbered(static_cast<size_t>(N * C * PH * PW), 10000.0f);
    const std::vector<float> before = numbered(static_cast<size_t>(N * C * RH * RW));
    std::vector<float> regions = before;
    CHECK_EQ(cs_paste_patches_cpu(patches.data(), N, C, PH, PW, places.data(), regions.data(), RH, RW, 1), kOk);
    CHECK(same_bits(regions, reference_paste(patches, C, PH, PW, places, before, RH, RW)));

    // How many values each region got, by hand: (rows landed) x (columns landed) x channels.
    const int64_t landed[] = {3 * 4, 1 * 4, 2 * 4, 3 * 1, 3 * 2, 2 * 3, 1, 0, 0, 0, 0};
    for (int64_t n = 0; n < N; ++n) {
        int64_t changed = 0;
        for (int64_t i = n * C * RH * RW; i < (n + 1) * C * RH * RW; ++i) {
            changed += regions[static_cast<size_t>(i)] != before[static_cast<size_t>(i)];
        }
        CHECK_EQ(changed, landed[n] * C);
    }
    for (int64_t c = 0; c < C; ++c) {
        // Window 1: patch row 2 lands on region row 0; region row 1 keeps its value.
        CHECK_EQ(regions[nhwc(1, 0, 2, c, RH, RW, C)], patches[nhwc(1, 2, 0, c, PH, PW, C)]);
        CHECK_EQ(regions[nhwc(1, 0, 5, c, RH, RW, C)], patches[nhwc(1, 2, 3, c, PH, PW, C)]);
        CHECK_EQ(regions[nhwc(1, 1, 2, c, RH, RW, C)], before[nhwc(1, 1, 2, c, RH, RW, C)]);
        // Window 3: patch column 3 lands on region column 0.
        CHECK_EQ(regions[nhwc(3, 2, 0, c, RH, RW, C)], patches[nhwc(3, 0, 3, c, PH, PW, C)]);
        CHECK_EQ(regions[nhwc(3, 4, 0, c, RH, RW, C)], patches[nhwc(3, 2, 3, c, PH, PW, C)]);
        // Window 6: patch (0, 0) lands on the region's last pixel.
        CHECK_EQ(regions[nhwc(6, RH - 1, RW - 1, c, RH, RW, C)], patches[nhwc(6, 0, 0, c, PH, PW, C)]);
    }
}

CS_TEST(paste_of_a_patch_larger_than_the_region_overwrites_all_of_it) {
    const int64_t C = 2, RH = 3, RW = 4, PH = 6, PW = 8;
    const std::vector<cs_patch_place> places{paste_at(-1, -2)};
    const std::vector<float> patches = numbered(static_cast<size_t>(C * PH * PW), 500.0f);
    std::vector<float> regions(static_cast<size_t>(C * RH * RW), kSentinel);
    CHECK_EQ(cs_paste_patches_cpu(patches.data(), 1, C, PH, PW, places.data(), regions.data(), RH, RW, 1), kOk);
    for (int64_t c = 0; c < C; ++c)
        for (int64_t y = 0; y < RH; ++y)
            for (int64_t x = 0; x < RW; ++x)
                CHECK_EQ(regions[nhwc(0, y, x, c, RH, RW, C)], patches[nhwc(0, y + 1, x + 2, c, PH, PW, C)]);
}

CS_TEST(paste_matches_the_reference_for_any_thread_count) {
    // 2000 x 4 x 6 x 7 patch floats: several threads' worth.
    const int64_t C = 4, PH = 6, PW = 7, RH = 9, RW = 8;
    const std::vector<cs_patch_place> places = random_paste_places(2000, PH, PW, RH, RW, 21);
    const auto N = static_cast<int64_t>(places.size());
    const std::vector<float> patches = random_values(static_cast<size_t>(N * C * PH * PW), 22);
    const std::vector<float> before = random_values(static_cast<size_t>(N * C * RH * RW), 23);
    const std::vector<float> expected = reference_paste(patches, C, PH, PW, places, before, RH, RW);
    CHECK(!same_bits(expected, before));
    for (int32_t threads : {1, 2, 5, 0}) {
        std::vector<float> regions = before;
        CHECK_EQ(cs_paste_patches_cpu(patches.data(), N, C, PH, PW, places.data(), regions.data(), RH, RW, threads),
                 kOk);
        CHECK(same_bits(regions, expected));
    }
}

CS_TEST(paste_rejects_invalid_arguments_and_writes_nothing) {
    const float patch[4] = {1, 2, 3, 4};
    const cs_patch_place p = paste_at(0, 0);
    std::vector<float> regions(16, kSentinel);
    float* out = regions.data();
    CHECK_EQ(cs_paste_patches_cpu(nullptr, 1, 1, 2, 2, &p, out, 4, 4, 1), kInvalid);
    CHECK_EQ(cs_paste_patches_cpu(patch, 1, 1, 2, 2, nullptr, out, 4, 4, 1), kInvalid);
    CHECK_EQ(cs_paste_patches_cpu(patch, 1, 1, 2, 2, &p, nullptr, 4, 4, 1), kInvalid);
    CHECK_EQ(cs_paste_patches_cpu(patch, -1, 1, 2, 2, &p, out, 4, 4, 1), kInvalid);
    CHECK_EQ(cs_paste_patches_cpu(patch, 1, 0, 2, 2, &p, out, 4, 4, 1), kInvalid);
    CHECK_EQ(cs_paste_patches_cpu(patch, 1, 1, 0, 2, &p, out, 4, 4, 1), kInvalid);
    CHECK_EQ(cs_paste_patches_cpu(patch, 1, 1, 2, 0, &p, out, 4, 4, 1), kInvalid);
    CHECK_EQ(cs_paste_patches_cpu(patch, 1, 1, 2, 2, &p, out, 0, 4, 1), kInvalid);
    CHECK_EQ(cs_paste_patches_cpu(patch, 1, 1, 2, 2, &p, out, 4, 0, 1), kInvalid);
    CHECK(all_equal_to(regions, kSentinel));
    CHECK_EQ(cs_paste_patches_cpu(nullptr, 0, 1, 2, 2, nullptr, nullptr, 4, 4, 1), kOk);
}

// ---------------------------------------------------------------------------------------------------------
// Fill

CS_TEST(fill_clips_the_rectangle_and_fills_each_channel_with_its_value) {
    const int64_t C = 3, RH = 5, RW = 6;
    const std::vector<float> fill{-1.0f, -2.0f, -3.0f};
    const std::vector<cs_patch_place> places{
        paste_at(1, 1, 2, 3),        // inside
        paste_at(-2, -1, 3, 3),      // top-left: rows 0, columns 0..1
        paste_at(3, 4, 5, 5),        // bottom-right: rows 3..4, columns 4..5
        paste_at(-10, -10, 100, 100),// all of it
        paste_at(1, 1, 0, 3),        // empty
        paste_at(5, 0, 2, 2),        // below
        paste_at(0, 6, 2, 2),        // right of it
    };
    const auto N = static_cast<int64_t>(places.size());
    const std::vector<float> before = numbered(static_cast<size_t>(N * C * RH * RW));
    std::vector<float> regions = before;
    CHECK_EQ(cs_fill_patches_cpu(fill.data(), N, C, places.data(), regions.data(), RH, RW, 1), kOk);
    CHECK(same_bits(regions, reference_fill(fill, C, places, before, RH, RW)));
    // The same by hand: the clipped rectangles {rows} x {columns} of each place.
    const int64_t rect[][4] = {{1, 3, 1, 4}, {0, 1, 0, 2}, {3, 5, 4, 6}, {0, 5, 0, 6},
                               {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
    for (int64_t n = 0; n < N; ++n)
        for (int64_t c = 0; c < C; ++c)
            for (int64_t y = 0; y < RH; ++y)
                for (int64_t x = 0; x < RW; ++x) {
                    const int64_t* r = rect[n];
                    const bool inside = y >= r[0] && y < r[1] && x >= r[2] && x < r[3];
                    const size_t i = nhwc(n, y, x, c, RH, RW, C);
                    CHECK_EQ(regions[i], inside ? fill[static_cast<size_t>(c)] : before[i]);
                }
}

CS_TEST(fill_matches_the_reference_for_any_thread_count) {
    const int64_t C = 3, RH = 17, RW = 19;
    const std::vector<cs_patch_place> places = random_paste_places(1500, 4, 5, RH, RW, 31);
    const auto N = static_cast<int64_t>(places.size());
    const std::vector<float> fill{0.25f, -7.5f, 3.0f};
    const std::vector<float> before = random_values(static_cast<size_t>(N * C * RH * RW), 32);
    const std::vector<float> expected = reference_fill(fill, C, places, before, RH, RW);
    CHECK(!same_bits(expected, before));
    for (int32_t threads : {1, 2, 3, 0}) {
        std::vector<float> regions = before;
        CHECK_EQ(cs_fill_patches_cpu(fill.data(), N, C, places.data(), regions.data(), RH, RW, threads), kOk);
        CHECK(same_bits(regions, expected));
    }
}

CS_TEST(fill_rejects_invalid_arguments_and_writes_nothing) {
    const float fill[1] = {9.0f};
    std::vector<float> regions(16, kSentinel);
    float* out = regions.data();
    const std::vector<cs_patch_place> negative{paste_at(0, 0, 2, 2), paste_at(0, 0, -1, 2)};
    CHECK_EQ(cs_fill_patches_cpu(fill, 2, 1, negative.data(), out, 2, 4, 1), kInvalid);
    const std::vector<cs_patch_place> negative_width{paste_at(0, 0, 2, 2), paste_at(0, 0, 2, -1)};
    CHECK_EQ(cs_fill_patches_cpu(fill, 2, 1, negative_width.data(), out, 2, 4, 1), kInvalid);
    const cs_patch_place p = paste_at(0, 0, 2, 2);
    CHECK_EQ(cs_fill_patches_cpu(nullptr, 1, 1, &p, out, 4, 4, 1), kInvalid);
    CHECK_EQ(cs_fill_patches_cpu(fill, 1, 1, nullptr, out, 4, 4, 1), kInvalid);
    CHECK_EQ(cs_fill_patches_cpu(fill, 1, 1, &p, nullptr, 4, 4, 1), kInvalid);
    CHECK_EQ(cs_fill_patches_cpu(fill, -1, 1, &p, out, 4, 4, 1), kInvalid);
    CHECK_EQ(cs_fill_patches_cpu(fill, 1, 0, &p, out, 4, 4, 1), kInvalid);
    CHECK_EQ(cs_fill_patches_cpu(fill, 1, 1, &p, out, 0, 4, 1), kInvalid);
    CHECK_EQ(cs_fill_patches_cpu(fill, 1, 1, &p, out, 4, 0, 1), kInvalid);
    CHECK(all_equal_to(regions, kSentinel));
    CHECK_EQ(cs_fill_patches_cpu(nullptr, 0, 1, nullptr, nullptr, 4, 4, 1), kOk);
}

namespace {

struct ChangeCase {
    int64_t channels, base_height, base_width, region_height, region_width, patch_height, patch_width;
    int count;
};

// cs_region_changes_cpu with patches (or fill, when use_fill) against gather, paste or fill, and subtract.
void expect_changes_like_reference(const ChangeCase& k, bool use_fill, uint32_t seed, int32_t threads) {
    const std::vector<cs_patch_place> places = random_change_places(
        k.count, k.base_height, k.base_width, k.region_height, k.region_width, k.patch_height, k.patch_width, seed);
    const std::vector<float> base =
        random_values(static_cast<size_t>(k.channels * k.base_height * k.base_width), seed + 2);
    const std::vector<float> patches =
        use_fill ? std::vector<float>()
                 : random_values(static_cast<size_t>(k.count * k.channels * k.patch_height * k.patch_width), seed + 3);
    std::vector<float> fill;
    for (int64_t c = 0; c < k.channels; ++c) fill.push_back(0.25f * static_cast<float>(c) - 0.5f);
    const std::vector<float> want = reference_changes(base, k.channels, k.base_height, k.base_width, patches,
                                                      k.patch_height, k.patch_width, fill, places, k.region_height,
                                                      k.region_width);
    CHECK(!all_equal_to(want, 0.0f));  // the case changes something
    const size_t size = want.size();
    std::vector<float> got(size, kSentinel);
    CHECK_EQ(cs_region_changes_cpu(base.data(), k.channels, k.base_height, k.base_width,
                                   use_fill ? nullptr : patches.data(), k.patch_height, k.patch_width, fill.data(),
                                   places.data(), k.count, k.region_height, k.region_width, CS_CHANGE_FLOAT32,
                                   got.data(), threads),
             kOk);
    CHECK(same_bits(got, want));
    std::vector<uint16_t> rounded(size, 0xdead);
    CHECK_EQ(cs_region_changes_cpu(base.data(), k.channels, k.base_height, k.base_width,
                                   use_fill ? nullptr : patches.data(), k.patch_height, k.patch_width, fill.data(),
                                   places.data(), k.count, k.region_height, k.region_width, CS_CHANGE_BFLOAT16,
                                   rounded.data(), threads),
             kOk);
    size_t mismatches = 0;
    for (size_t i = 0; i < size; ++i) mismatches += rounded[i] != reference_bfloat16(want[i]);
    CHECK_EQ(mismatches, size_t{0});
}

}  // namespace

CS_TEST(region_changes_are_paste_minus_base_inside_the_clipped_rectangle_and_zero_elsewhere) {
    for (int32_t threads : {1, 3, 0}) {
        expect_changes_like_reference({3, 9, 11, 5, 6, 3, 4, 40}, false, 11, threads);
        expect_changes_like_reference({1, 7, 7, 7, 7, 7, 7, 12}, false, 21, threads);  // region = base = patch
        expect_changes_like_reference({5, 12, 10, 4, 4, 6, 5, 30}, false, 31, threads);  // patch > region
    }
}

CS_TEST(region_changes_with_a_fill_use_the_paste_rectangle) {
    for (int32_t threads : {1, 2}) {
        expect_changes_like_reference({3, 9, 11, 5, 6, 1, 1, 40}, true, 41, threads);
        expect_changes_like_reference({2, 8, 8, 8, 8, 1, 1, 9}, true, 51, threads);
    }
}

CS_TEST(region_changes_round_to_bfloat16_to_nearest_with_ties_to_even) {
    // One region of one pixel and four channels over a base of zeros: the change is the patch itself.
    const std::vector<float> base(4, 0.0f);
    // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7 (even: 1); 1 + 3 * 2^-8 halfway between 1 + 2^-7 and
    // 1 + 2^-6 (even: 1 + 2^-6); -1 - 2^-9 rounds to -1; 3 * 2^-130 is subnormal and keeps its bits.
    const std::vector<float> patch = {1.00390625f, 1.01171875f, -1.001953125f, std::ldexp(3.0f, -130)};
    const cs_patch_place place = {0, 0, 0, 0, 0, 0, 0, 0};
    std::vector<uint16_t> out(4, 0xdead);
    CHECK_EQ(cs_region_changes_cpu(base.data(), 4, 1, 1, patch.data(), 1, 1, nullptr, &place, 1, 1, 1,
                                   CS_CHANGE_BFLOAT16, out.data(), 1),
             kOk);
    CHECK_EQ(out[0], uint16_t{0x3f80});
    CHECK_EQ(out[1], uint16_t{0x3f82});
    CHECK_EQ(out[2], uint16_t{0xbf80});
    CHECK_EQ(out[3], reference_bfloat16(std::ldexp(3.0f, -130)));
}

CS_TEST(region_changes_reject_invalid_arguments_and_write_nothing) {
    const std::vector<float> base(2 * 3 * 3, 1.0f), patch(2 * 2 * 2, 2.0f), fill(2, 0.0f);
    std::vector<float> out(2 * 2 * 2, kSentinel);
    const cs_patch_place inside = {1, 1, 0, 0, 2, 2, 0, 0}, outside = {2, 1, 0, 0, 2, 2, 0, 0};
    auto call = [&](const float* b, const float* p, const float* f, const cs_patch_place* at, int32_t type) {
        return cs_region_changes_cpu(b, 2, 3, 3, p, 2, 2, f, at, 1, 2, 2, type, out.data(), 1);
    };
    CHECK_EQ(call(base.data(), patch.data(), nullptr, &inside, 2), kInvalid);           // no such type
    CHECK_EQ(call(base.data(), patch.data(), nullptr, &outside, CS_CHANGE_FLOAT32), kInvalid);  // past the base
    CHECK_EQ(call(base.data(), nullptr, nullptr, &inside, CS_CHANGE_FLOAT32), kInvalid);  // neither patch nor fill
    CHECK_EQ(call(nullptr, patch.data(), nullptr, &inside, CS_CHANGE_FLOAT32), kInvalid);
    CHECK(all_equal_to(out, kSentinel));
    CHECK_EQ(call(base.data(), nullptr, fill.data(), &inside, CS_CHANGE_FLOAT32), kOk);  // fill: paste 2 x 2
    CHECK(all_equal_to(out, -1.0f));
}

CS_TEST(cuda_twins_exist_in_every_build) {
    if (cs_cuda_device_count() != 0) {
        std::printf("a CUDA device is present: test_incremental_cuda covers the twins\n");
        return;
    }
    // Nothing can run: the stub, or a CUDA build without driver/device, must say so without launching (so
    // host pointers are safe here) and without writing.
    const float one = 1.0f;
    float out = -7.0f;
    const cs_patch_place p = paste_at(0, 0, 1, 1);
    const int unavailable = CS_CUDA_UNAVAILABLE;
    CHECK_EQ(cs_gather_regions_cuda(&one, 1, 1, 1, &p, 1, 1, 1, &out, nullptr), unavailable);
    CHECK_EQ(cs_paste_patches_cuda(&one, 1, 1, 1, 1, &p, &out, 1, 1, nullptr), unavailable);
    CHECK_EQ(cs_fill_patches_cuda(&one, 1, 1, &p, &out, 1, 1, nullptr), unavailable);
    CHECK_EQ(cs_region_changes_cuda(&one, 1, 1, 1, &one, 1, 1, nullptr, &p, 1, 1, 1, CS_CHANGE_FLOAT32, &out,
                                    nullptr),
             unavailable);
    CHECK_EQ(out, -7.0f);
    if (cs_cuda_compiled()) {
        // Argument checks come first, in the CUDA build as in the CPU kernels.
        CHECK_EQ(cs_gather_regions_cuda(nullptr, 1, 1, 1, &p, 1, 1, 1, &out, nullptr), kInvalid);
        CHECK_EQ(cs_paste_patches_cuda(&one, 1, 0, 1, 1, &p, &out, 1, 1, nullptr), kInvalid);
        CHECK_EQ(cs_fill_patches_cuda(&one, 1, 1, &p, &out, 1, 0, nullptr), kInvalid);
        CHECK_EQ(cs_fill_patches_cuda(nullptr, 0, 1, nullptr, nullptr, 1, 1, nullptr), kOk);
        CHECK_EQ(cs_region_changes_cuda(&one, 1, 1, 1, &one, 1, 1, nullptr, &p, 1, 1, 1, 7, &out, nullptr), kInvalid);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Chains: PyTorch's layer geometry, and the plan checked against a naive reference.

namespace {

// One layer as a PyTorch model would declare it.
struct Spec {
    int32_t kind;
    int32_t kernel[2], stride[2], padding[2], dilation[2];
    bool ceil_mode;
    int32_t out_channels;  // conv only; other layers keep the channels
    int32_t groups;        // conv only
    bool relu;             // point-wise only: ReLU, else a per-channel affine map (eval-mode BatchNorm)
    bool same;             // conv only: padding='same' (stride 1; an even reach pads one more at the end)
};

Spec conv(int32_t k, int32_t s, int32_t p, int32_t d, int32_t out_channels, int32_t groups = 1) {
    return {CS_LAYER_CONV, {k, k}, {s, s}, {p, p}, {d, d}, false, out_channels, groups, false, false};
}
// Conv2d(padding='same'): PyTorch pads d * (k - 1) / 2 before and the rest after, so the output keeps the size.
Spec conv_same(int32_t kh, int32_t kw, int32_t d, int32_t out_channels) {
    return {CS_LAYER_CONV, {kh, kw}, {1, 1}, {d * (kh - 1) / 2, d * (kw - 1) / 2}, {d, d}, false, out_channels, 1,
            false, true};
}
Spec conv2(const int32_t (&k)[2], const int32_t (&s)[2], const int32_t (&p)[2], const int32_t (&d)[2],
           int32_t out_channels, int32_t groups = 1) {
    return {CS_LAYER_CONV, {k[0], k[1]}, {s[0], s[1]}, {p[0], p[1]}, {d[0], d[1]}, false, out_channels, groups,
            false, false};
}
Spec max_pool(int32_t k, int32_t s, int32_t p, bool ceil_mode, int32_t d = 1) {
    return {CS_LAYER_MAX_POOL, {k, k}, {s, s}, {p, p}, {d, d}, ceil_mode, 0, 1, false, false};
}
Spec avg_pool(int32_t k, int32_t s, int32_t p, bool ceil_mode) {
    return {CS_LAYER_AVG_POOL, {k, k}, {s, s}, {p, p}, {1, 1}, ceil_mode, 0, 1, false, false};
}
Spec pointwise(bool relu = true) {
    return {CS_LAYER_POINTWISE, {1, 1}, {1, 1}, {0, 0}, {1, 1}, false, 0, 1, relu, false};
}

// PyTorch's output size along one axis (Conv2d, MaxPool2d, AvgPool2d), 0 when the input is too small.
int32_t torch_out_size(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d, bool ceil_mode) {
    const int64_t span = in + 2 * p - d * (k - 1) - 1;
    if (span < 0) return 0;
    int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    // ceil_mode: the last window must start inside the input or its left padding.
    if (ceil_mode && (out - 1) * s >= in + p) --out;
    return static_cast<int32_t>(out);
}

struct Chain {
    int32_t channels = 0, height = 0, width = 0;
    std::vector<Spec> specs;
    std::vector<cs_chain_layer> layers;
};

// The chain's cs_chain_layer values; false when a layer would have no output.
bool build(Chain& chain) {
    chain.layers.clear();
    int32_t c = chain.channels, size[2] = {chain.height, chain.width};
    for (const Spec& s : chain.specs) {
        cs_chain_layer layer{};
        layer.kind = s.kind;
        layer.in_channels = c;
        layer.out_channels = s.kind == CS_LAYER_CONV ? s.out_channels : c;
        layer.groups = s.kind == CS_LAYER_CONV ? s.groups : 1;
        for (int a = 0; a < 2; ++a) {
            layer.kernel[a] = s.kernel[a];
            layer.stride[a] = s.stride[a];
            layer.padding[a] = s.padding[a];
            layer.dilation[a] = s.dilation[a];
            layer.in_size[a] = size[a];
            layer.out_size[a] = s.kind == CS_LAYER_POINTWISE || s.same
                                    ? size[a]
                                    : torch_out_size(size[a], s.kernel[a], s.stride[a], s.padding[a],
                                                     s.dilation[a], s.ceil_mode);
            if (layer.out_size[a] < 1) return false;
            size[a] = layer.out_size[a];
        }
        c = layer.out_channels;
        chain.layers.push_back(layer);
    }
    return true;
}

Chain make_chain(int32_t channels, int32_t height, int32_t width, std::vector<Spec> specs) {
    Chain chain{channels, height, width, std::move(specs), {}};
    const bool ok = build(chain);
    CHECK(ok);
    return chain;
}

// A random chain PyTorch could run: convolutions with any kernel / stride / padding / dilation (stride past
// the kernel's extent included) or 'same' padding (even kernels too), pools (padding <= kernel / 2,
// ceil_mode or not), point-wise layers.
Chain random_chain(std::mt19937& rng, int max_layers, bool with_avg_pool) {
    auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    Chain chain;
    chain.channels = pick(1, 3);
    chain.height = pick(5, 30);
    chain.width = pick(5, 30);
    const int layers = pick(1, max_layers);
    int32_t channels = chain.channels;
    while (static_cast<int>(chain.specs.size()) < layers) {
        Spec s{};
        const int what = pick(0, with_avg_pool ? 10 : 9);
        if (what == 9) {
            s = conv_same(pick(1, 4), pick(1, 4), pick(1, 2), pick(1, 3));
        } else if (what <= 3) {
            const int32_t k[2] = {pick(1, 5), pick(0, 2) == 0 ? pick(1, 5) : 0};
            const int32_t st[2] = {pick(1, 4), 0};
            const int32_t p[2] = {pick(0, 3), pick(0, 3)};
            const int32_t d[2] = {pick(0, 2) == 0 ? 2 : 1, pick(0, 2) == 0 ? 2 : 1};
            const int32_t kk[2] = {k[0], k[1] == 0 ? k[0] : k[1]};
            const int32_t ss[2] = {st[0], pick(0, 2) == 0 ? pick(1, 4) : st[0]};
            const int32_t out_channels = pick(1, 4);
            std::vector<int32_t> groups;
            for (int32_t g = 1; g <= channels; ++g)
                if (channels % g == 0 && out_channels % g == 0) groups.push_back(g);
            const auto g = static_cast<size_t>(pick(0, static_cast<int>(groups.size()) - 1));
            s = conv2(kk, ss, p, d, out_channels, groups[g]);
        } else if (what <= 5) {
            const int32_t k = pick(1, 4);
            s = max_pool(k, pick(1, 3), pick(0, k / 2), pick(0, 1) == 1, pick(0, 3) == 0 ? 2 : 1);
        } else if (what <= 8) {
            s = pointwise(pick(0, 1) == 1);
        } else if (what == 10) {
            const int32_t k = pick(1, 4);
            s = avg_pool(k, pick(1, 3), pick(0, k / 2), pick(0, 1) == 1);
        }
        chain.specs.push_back(s);
        if (!build(chain)) {
            chain.specs.pop_back();  // too small an input for it: try another layer
            continue;
        }
        channels = chain.layers.back().out_channels;
    }
    build(chain);
    return chain;
}

// One layer's reach along one axis; point-wise layers are windows of 1.
struct AxisGeometry {
    int64_t kernel, stride, padding, dilation, in, out;
    int64_t reach() const { return dilation * (kernel - 1); }
};

AxisGeometry axis(const cs_chain_layer& layer, int a) {
    if (layer.kind == CS_LAYER_POINTWISE) return {1, 1, 0, 1, layer.in_size[a], layer.out_size[a]};
    return {layer.kernel[a], layer.stride[a], layer.padding[a], layer.dilation[a], layer.in_size[a],
            layer.out_size[a]};
}

// An average pool whose last window reaches past the padded input (ceil_mode): PyTorch divides that window
// by its clipped extent, which the padding-0 run on a region cannot do, so the plan runs it on full tensors.
bool avg_pool_reads_past_the_padding(const cs_chain_layer& layer) {
    if (layer.kind != CS_LAYER_AVG_POOL) return false;
    for (int a = 0; a < 2; ++a) {
        const AxisGeometry g = axis(layer, a);
        if ((g.out - 1) * g.stride - g.padding + g.reach() > g.in - 1 + g.padding) return true;
    }
    return false;
}

int64_t macs_per_output(const cs_chain_layer& layer) {
    if (layer.kind != CS_LAYER_CONV) return 0;
    return int64_t{layer.out_channels} * (layer.in_channels / layer.groups) * layer.kernel[0] * layer.kernel[1];
}

// Grid windows that stay inside the input.
std::vector<cs_window> grid_windows(int32_t height, int32_t width, int32_t wh, int32_t ww, int32_t sh, int32_t sw) {
    std::vector<cs_window> windows;
    for (int32_t top = 0; top + wh <= height; top += sh)
        for (int32_t left = 0; left + ww <= width; left += sw) windows.push_back({top, left, wh, ww});
    return windows;
}

// Which outputs of every layer a window really changes (row-major masks of the layer's output), computed
// from the definition: at layer 0 the changed inputs are the window's pixels inside the input; an output
// changes iff one of the inputs it reads (kernel taps inside the input, dilation gaps skipped) changed.
using Mask = std::vector<char>;

std::vector<std::vector<Mask>> exact_changes(const Chain& chain, const std::vector<cs_window>& windows) {
    std::vector<std::vector<Mask>> changes(chain.layers.size());
    for (const cs_window& w : windows) {
        Mask in(static_cast<size_t>(chain.height) * chain.width, 0);
        for (int64_t y = 0; y < chain.height; ++y)
            for (int64_t x = 0; x < chain.width; ++x)
                in[static_cast<size_t>(y * chain.width + x)] =
                    y >= w.top && y < int64_t{w.top} + w.height && x >= w.left && x < int64_t{w.left} + w.width;
        for (size_t l = 0; l < chain.layers.size(); ++l) {
            const AxisGeometry gy = axis(chain.layers[l], 0), gx = axis(chain.layers[l], 1);
            Mask out(static_cast<size_t>(gy.out * gx.out), 0);
            const bool any = std::find(in.begin(), in.end(), 1) != in.end();
            for (int64_t oy = 0; any && oy < gy.out; ++oy)
                for (int64_t ox = 0; ox < gx.out; ++ox) {
                    bool changed = false;
                    for (int64_t i = 0; i < gy.kernel && !changed; ++i)
                        for (int64_t j = 0; j < gx.kernel && !changed; ++j) {
                            const int64_t iy = oy * gy.stride - gy.padding + i * gy.dilation;
                            const int64_t ix = ox * gx.stride - gx.padding + j * gx.dilation;
                            changed = iy >= 0 && iy < gy.in && ix >= 0 && ix < gx.in &&
                                      in[static_cast<size_t>(iy * gx.in + ix)];
                        }
                    out[static_cast<size_t>(oy * gx.out + ox)] = changed;
                }
            changes[l].push_back(out);
            in = std::move(out);
        }
    }
    return changes;
}

struct PlanStats {
    int64_t changed_outputs_checked = 0;  // so a test can show its containment checks were not vacuous
    int64_t incremental_layers = 0;
};

std::string describe(const Chain& chain, double fraction) {
    std::string s = "chain " + std::to_string(chain.channels) + "x" + std::to_string(chain.height) + "x" +
                    std::to_string(chain.width) + " [";
    for (const cs_chain_layer& l : chain.layers) {
        s += " kind" + std::to_string(l.kind) + ":k" + std::to_string(l.kernel[0]) + "x" + std::to_string(l.kernel[1]) +
             ",s" + std::to_string(l.stride[0]) + "x" + std::to_string(l.stride[1]) + ",p" +
             std::to_string(l.padding[0]) + "x" + std::to_string(l.padding[1]) + ",d" + std::to_string(l.dilation[0]) +
             "x" + std::to_string(l.dilation[1]) + "->" + std::to_string(l.out_size[0]) + "x" +
             std::to_string(l.out_size[1]);
    }
    return s + " ] fraction " + std::to_string(fraction);
}

// Plans the chain and checks every plan value and place against the header's contract, computed here from
// first principles. Returns what was checked.
PlanStats check_plan(const Chain& chain, const std::vector<cs_window>& windows, double fraction,
                     const std::vector<std::vector<Mask>>& changes) {
    PlanStats stats;
    const auto L = static_cast<int32_t>(chain.layers.size());
    const size_t N = windows.size();
    std::vector<cs_layer_plan> plans(static_cast<size_t>(L));
    std::vector<cs_patch_place> places(static_cast<size_t>(L) * N);
    int32_t incremental = -1;
    const int status = cs_plan_incremental(chain.layers.data(), L, chain.height, chain.width, windows.data(),
                                           static_cast<int64_t>(N), fraction, plans.data(), places.data(),
                                           &incremental);
    CHECK_EQ(status, kOk);
    if (status != kOk) return stats;
    const int failures_before = convscope::test::failures();

    // The incoming patch per axis and window, [start, start + length) in the layer's input: at layer 0 the
    // window clipped to the input.
    std::vector<int64_t> start[2], length[2];
    for (int a = 0; a < 2; ++a) {
        const int64_t size = a == 0 ? chain.height : chain.width;
        for (const cs_window& w : windows) {
            const int64_t first = a == 0 ? w.top : w.left, extent = a == 0 ? w.height : w.width;
            const int64_t begin = std::min(std::max<int64_t>(first, 0), size);
            const int64_t end = std::max(begin, std::min(first + extent, size));
            start[a].push_back(begin);
            length[a].push_back(end - begin);
        }
    }

    bool switched = false;
    int32_t expected_incremental = 0;
    for (int32_t l = 0; l < L; ++l) {
        const cs_chain_layer& layer = chain.layers[static_cast<size_t>(l)];
        const cs_layer_plan& plan = plans[static_cast<size_t>(l)];
        const cs_patch_place* row = places.data() + static_cast<size_t>(l) * N;
        const AxisGeometry g[2] = {axis(layer, 0), axis(layer, 1)};
        const int64_t per_output = macs_per_output(layer);
        CHECK_EQ(plan.full_macs, per_output * g[0].out * g[1].out);

        if (switched) {  // a full layer after the first: all zero
            CHECK_EQ(plan.incremental, 0);
            CHECK_EQ(plan.planned_macs, plan.full_macs);
            for (int a = 0; a < 2; ++a) {
                CHECK_EQ(plan.patch[a], 0);
                CHECK_EQ(plan.region[a], 0);
                CHECK_EQ(plan.pad_before[a], 0);
                CHECK_EQ(plan.pad_after[a], 0);
            }
            const cs_patch_place zero{};
            for (size_t n = 0; n < N; ++n) CHECK(std::memcmp(&row[n], &zero, sizeof zero) == 0);
            continue;
        }

        // The patch the header prescribes, by brute force over the outputs: per axis, window n's changed
        // outputs are those whose input span [o*s - p, o*s - p + d*(k-1)] meets its incoming patch; the patch
        // is the largest count over the windows (at least 1).
        int64_t patch[2];
        std::vector<int64_t> first_changed[2], changed_count[2];
        for (int a = 0; a < 2; ++a) {
            patch[a] = 1;
            for (size_t n = 0; n < N; ++n) {
                int64_t count = 0, first = -1;
                for (int64_t o = 0; o < g[a].out; ++o) {
                    const int64_t lo = o * g[a].stride - g[a].padding, hi = lo + g[a].reach();
                    if (length[a][n] > 0 && lo <= start[a][n] + length[a][n] - 1 && hi >= start[a][n]) {
                        if (count++ == 0) first = o;
                    }
                }
                first_changed[a].push_back(first);
                changed_count[a].push_back(count);
                patch[a] = std::max(patch[a], count);
            }
        }
        const bool runs_on_patches = layer.kind == CS_LAYER_POINTWISE ||
                                     (!avg_pool_reads_past_the_padding(layer) &&
                                      static_cast<double>(patch[0] * patch[1]) <=
                                          fraction * static_cast<double>(g[0].out * g[1].out));
        CHECK_EQ(plan.incremental, runs_on_patches ? 1 : 0);

        if (!runs_on_patches) {  // the first full layer: its whole input, the incoming patch pasted in
            switched = true;
            CHECK_EQ(plan.planned_macs, plan.full_macs);
            for (int a = 0; a < 2; ++a) {
                CHECK_EQ(plan.region[a], layer.in_size[a]);
                CHECK_EQ(plan.patch[a], 0);
                CHECK_EQ(plan.pad_before[a], 0);
                CHECK_EQ(plan.pad_after[a], 0);
            }
            for (size_t n = 0; n < N; ++n) {
                const cs_patch_place& p = row[n];
                CHECK_EQ(p.region_top, 0);
                CHECK_EQ(p.region_left, 0);
                CHECK_EQ(p.patch_top, 0);
                CHECK_EQ(p.patch_left, 0);
                CHECK_EQ(p.paste_height, length[0][n]);
                CHECK_EQ(p.paste_width, length[1][n]);
                if (length[0][n] > 0) CHECK_EQ(p.paste_top, start[0][n]);
                if (length[1][n] > 0) CHECK_EQ(p.paste_left, start[1][n]);
            }
            continue;
        }

        ++expected_incremental;
        CHECK_EQ(plan.planned_macs, per_output * patch[0] * patch[1]);
        int64_t padded[2];
        for (int a = 0; a < 2; ++a) {
            CHECK_EQ(plan.patch[a], patch[a]);
            CHECK(patch[a] >= 1 && patch[a] <= g[a].out);
            CHECK_EQ(plan.region[a], (patch[a] - 1) * g[a].stride + g[a].reach() + 1);
            CHECK_EQ(plan.pad_before[a], g[a].padding);
            // The end is padded as far as the last output reads, no further.
            CHECK_EQ(plan.pad_after[a],
                     std::max<int64_t>(0, (g[a].out - 1) * g[a].stride + g[a].reach() + 1 - (g[a].padding + g[a].in)));
            padded[a] = int64_t{plan.pad_before[a]} + g[a].in + plan.pad_after[a];
        }

        const std::vector<Mask>& changed = changes[static_cast<size_t>(l)];
        for (size_t n = 0; n < N; ++n) {
            const cs_patch_place& p = row[n];
            const int64_t patch_start[2] = {p.patch_top, p.patch_left};
            const int64_t region_start[2] = {p.region_top, p.region_left};
            const int64_t paste_start[2] = {p.paste_top, p.paste_left};
            const int64_t paste_size[2] = {p.paste_height, p.paste_width};
            for (int a = 0; a < 2; ++a) {
                // The patch lies inside the output, starting at the first changed output moved back to fit.
                CHECK(patch_start[a] >= 0 && patch_start[a] + patch[a] <= g[a].out);
                if (changed_count[a][n] > 0) {
                    CHECK_EQ(patch_start[a], std::min(first_changed[a][n], g[a].out - patch[a]));
                }
                // The region is what the patch reads, in the padded base, and lies inside it.
                CHECK_EQ(region_start[a], patch_start[a] * g[a].stride);
                CHECK(region_start[a] >= 0 && region_start[a] + plan.region[a] <= padded[a]);
                // The incoming patch lands where it lies relative to the region's unpadded start.
                CHECK_EQ(paste_size[a], length[a][n]);
                if (length[a][n] > 0) {
                    CHECK_EQ(paste_start[a], start[a][n] - (region_start[a] - plan.pad_before[a]));
                }
            }
            // Every output the window really changes lies in its patch.
            const Mask& mask = changed[n];
            for (int64_t y = 0; y < g[0].out; ++y)
                for (int64_t x = 0; x < g[1].out; ++x) {
                    if (!mask[static_cast<size_t>(y * g[1].out + x)]) continue;
                    ++stats.changed_outputs_checked;
                    const bool inside = y >= p.patch_top && y < p.patch_top + patch[0] && x >= p.patch_left &&
                                        x < p.patch_left + patch[1];
                    if (!inside) {
                        CHECK(inside);
                        std::fprintf(stderr, "  layer %d window %zu: changed output (%lld, %lld) outside patch\n", l,
                                     n, static_cast<long long>(y), static_cast<long long>(x));
                    }
                }
        }
        for (int a = 0; a < 2; ++a)
            for (size_t n = 0; n < N; ++n) {
                start[a][n] = a == 0 ? row[n].patch_top : row[n].patch_left;
                length[a][n] = patch[a];
            }
    }
    CHECK_EQ(incremental, expected_incremental);
    stats.incremental_layers = incremental;
    if (convscope::test::failures() != failures_before) {
        std::fprintf(stderr, "  in %s, %zu windows\n", describe(chain, fraction).c_str(), N);
    }
    return stats;
}

const double kFractions[] = {0.0, 0.1, 0.25, 0.5, 1.0, 1e9};

}  // namespace

CS_TEST(plan_by_hand_for_one_convolution) {
    // 10 x 10 input, 3 x 3 convolution with padding 1: output o reads inputs o - 1 .. o + 1.
    const Chain chain = make_chain(1, 10, 10, {conv(3, 1, 1, 1, 2)});
    // Window rows 2..3, columns 3..4 changes outputs rows 1..4, columns 2..5; a Captum-style window at rows
    // 8..12, columns 8..12 (only 8..9 inside) changes outputs 7..9, moved back to 6..9 for the patch of 4.
    const std::vector<cs_window> windows{{2, 3, 2, 2}, {8, 8, 5, 5}};
    cs_layer_plan plan{};
    cs_patch_place places[2]{};
    int32_t incremental = -1;
    CHECK_EQ(cs_plan_incremental(chain.layers.data(), 1, 10, 10, windows.data(), 2, 1.0, &plan, places, &incremental),
             kOk);
    CHECK_EQ(incremental, 1);
    CHECK_EQ(plan.incremental, 1);
    CHECK_EQ(plan.patch[0], 4);
    CHECK_EQ(plan.patch[1], 4);
    CHECK_EQ(plan.region[0], 6);
    CHECK_EQ(plan.pad_before[0], 1);
    CHECK_EQ(plan.pad_after[0], 1);
    CHECK_EQ(plan.full_macs, int64_t{2 * 9 * 100});
    CHECK_EQ(plan.planned_macs, int64_t{2 * 9 * 16});
    const cs_patch_place expected[2] = {
        // patch 1..4 x 2..5; region starts at padded 1 x 2 (unpadded 0 x 1); window 2 x 3 lands at 2 x 2.
        {1, 2, 2, 2, 2, 2, 1, 2},
        // patch 6..9; region at padded 6 (unpadded 5); window's inside part 8..9 lands at 3.
        {6, 6, 3, 3, 2, 2, 6, 6},
    };
    for (int n = 0; n < 2; ++n) {
        CHECK_EQ(places[n].region_top, expected[n].region_top);
        CHECK_EQ(places[n].region_left, expected[n].region_left);
        CHECK_EQ(places[n].paste_top, expected[n].paste_top);
        CHECK_EQ(places[n].paste_left, expected[n].paste_left);
        CHECK_EQ(places[n].paste_height, expected[n].paste_height);
        CHECK_EQ(places[n].paste_width, expected[n].paste_width);
        CHECK_EQ(places[n].patch_top, expected[n].patch_top);
        CHECK_EQ(places[n].patch_left, expected[n].patch_left);
    }
    // 16 of 100 outputs: more than 0.15 of the layer, so at 0.15 even layer 0 runs full.
    CHECK_EQ(cs_plan_incremental(chain.layers.data(), 1, 10, 10, windows.data(), 2, 0.15, &plan, places, &incremental),
             kOk);
    CHECK_EQ(incremental, 0);
    CHECK_EQ(plan.incremental, 0);
    CHECK_EQ(plan.region[0], 10);
    CHECK_EQ(places[1].paste_top, 8);
    CHECK_EQ(places[1].paste_height, 2);
}

CS_TEST(plan_a_point_wise_first_layer_runs_on_patches_even_at_fraction_zero) {
    const Chain chain = make_chain(2, 12, 12, {pointwise(), conv(3, 1, 1, 1, 2), pointwise()});
    const std::vector<cs_window> windows = captum_windows(Shape{1, 12, 12}, 5, 5, 4, 4);
    std::vector<cs_layer_plan> plans(3);
    std::vector<cs_patch_place> places(3 * windows.size());
    int32_t incremental = -1;
    CHECK_EQ(cs_plan_incremental(chain.layers.data(), 3, 12, 12, windows.data(), static_cast<int64_t>(windows.size()),
                                 0.0, plans.data(), places.data(), &incremental),
             kOk);
    CHECK_EQ(incremental, 1);
    CHECK_EQ(plans[0].incremental, 1);
    CHECK_EQ(plans[0].patch[0], 5);
    CHECK_EQ(plans[0].region[0], 5);
    CHECK_EQ(plans[1].incremental, 0);
    CHECK_EQ(plans[1].region[0], 12);
    CHECK_EQ(plans[2].incremental, 0);  // point-wise after a full layer is full
    CHECK_EQ(plans[2].region[0], 0);
    const auto changes = exact_changes(chain, windows);
    for (double fraction : kFractions) check_plan(chain, windows, fraction, changes);
}

CS_TEST(plan_matches_the_reference_on_a_resnet_like_stem) {
    // 67 x 67 (odd), windows of 13 with stride 5: Captum's last ones reach one pixel past the border.
    const Chain chain = make_chain(3, 67, 67,
                                   {conv(7, 2, 3, 1, 4), pointwise(false), pointwise(), max_pool(3, 2, 1, true),
                                    conv(3, 1, 2, 2, 4, 2), pointwise(), conv(1, 3, 0, 1, 2),
                                    conv2({2, 3}, {2, 1}, {0, 1}, {1, 2}, 3)});
    CHECK_EQ(chain.layers[3].out_size[0], 18);  // ceil((34 + 2 - 3) / 2) + 1
    const Shape shape{3, 67, 67};
    const std::vector<std::vector<cs_window>> window_sets{
        captum_windows(shape, 13, 13, 5, 5), grid_windows(67, 67, 13, 13, 5, 5), captum_windows(shape, 9, 15, 4, 7),
        random_windows(shape, 60, 4), {{30, 30, 1, 1}}, {{-5, 60, 10, 20}}};
    int64_t checked = 0;
    for (const std::vector<cs_window>& windows : window_sets) {
        const auto changes = exact_changes(chain, windows);
        for (double fraction : kFractions) {
            checked += check_plan(chain, windows, fraction, changes).changed_outputs_checked;
        }
    }
    CHECK(checked > 100000);
}

CS_TEST(plan_matches_the_reference_on_random_chains) {
    std::mt19937 rng(2024);
    int64_t checked = 0, incremental_layers = 0;
    // How often the geometry the plan must get right came up: a last output reading past the padded input
    // (ceil_mode pools, 'same' padding with an even reach), dilation 2, strides past the kernel's extent.
    int64_t read_past = 0, avg_read_past = 0, dilated = 0, sparse = 0;
    for (int trial = 0; trial < 150; ++trial) {
        const Chain chain = random_chain(rng, 6, true);
        for (const cs_chain_layer& layer : chain.layers) {
            for (int a = 0; a < 2; ++a) {
                const AxisGeometry g = axis(layer, a);
                read_past += (g.out - 1) * g.stride - g.padding + g.reach() > g.in - 1 + g.padding;
                dilated += g.dilation > 1;
                sparse += g.stride > g.reach() + 1;
            }
            avg_read_past += avg_pool_reads_past_the_padding(layer);
        }
        const Shape shape{chain.channels, chain.height, chain.width};
        auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
        const int32_t wh = pick(1, std::max(1, chain.height / 2)), ww = pick(1, std::max(1, chain.width / 2));
        const std::vector<std::vector<cs_window>> window_sets{
            captum_windows(shape, wh, ww, pick(1, wh), pick(1, ww)),
            random_windows(shape, 25, static_cast<uint32_t>(trial))};
        for (const std::vector<cs_window>& windows : window_sets) {
            const auto changes = exact_changes(chain, windows);
            for (double fraction : kFractions) {
                const PlanStats s = check_plan(chain, windows, fraction, changes);
                checked += s.changed_outputs_checked;
                incremental_layers += s.incremental_layers;
            }
        }
    }
    CHECK(checked > 100000);
    CHECK(incremental_layers > 1000);
    CHECK(read_past > 10);
    CHECK(avg_read_past > 2);
    CHECK(dilated > 10);
    CHECK(sparse > 10);
}

CS_TEST(plan_rejects_invalid_arguments_and_writes_nothing) {
    const Chain chain = make_chain(1, 8, 8, {conv(3, 1, 1, 1, 2), max_pool(2, 2, 0, false)});
    const std::vector<cs_window> windows{{0, 0, 2, 2}, {6, 6, 3, 3}};
    std::vector<cs_layer_plan> plans(2);
    std::vector<cs_patch_place> places(4);
    int32_t incremental = 0;
    std::memset(plans.data(), 0x5a, plans.size() * sizeof(cs_layer_plan));
    std::memset(places.data(), 0x5a, places.size() * sizeof(cs_patch_place));
    std::memset(&incremental, 0x5a, sizeof incremental);
    const std::vector<cs_layer_plan> plans_before = plans;
    const std::vector<cs_patch_place> places_before = places;
    const int32_t incremental_before = incremental;
    auto untouched = [&] {
        return std::memcmp(plans.data(), plans_before.data(), plans.size() * sizeof(cs_layer_plan)) == 0 &&
               std::memcmp(places.data(), places_before.data(), places.size() * sizeof(cs_patch_place)) == 0 &&
               incremental == incremental_before;
    };
    auto plan = [&](const std::vector<cs_chain_layer>& layers, int32_t height, int32_t width,
                    const std::vector<cs_window>& w, double fraction) {
        return cs_plan_incremental(layers.data(), static_cast<int32_t>(layers.size()), height, width, w.data(),
                                   static_cast<int64_t>(w.size()), fraction, plans.data(), places.data(),
                                   &incremental);
    };
    const std::vector<cs_chain_layer>& good = chain.layers;
    auto with = [&good](size_t l, auto change) {
        std::vector<cs_chain_layer> layers = good;
        change(layers[l]);
        return layers;
    };
    CHECK_EQ(plan(good, 9, 8, windows, 1.0), kInvalid);  // layer 0 does not read a 9 x 8 input
    CHECK_EQ(plan(good, 8, 7, windows, 1.0), kInvalid);
    CHECK_EQ(plan(with(1, [](cs_chain_layer& l) { l.in_size[0] = 7; }), 8, 8, windows, 1.0), kInvalid);
    CHECK_EQ(plan(with(0, [](cs_chain_layer& l) { l.out_size[1] = 9; }), 8, 8, windows, 1.0), kInvalid);
    CHECK_EQ(plan(with(1, [](cs_chain_layer& l) { l.out_size[0] = 6; }), 8, 8, windows, 1.0), kInvalid);
    CHECK_EQ(plan(with(0, [](cs_chain_layer& l) { l.kernel[0] = 0; }), 8, 8, windows, 1.0), kInvalid);
    CHECK_EQ(plan(with(0, [](cs_chain_layer& l) { l.stride[1] = 0; }), 8, 8, windows, 1.0), kInvalid);
    CHECK_EQ(plan(with(0, [](cs_chain_layer& l) { l.dilation[0] = 0; }), 8, 8, windows, 1.0), kInvalid);
    CHECK_EQ(plan(with(0, [](cs_chain_layer& l) { l.padding[0] = -1; }), 8, 8, windows, 1.0), kInvalid);
    CHECK_EQ(plan(with(0, [](cs_chain_layer& l) { l.groups = 0; }), 8, 8, windows, 1.0), kInvalid);
    CHECK_EQ(plan(with(0, [](cs_chain_layer& l) { l.in_channels = 0; }), 8, 8, windows, 1.0), kInvalid);
    CHECK_EQ(plan(with(0, [](cs_chain_layer& l) { l.kind = 7; }), 8, 8, windows, 1.0), kInvalid);
    CHECK_EQ(plan(with(1, [](cs_chain_layer& l) {
                      l.kind = CS_LAYER_POINTWISE;  // a point-wise layer cannot change the size
                  }),
                  8, 8, windows, 1.0),
             kInvalid);
    // The padded input must fit the int32 places: a reach of 65536 x 65535 rows, or 2^31 - 7 columns of padding
    // before an input of 8 (2^31 + 1 columns padded; one fewer is accepted below).
    CHECK_EQ(plan(with(0,
                       [](cs_chain_layer& l) {
                           l.kernel[0] = 65536;
                           l.dilation[0] = 65536;
                       }),
                  8, 8, windows, 1.0),
             kInvalid);
    CHECK_EQ(plan(with(0, [](cs_chain_layer& l) { l.padding[1] = std::numeric_limits<int32_t>::max() - 7; }), 8, 8,
                  windows, 1.0),
             kInvalid);
    CHECK_EQ(plan(good, 8, 8, {{0, 0, 2, 2}, {1, 1, 0, 2}}, 1.0), kInvalid);  // zero-height window
    CHECK_EQ(plan(good, 8, 8, {{0, 0, 2, 2}, {1, 1, 2, -1}}, 1.0), kInvalid);
    CHECK_EQ(plan(good, 8, 8, {}, 1.0), kInvalid);
    CHECK_EQ(plan(good, 8, 8, windows, -0.5), kInvalid);
    CHECK_EQ(plan(good, 8, 8, windows, std::nan("")), kInvalid);
    CHECK_EQ(plan({}, 8, 8, windows, 1.0), kInvalid);
    CHECK_EQ(cs_plan_incremental(nullptr, 2, 8, 8, windows.data(), 2, 1.0, plans.data(), places.data(), &incremental),
             kInvalid);
    CHECK_EQ(cs_plan_incremental(good.data(), 2, 8, 8, nullptr, 2, 1.0, plans.data(), places.data(), &incremental),
             kInvalid);
    CHECK_EQ(cs_plan_incremental(good.data(), 2, 8, 8, windows.data(), 2, 1.0, nullptr, places.data(), &incremental),
             kInvalid);
    CHECK_EQ(cs_plan_incremental(good.data(), 2, 8, 8, windows.data(), 2, 1.0, plans.data(), nullptr, &incremental),
             kInvalid);
    CHECK_EQ(cs_plan_incremental(good.data(), 2, 8, 8, windows.data(), 2, 1.0, plans.data(), places.data(), nullptr),
             kInvalid);
    CHECK(untouched());
    CHECK_EQ(plan(good, 8, 8, windows, 1.0), kOk);  // and the unchanged chain is fine
    CHECK(!untouched());
    // A padded input of exactly 2^31 - 1 columns is accepted: padding 2^31 - 9 before the 8 columns, none after
    // (the last output reads up to input column 7 + 2 - padding).
    const std::vector<cs_chain_layer> widest =
        with(0, [](cs_chain_layer& l) { l.padding[1] = std::numeric_limits<int32_t>::max() - 8; });
    CHECK_EQ(plan(widest, 8, 8, windows, 1.0), kOk);
    CHECK_EQ(plans[0].pad_before[1] + int64_t{8} + plans[0].pad_after[1],
             int64_t{std::numeric_limits<int32_t>::max()});
}

// ---------------------------------------------------------------------------------------------------------
// End to end: incremental forward == occluded forward.

namespace {

// One image's activation of `channels` channels and height x width pixels, stored channels-last (height x
// width x channels) like every buffer the kernels move: so the kernels read and write these tensors' memory as it
// is, and a layout mistake in a kernel shows as a wrong value. The naive layers below index through at().
struct Tensor {
    int64_t channels = 0, height = 0, width = 0;
    std::vector<float> data;
    float& at(int64_t c, int64_t y, int64_t x) { return data[nhwc(0, y, x, c, height, width, channels)]; }
    float at(int64_t c, int64_t y, int64_t x) const { return data[nhwc(0, y, x, c, height, width, channels)]; }
};

Tensor make_tensor(int64_t channels, int64_t height, int64_t width, float value = 0.0f) {
    return {channels, height, width, std::vector<float>(static_cast<size_t>(channels * height * width), value)};
}

// Layer parameters: conv weights (out x in/groups x kh x kw) and bias; point-wise affine scale and shift.
struct Params {
    std::vector<float> weight, bias;
};

struct Net {
    Chain chain;
    std::vector<Params> params;
};

Net make_net(Chain chain, uint32_t seed) {
    Net net{std::move(chain), {}};
    uint32_t s = seed;
    for (const cs_chain_layer& l : net.chain.layers) {
        Params p;
        if (l.kind == CS_LAYER_CONV) {
            p.weight = random_values(static_cast<size_t>(macs_per_output(l)), ++s);
            p.bias = random_values(static_cast<size_t>(l.out_channels), ++s);
        } else if (l.kind == CS_LAYER_POINTWISE) {
            p.weight = random_values(static_cast<size_t>(l.in_channels), ++s);
            p.bias = random_values(static_cast<size_t>(l.in_channels), ++s);
        }
        net.params.push_back(p);
    }
    return net;
}

float pad_value(const cs_chain_layer& layer) {
    return layer.kind == CS_LAYER_MAX_POOL ? -std::numeric_limits<float>::infinity() : 0.0f;
}

Tensor pad(const Tensor& x, int64_t top, int64_t left, int64_t bottom, int64_t right, float value) {
    Tensor out = make_tensor(x.channels, x.height + top + bottom, x.width + left + right, value);
    for (int64_t c = 0; c < x.channels; ++c)
        for (int64_t y = 0; y < x.height; ++y)
            for (int64_t xx = 0; xx < x.width; ++xx) out.at(c, y + top, xx + left) = x.at(c, y, xx);
    return out;
}

// The layer on an input that already holds all the padding it reads ("valid" mode), out_h x out_w outputs.
// Both paths run exactly this code on the same values, so their results must be bit-identical. Average
// pooling divides by the whole kernel: padding counts in the divisor.
Tensor run_valid(const cs_chain_layer& layer, const Params& params, const Tensor& x, int64_t out_h, int64_t out_w) {
    const AxisGeometry gy = axis(layer, 0), gx = axis(layer, 1);
    Tensor out = make_tensor(layer.out_channels, out_h, out_w);
    const int64_t per_group_in = layer.in_channels / layer.groups;
    const int64_t per_group_out = layer.out_channels / layer.groups;
    for (int64_t co = 0; co < layer.out_channels; ++co)
        for (int64_t oy = 0; oy < out_h; ++oy)
            for (int64_t ox = 0; ox < out_w; ++ox) {
                auto tap = [&](int64_t c, int64_t i, int64_t j) {
                    return x.at(c, oy * gy.stride + i * gy.dilation, ox * gx.stride + j * gx.dilation);
                };
                float v = 0.0f;
                if (layer.kind == CS_LAYER_CONV) {
                    v = params.bias[static_cast<size_t>(co)];
                    const int64_t group = co / per_group_out;
                    for (int64_t ci = 0; ci < per_group_in; ++ci)
                        for (int64_t i = 0; i < gy.kernel; ++i)
                            for (int64_t j = 0; j < gx.kernel; ++j)
                                v += params.weight[static_cast<size_t>(((co * per_group_in + ci) * gy.kernel + i) *
                                                                           gx.kernel +
                                                                       j)] *
                                     tap(group * per_group_in + ci, i, j);
                } else if (layer.kind == CS_LAYER_MAX_POOL) {
                    v = -std::numeric_limits<float>::infinity();
                    for (int64_t i = 0; i < gy.kernel; ++i)
                        for (int64_t j = 0; j < gx.kernel; ++j) v = std::max(v, tap(co, i, j));
                } else if (layer.kind == CS_LAYER_AVG_POOL) {
                    for (int64_t i = 0; i < gy.kernel; ++i)
                        for (int64_t j = 0; j < gx.kernel; ++j) v += tap(co, i, j);
                    v /= static_cast<float>(gy.kernel * gx.kernel);
                } else {
                    const float in = tap(co, 0, 0);
                    v = params.bias.empty() ? in
                                            : in * params.weight[static_cast<size_t>(co)] +
                                                  params.bias[static_cast<size_t>(co)];
                }
                out.at(co, oy, ox) = v;
            }
    return out;
}

bool is_relu(const Net& net, size_t l) {
    return net.chain.layers[l].kind == CS_LAYER_POINTWISE && net.chain.specs[l].relu;
}

Tensor run_pointwise(const Net& net, size_t l, const Tensor& x) {
    if (is_relu(net, l)) {
        Tensor out = x;
        for (float& v : out.data) v = std::max(v, 0.0f);
        return out;
    }
    return run_valid(net.chain.layers[l], net.params[l], x, x.height, x.width);
}

// AvgPool2d(count_include_pad=True) as PyTorch computes it on the unpadded input: the sum of the taps inside
// the input, divided by the window's extent clipped to the padded input (in + padding at the end: a
// ceil_mode window reaching further counts only that far).
Tensor run_torch_avg_pool(const cs_chain_layer& layer, const Tensor& x) {
    const AxisGeometry gy = axis(layer, 0), gx = axis(layer, 1);
    Tensor out = make_tensor(x.channels, gy.out, gx.out);
    for (int64_t c = 0; c < x.channels; ++c)
        for (int64_t oy = 0; oy < gy.out; ++oy)
            for (int64_t ox = 0; ox < gx.out; ++ox) {
                const int64_t y0 = oy * gy.stride - gy.padding, x0 = ox * gx.stride - gx.padding;
                const int64_t y1 = std::min(y0 + gy.kernel, gy.in + gy.padding);
                const int64_t x1 = std::min(x0 + gx.kernel, gx.in + gx.padding);
                const int64_t divisor = (y1 - y0) * (x1 - x0);
                float sum = 0.0f;
                for (int64_t y = std::max<int64_t>(y0, 0); y < std::min(y1, gy.in); ++y)
                    for (int64_t xx = std::max<int64_t>(x0, 0); xx < std::min(x1, gx.in); ++xx) sum += x.at(c, y, xx);
                out.at(c, oy, ox) = sum / static_cast<float>(divisor);
            }
    return out;
}

// The layer on a whole activation, as the model runs it.
Tensor run_full(const Net& net, size_t l, const Tensor& x) {
    const cs_chain_layer& layer = net.chain.layers[l];
    if (layer.kind == CS_LAYER_POINTWISE) return run_pointwise(net, l, x);
    if (layer.kind == CS_LAYER_AVG_POOL) return run_torch_avg_pool(layer, x);
    const AxisGeometry gy = axis(layer, 0), gx = axis(layer, 1);
    const int64_t after_y = std::max<int64_t>(0, (gy.out - 1) * gy.stride + gy.reach() + 1 - (gy.padding + gy.in));
    const int64_t after_x = std::max<int64_t>(0, (gx.out - 1) * gx.stride + gx.reach() + 1 - (gx.padding + gx.in));
    return run_valid(layer, net.params[l], pad(x, gy.padding, gx.padding, after_y, after_x, pad_value(layer)), gy.out,
                     gx.out);
}

// Tensor n of a batch buffer (count x height x width x channels).
Tensor slice(const std::vector<float>& batch, size_t n, int64_t channels, int64_t height, int64_t width) {
    const auto size = static_cast<size_t>(channels * height * width);
    return {channels, height, width,
            std::vector<float>(batch.begin() + static_cast<long>(n * size),
                               batch.begin() + static_cast<long>((n + 1) * size))};
}

struct E2EStats {
    int64_t incremental_layers = 0;
    int64_t compared = 0;
    int64_t switched_midway = 0;  // runs whose first full layer got an incoming patch pasted (0 < F < L)
};

// Runs every window through (a) the occluded forward pass and (b) the incremental path built from the plan and
// the kernels, and checks that (b) equals (a) exactly: every patch against the occluded activation it stands
// for, and the chain's output.
E2EStats check_end_to_end(const Net& net, const std::vector<cs_window>& windows, double fraction, int32_t threads) {
    E2EStats stats;
    const Chain& chain = net.chain;
    const size_t L = chain.layers.size(), N = windows.size();
    const auto count = static_cast<int64_t>(N);
    const int failures_before = convscope::test::failures();
    const Tensor image{chain.channels, chain.height, chain.width,
                       random_values(static_cast<size_t>(chain.channels) * chain.height * chain.width, 77)};
    std::vector<float> fill;
    for (int32_t c = 0; c < chain.channels; ++c) fill.push_back(0.5f - static_cast<float>(c));

    // (a) The occluded forward pass of every window, every activation kept.
    std::vector<std::vector<Tensor>> full(N);
    for (size_t n = 0; n < N; ++n) {
        const cs_window& w = windows[n];
        Tensor x = image;
        for (int64_t c = 0; c < x.channels; ++c)
            for (int64_t y = 0; y < x.height; ++y)
                for (int64_t xx = 0; xx < x.width; ++xx)
                    if (y >= w.top && y < int64_t{w.top} + w.height && xx >= w.left && xx < int64_t{w.left} + w.width)
                        x.at(c, y, xx) = fill[static_cast<size_t>(c)];
        full[n].push_back(x);
        for (size_t l = 0; l < L; ++l) full[n].push_back(run_full(net, l, full[n].back()));
    }
    // The unoccluded activations: base[l] is layer l's input.
    std::vector<Tensor> base{image};
    for (size_t l = 0; l < L; ++l) base.push_back(run_full(net, l, base.back()));

    // (b) The incremental path.
    std::vector<cs_layer_plan> plans(L);
    std::vector<cs_patch_place> places(L * N);
    int32_t incremental = -1;
    CHECK_EQ(cs_plan_incremental(chain.layers.data(), static_cast<int32_t>(L), chain.height, chain.width,
                                 windows.data(), count, fraction, plans.data(), places.data(), &incremental),
             kOk);
    if (incremental < 0) return stats;
    stats.incremental_layers = incremental;
    std::vector<float> patches;  // count x patch rows x patch columns x channels
    int64_t patch_c = 0, patch_h = 0, patch_w = 0;
    for (size_t l = 0; l < static_cast<size_t>(incremental); ++l) {
        const cs_chain_layer& layer = chain.layers[l];
        const cs_layer_plan& plan = plans[l];
        const cs_patch_place* row = places.data() + l * N;
        std::vector<float> next;
        if (layer.kind == CS_LAYER_POINTWISE && l > 0) {
            // Acts on the patch as it is; the patch stays where it was.
            for (size_t n = 0; n < N; ++n) {
                CHECK_EQ(row[n].patch_top, places[(l - 1) * N + n].patch_top);
                CHECK_EQ(row[n].patch_left, places[(l - 1) * N + n].patch_left);
                const Tensor y = run_pointwise(net, l, slice(patches, n, patch_c, patch_h, patch_w));
                next.insert(next.end(), y.data.begin(), y.data.end());
            }
        } else {
            const Tensor padded = pad(base[l], plan.pad_before[0], plan.pad_before[1], plan.pad_after[0],
                                      plan.pad_after[1], pad_value(layer));
            const int64_t rh = plan.region[0], rw = plan.region[1], c = layer.in_channels;
            std::vector<float> regions(static_cast<size_t>(count * c * rh * rw), kSentinel);
            CHECK_EQ(cs_gather_regions_cpu(padded.data.data(), c, padded.height, padded.width, row, count, rh, rw,
                                           regions.data(), threads),
                     kOk);
            if (l == 0) {
                CHECK_EQ(cs_fill_patches_cpu(fill.data(), count, c, row, regions.data(), rh, rw, threads), kOk);
            } else {
                CHECK_EQ(cs_paste_patches_cpu(patches.data(), count, c, patch_h, patch_w, row, regions.data(), rh, rw,
                                              threads),
                         kOk);
            }
            for (size_t n = 0; n < N; ++n) {
                // A point-wise layer 0 reads a region the size of its patch.
                const Tensor region = slice(regions, n, c, rh, rw);
                const Tensor y = layer.kind == CS_LAYER_POINTWISE
                                     ? run_pointwise(net, l, region)
                                     : run_valid(layer, net.params[l], region, plan.patch[0], plan.patch[1]);
                next.insert(next.end(), y.data.begin(), y.data.end());
            }
        }
        patches = std::move(next);
        patch_c = layer.out_channels;
        patch_h = plan.patch[0];
        patch_w = plan.patch[1];
        // Every patch value is the occluded activation at its place.
        for (size_t n = 0; n < N; ++n) {
            const Tensor patch = slice(patches, n, patch_c, patch_h, patch_w);
            const Tensor& want = full[n][l + 1];
            int mismatches = 0;
            for (int64_t c = 0; c < patch_c; ++c)
                for (int64_t y = 0; y < patch_h; ++y)
                    for (int64_t x = 0; x < patch_w; ++x) {
                        ++stats.compared;
                        const float got = patch.at(c, y, x);
                        const float expected = want.at(c, row[n].patch_top + y, row[n].patch_left + x);
                        if (got != expected && mismatches++ == 0) {
                            CHECK_EQ(got, expected);
                            std::fprintf(stderr, "  layer %zu window %zu (%d,%d %dx%d): patch (%lld,%lld,%lld)\n", l, n,
                                         windows[n].top, windows[n].left, windows[n].height, windows[n].width,
                                         static_cast<long long>(c), static_cast<long long>(y),
                                         static_cast<long long>(x));
                        }
                    }
        }
    }

    // The chain's output per window.
    std::vector<Tensor> outputs;
    const auto F = static_cast<size_t>(incremental);
    if (F < L) {
        // The first full layer: the whole base input, the incoming patch pasted (or, at layer 0, the window
        // filled) in; then full tensors to the end.
        const cs_chain_layer& layer = chain.layers[F];
        const cs_layer_plan& plan = plans[F];
        const cs_patch_place* row = places.data() + F * N;
        const int64_t c = layer.in_channels, rh = plan.region[0], rw = plan.region[1];
        CHECK_EQ(rh, base[F].height);
        CHECK_EQ(rw, base[F].width);
        std::vector<float> tensors(static_cast<size_t>(count * c * rh * rw), kSentinel);
        CHECK_EQ(cs_gather_regions_cpu(base[F].data.data(), c, rh, rw, row, count, rh, rw, tensors.data(), threads),
                 kOk);
        if (F == 0) {
            CHECK_EQ(cs_fill_patches_cpu(fill.data(), count, c, row, tensors.data(), rh, rw, threads), kOk);
        } else {
            CHECK_EQ(cs_paste_patches_cpu(patches.data(), count, c, patch_h, patch_w, row, tensors.data(), rh, rw,
                                          threads),
                     kOk);
        }
        stats.switched_midway += F > 0;
        for (size_t n = 0; n < N; ++n) {
            Tensor x = slice(tensors, n, c, rh, rw);
            CHECK(same_bits(x.data, full[n][F].data));
            for (size_t l = F; l < L; ++l) x = run_full(net, l, x);
            outputs.push_back(x);
        }
    } else {
        // Every layer ran on patches: the output is the base output with the last patch pasted at its place.
        const cs_patch_place* last = places.data() + (L - 1) * N;
        std::vector<cs_patch_place> at_patch(N);
        for (size_t n = 0; n < N; ++n) at_patch[n] = paste_at(last[n].patch_top, last[n].patch_left);
        const Tensor& out = base[L];
        std::vector<float> tensors;
        for (size_t n = 0; n < N; ++n) tensors.insert(tensors.end(), out.data.begin(), out.data.end());
        CHECK_EQ(cs_paste_patches_cpu(patches.data(), count, out.channels, patch_h, patch_w, at_patch.data(),
                                      tensors.data(), out.height, out.width, threads),
                 kOk);
        for (size_t n = 0; n < N; ++n) outputs.push_back(slice(tensors, n, out.channels, out.height, out.width));
    }
    for (size_t n = 0; n < N; ++n) {
        const std::vector<float>& got = outputs[n].data;
        const std::vector<float>& want = full[n][L].data;
        CHECK_EQ(got.size(), want.size());
        if (got.size() != want.size()) continue;
        stats.compared += static_cast<int64_t>(got.size());
        // Same float operations in the same order: equal values (== also lets a -0 equal a +0).
        for (size_t i = 0; i < got.size(); ++i) {
            if (got[i] != want[i]) {
                CHECK_EQ(got[i], want[i]);
                std::fprintf(stderr, "  output of window %zu (%d,%d %dx%d) differs at %zu\n", n, windows[n].top,
                             windows[n].left, windows[n].height, windows[n].width, i);
                break;
            }
        }
    }
    if (convscope::test::failures() != failures_before) {
        std::fprintf(stderr, "  in %s, %d incremental layers\n", describe(chain, fraction).c_str(), incremental);
    }
    return stats;
}

const double kEndToEndFractions[] = {0.0, 0.5, 1.0, 1e9};

}  // namespace

CS_TEST(end_to_end_a_fixed_chain_is_exact) {
    // Conv, ReLU, ceil_mode max pool, grouped rectangular dilated conv, affine, 'same' conv with an even kernel
    // (one more padding row at the end), a 1 x 1 conv with stride 3 (past its kernel), a ceil_mode max pool;
    // 23 x 19 input, windows reaching past the bottom and right.
    const Net net = make_net(make_chain(3, 23, 19,
                                        {conv(3, 1, 1, 1, 4), pointwise(), max_pool(3, 2, 1, true),
                                         conv2({3, 2}, {1, 2}, {2, 0}, {2, 1}, 4, 2), pointwise(false),
                                         conv_same(4, 2, 1, 3), conv(1, 3, 0, 1, 2), max_pool(2, 2, 0, true)}),
                             5);
    const Shape shape{3, 23, 19};
    const std::vector<std::vector<cs_window>> window_sets{
        captum_windows(shape, 6, 6, 4, 4), captum_windows(shape, 3, 7, 2, 5), random_windows(shape, 30, 9)};
    int64_t incremental_layers = 0, compared = 0;
    for (const std::vector<cs_window>& windows : window_sets)
        for (double fraction : kEndToEndFractions) {
            const E2EStats s = check_end_to_end(net, windows, fraction, 2);
            incremental_layers += s.incremental_layers;
            compared += s.compared;
        }
    CHECK(incremental_layers >= 3 * 8);  // at fraction 1e9 every layer of every window set runs on patches
    CHECK(compared > 10000);
}

CS_TEST(end_to_end_a_point_wise_first_chain_is_exact) {
    const Net net = make_net(make_chain(2, 16, 15, {pointwise(false), conv(3, 2, 1, 1, 3), pointwise(),
                                                    max_pool(2, 2, 0, false), conv(2, 1, 1, 2, 2)}),
                             8);
    const std::vector<cs_window> windows = captum_windows(Shape{2, 16, 15}, 5, 4, 3, 3);
    for (double fraction : kEndToEndFractions) {
        const E2EStats s = check_end_to_end(net, windows, fraction, 1);
        if (fraction == 0.0) CHECK_EQ(s.incremental_layers, 1);  // only the point-wise first layer
        if (fraction >= 1.0) CHECK_EQ(s.incremental_layers, 5);
    }
}

CS_TEST(end_to_end_random_chains_are_exact) {
    std::mt19937 rng(77);
    int64_t incremental_layers = 0, compared = 0, switched_midway = 0;
    for (int trial = 0; trial < 80; ++trial) {
        const Net net = make_net(random_chain(rng, 5, true), static_cast<uint32_t>(trial * 100));
        const Chain& chain = net.chain;
        const Shape shape{chain.channels, chain.height, chain.width};
        auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
        const int32_t wh = pick(1, std::max(1, chain.height / 2)), ww = pick(1, std::max(1, chain.width / 2));
        const std::vector<cs_window> windows = trial % 2 == 0 ? captum_windows(shape, wh, ww, pick(1, wh), pick(1, ww))
                                                              : random_windows(shape, 20, static_cast<uint32_t>(trial));
        for (double fraction : kEndToEndFractions) {
            const E2EStats s = check_end_to_end(net, windows, fraction, trial % 3);
            incremental_layers += s.incremental_layers;
            compared += s.compared;
            switched_midway += s.switched_midway;
        }
    }
    CHECK(switched_midway > 10);
    CHECK(incremental_layers > 100);
    CHECK(compared > 100000);
}

CS_TEST(end_to_end_average_pooling_is_exact) {
    // AvgPool2d counting padding: exact where no window reaches past the padded input.
    const Net net = make_net(make_chain(2, 17, 17, {conv(3, 1, 0, 1, 2), avg_pool(3, 2, 1, false), pointwise(),
                                                    avg_pool(2, 2, 0, false), conv(2, 1, 0, 1, 1)}),
                             12);
    const std::vector<cs_window> windows = captum_windows(Shape{2, 17, 17}, 4, 4, 3, 3);
    for (double fraction : kEndToEndFractions) check_end_to_end(net, windows, fraction, 1);
}

CS_TEST(end_to_end_a_ceil_mode_average_pool_reaching_past_the_padding_runs_on_full_tensors) {
    // AvgPool2d(3, 2, ceil_mode=True) on 16 x 16: the last window reads 14..16, one past the input, and
    // PyTorch divides it by 2 x 3, not 3 x 3; a zero-padded region cannot reproduce that, so the plan switches
    // to full tensors at this layer whatever the fraction.
    const Net net = make_net(make_chain(2, 18, 18, {conv(3, 1, 0, 1, 2), avg_pool(3, 2, 0, true), conv(2, 1, 0, 1, 1)}),
                             12);
    CHECK_EQ(net.chain.layers[1].out_size[0], 8);
    const std::vector<cs_window> windows = captum_windows(Shape{2, 18, 18}, 4, 4, 3, 3);
    for (double fraction : kEndToEndFractions) {
        const E2EStats s = check_end_to_end(net, windows, fraction, 1);
        CHECK_EQ(s.incremental_layers, fraction >= 0.5 ? 1 : 0);
    }
    // Without ceil_mode the same pool runs on patches.
    const Net floor_net = make_net(
        make_chain(2, 18, 18, {conv(3, 1, 0, 1, 2), avg_pool(3, 2, 0, false), conv(2, 1, 0, 1, 1)}), 12);
    CHECK_EQ(check_end_to_end(floor_net, windows, 1e9, 1).incremental_layers, 3);
}

int main() { return convscope::test::run_all("incremental_cpu"); }
