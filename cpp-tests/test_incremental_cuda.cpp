// Specification of the CUDA kernels of convscope/incremental.h (gather, paste, fill, region changes): each
// returns what its CPU twin returns, bit for bit, on the same channels-last inputs (regions at every border, patches and rectangles sticking out of
// their regions on every side, one channel to many, more windows than one grid column holds, windows that move
// more floats than one grid row of blocks covers). The CPU tests pin the layout itself.
// Built whenever CUDA is compiled in; on a machine without a CUDA device it reports SKIPPED and exits 77,
// which CTest counts as skipped (SKIP_RETURN_CODE), not passed.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "check.h"
#include "device_buffer.h"
#include "convscope/incremental.h"
#include "incremental_reference.h"
#include "occlusion_reference.h"

using convscope::test::captum_windows;
using convscope::test::random_change_places;
using convscope::test::random_gather_places;
using convscope::test::random_paste_places;
using convscope::test::random_values;
using convscope::test::reference_fill;
using convscope::test::same_bits;
using convscope::test::DeviceBuffer;
using convscope::test::Shape;

namespace {

constexpr int kOk = CS_OK;
constexpr int kInvalid = CS_INVALID_ARGUMENT;

// Gathers on both sides; the device regions start as NaN (all bits set), so an element the kernel misses shows.
void expect_gather_like_cpu(int64_t channels, int64_t base_height, int64_t base_width,
                            const std::vector<cs_patch_place>& places, int64_t region_height, int64_t region_width,
                            uint32_t seed, cudaStream_t stream = nullptr) {
    const std::vector<float> base = random_values(static_cast<size_t>(channels * base_height * base_width), seed);
    const auto count = static_cast<int64_t>(places.size());
    std::vector<float> expected(static_cast<size_t>(count * channels * region_height * region_width), -1.0f);
    CHECK_EQ(cs_gather_regions_cpu(base.data(), channels, base_height, base_width, places.data(), count,
                                   region_height, region_width, expected.data(), 0),
             kOk);
    DeviceBuffer<float> d_base(base), d_regions(expected.size());
    DeviceBuffer<cs_patch_place> d_places(places);
    CUDA_CHECK(cudaMemset(d_regions.ptr, 0xff, expected.size() * sizeof(float)));
    CHECK_EQ(cs_gather_regions_cuda(d_base.ptr, channels, base_height, base_width, d_places.ptr, count, region_height,
                                    region_width, d_regions.ptr, stream),
             kOk);
    CUDA_CHECK(cudaStreamSynchronize(stream));
    CHECK(same_bits(d_regions.to_host(), expected));
}

// Pastes on both sides into the same random regions.
void expect_paste_like_cpu(int64_t channels, int64_t patch_height, int64_t patch_width,
                           const std::vector<cs_patch_place>& places, int64_t region_height, int64_t region_width,
                           uint32_t seed) {
    const auto count = static_cast<int64_t>(places.size());
    const std::vector<float> patches =
        random_values(static_cast<size_t>(count * channels * patch_height * patch_width), seed);
    const std::vector<float> before =
        random_values(static_cast<size_t>(count * channels * region_height * region_width), seed + 1);
    std::vector<float> expected = before;
    CHECK_EQ(cs_paste_patches_cpu(patches.data(), count, channels, patch_height, patch_width, places.data(),
                                  expected.data(), region_height, region_width, 0),
             kOk);
    CHECK(!same_bits(expected, before));  // the case pastes something
    DeviceBuffer<float> d_patches(patches), d_regions(before);
    DeviceBuffer<cs_patch_place> d_places(places);
    CHECK_EQ(cs_paste_patches_cuda(d_patches.ptr, count, channels, patch_height, patch_width, d_places.ptr,
                                   d_regions.ptr, region_height, region_width, nullptr),
             kOk);
    CUDA_CHECK(cudaDeviceSynchronize());
    CHECK(same_bits(d_regions.to_host(), expected));
}

std::vector<float> fill_on_gpu(const std::vector<float>& fill, const std::vector<cs_patch_place>& places,
                               const std::vector<float>& before, int64_t region_height, int64_t region_width) {
    DeviceBuffer<float> d_fill(fill), d_regions(before);
    DeviceBuffer<cs_patch_place> d_places(places);
    CHECK_EQ(cs_fill_patches_cuda(d_fill.ptr, static_cast<int64_t>(places.size()), static_cast<int64_t>(fill.size()),
                                  d_places.ptr, d_regions.ptr, region_height, region_width, nullptr),
             kOk);
    CUDA_CHECK(cudaDeviceSynchronize());
    return d_regions.to_host();
}

// Fills on both sides into the same random regions.
void expect_fill_like_cpu(int64_t channels, const std::vector<cs_patch_place>& places, int64_t region_height,
                          int64_t region_width, uint32_t seed) {
    const auto count = static_cast<int64_t>(places.size());
    std::vector<float> fill;
    for (int64_t c = 0; c < channels; ++c) fill.push_back(-10.0f - static_cast<float>(c));
    const std::vector<float> before =
        random_values(static_cast<size_t>(count * channels * region_height * region_width), seed);
    std::vector<float> expected = before;
    CHECK_EQ(cs_fill_patches_cpu(fill.data(), count, channels, places.data(), expected.data(), region_height,
                                 region_width, 0),
             kOk);
    CHECK(!same_bits(expected, before));
    CHECK(same_bits(fill_on_gpu(fill, places, before, region_height, region_width), expected));
}

// Region changes on both sides, float32 and bfloat16 bits, from patches or (use_fill) a fill; the device output
// starts as all bits set, so an element the kernel misses shows.
void expect_changes_like_cpu(int64_t channels, int64_t base_height, int64_t base_width, int64_t region_height,
                             int64_t region_width, int64_t patch_height, int64_t patch_width, int count,
                             bool use_fill, uint32_t seed) {
    const std::vector<cs_patch_place> places = random_change_places(
        count, base_height, base_width, region_height, region_width, patch_height, patch_width, seed);
    const std::vector<float> base = random_values(static_cast<size_t>(channels * base_height * base_width), seed + 2);
    const std::vector<float> patches =
        random_values(static_cast<size_t>(count * channels * patch_height * patch_width), seed + 3);
    std::vector<float> fill;
    for (int64_t c = 0; c < channels; ++c) fill.push_back(0.5f - 0.25f * static_cast<float>(c));
    const size_t size = static_cast<size_t>(count * channels * region_height * region_width);
    DeviceBuffer<float> d_base(base), d_patches(patches), d_fill(fill);
    DeviceBuffer<cs_patch_place> d_places(places);
    const float* h_patches = use_fill ? nullptr : patches.data();
    const float* g_patches = use_fill ? nullptr : d_patches.ptr;
    // Both sides in one element type (float32, or uint16_t bfloat16 bits), compared bit for bit.
    auto same_on_both = [&](auto element, int32_t type) {
        using T = decltype(element);
        std::vector<T> want(size);
        CHECK_EQ(cs_region_changes_cpu(base.data(), channels, base_height, base_width, h_patches, patch_height,
                                       patch_width, fill.data(), places.data(), count, region_height, region_width,
                                       type, want.data(), 0),
                 kOk);
        DeviceBuffer<T> d_out(size);
        CUDA_CHECK(cudaMemset(d_out.ptr, 0xff, size * sizeof(T)));
        CHECK_EQ(cs_region_changes_cuda(d_base.ptr, channels, base_height, base_width, g_patches, patch_height,
                                        patch_width, d_fill.ptr, d_places.ptr, count, region_height, region_width,
                                        type, d_out.ptr, nullptr),
                 kOk);
        CUDA_CHECK(cudaDeviceSynchronize());
        const std::vector<T> got = d_out.to_host();
        CHECK(std::memcmp(got.data(), want.data(), size * sizeof(T)) == 0);
    };
    same_on_both(float{}, CS_CHANGE_FLOAT32);
    same_on_both(uint16_t{}, CS_CHANGE_BFLOAT16);
}

}  // namespace

CS_TEST(region_changes_match_the_cpu_in_float32_and_bfloat16) {
    expect_changes_like_cpu(3, 9, 11, 5, 6, 3, 4, 40, false, 1);
    expect_changes_like_cpu(5, 12, 10, 4, 4, 6, 5, 30, false, 2);    // patches larger than their regions
    expect_changes_like_cpu(3, 9, 11, 5, 6, 1, 1, 40, true, 3);      // layer 0: a fill over paste rectangles
    expect_changes_like_cpu(1, 9, 11, 2, 2, 1, 1, 70000, false, 4);     // more windows than one grid column
    expect_changes_like_cpu(64, 70, 70, 64, 65, 20, 20, 3, false, 5);   // a region larger than one grid row
}

CS_TEST(gather_matches_the_cpu_at_every_border) {
    expect_gather_like_cpu(3, 9, 11, random_gather_places(40, 9, 11, 4, 5, 1), 4, 5, 1);
    expect_gather_like_cpu(1, 9, 11, random_gather_places(20, 9, 11, 1, 1, 2), 1, 1, 2);   // 1 x 1 regions
    expect_gather_like_cpu(2, 9, 11, random_gather_places(8, 9, 11, 9, 11, 3), 9, 11, 3);  // the whole base
    expect_gather_like_cpu(4, 64, 3, random_gather_places(50, 64, 3, 17, 2, 4), 17, 2, 4);
    expect_gather_like_cpu(3, 230, 230, random_gather_places(30, 230, 230, 37, 41, 5), 37, 41, 5);
    // Many channels: a region row (5 x 64 floats) longer than a block, rows of one pixel.
    expect_gather_like_cpu(64, 9, 11, random_gather_places(25, 9, 11, 4, 5, 6), 4, 5, 6);
    expect_gather_like_cpu(37, 13, 6, random_gather_places(25, 13, 6, 5, 1, 7), 5, 1, 7);
}

CS_TEST(gather_with_more_windows_than_one_grid_column_holds) {
    // 70000 regions > gridDim.y's 65535: the window loop strides.
    expect_gather_like_cpu(2, 12, 10, random_gather_places(70000, 12, 10, 3, 4, 8), 3, 4, 8);
}

CS_TEST(gather_of_a_region_larger_than_the_grid_covers) {
    // 600 x 600 x 2 = 720000 floats > 1024 blocks x 256 threads: the x loop strides.
    expect_gather_like_cpu(2, 610, 605, random_gather_places(9, 610, 605, 600, 600, 9), 600, 600, 9);
}

CS_TEST(gather_runs_on_the_given_stream) {
    cudaStream_t stream = nullptr;
    CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    expect_gather_like_cpu(3, 40, 50, random_gather_places(20, 40, 50, 7, 9, 8), 7, 9, 8, stream);
    CUDA_CHECK(cudaStreamDestroy(stream));
}

CS_TEST(paste_matches_the_cpu_with_patches_sticking_out_on_every_side) {
    const std::vector<cs_patch_place> by_hand{
        {0, 0, 1, 1, 0, 0, 0, 0},  {0, 0, -2, 2, 0, 0, 0, 0}, {0, 0, 4, 2, 0, 0, 0, 0},  {0, 0, 2, -3, 0, 0, 0, 0},
        {0, 0, 2, 5, 0, 0, 0, 0},  {0, 0, -1, -1, 0, 0, 0, 0}, {0, 0, 5, 6, 0, 0, 0, 0}, {0, 0, -3, 0, 0, 0, 0, 0},
        {0, 0, 6, 0, 0, 0, 0, 0},  {0, 0, 0, -4, 0, 0, 0, 0}, {0, 0, 0, 7, 0, 0, 0, 0}};
    expect_paste_like_cpu(2, 3, 4, by_hand, 6, 7, 10);
    expect_paste_like_cpu(3, 5, 6, random_paste_places(500, 5, 6, 8, 9, 11), 8, 9, 11);
    expect_paste_like_cpu(1, 9, 10, random_paste_places(100, 9, 10, 3, 4, 12), 3, 4, 12);  // patch > region
    expect_paste_like_cpu(2, 1, 1, random_paste_places(300, 1, 1, 5, 5, 13), 5, 5, 13);
    expect_paste_like_cpu(64, 3, 5, random_paste_places(200, 3, 5, 6, 7, 16), 6, 7, 16);  // rows of 320 floats
    expect_paste_like_cpu(33, 4, 1, random_paste_places(200, 4, 1, 5, 2, 17), 5, 2, 17);
}

CS_TEST(paste_with_many_windows_and_large_patches) {
    expect_paste_like_cpu(3, 4, 4, random_paste_places(70000, 4, 4, 6, 6, 14), 6, 6, 14);  // 70000 windows > 65535
    // 610 x 600 x 2 = 732000 floats > 1024 blocks x 256 threads: the x loop strides.
    expect_paste_like_cpu(2, 610, 600,
                          {{0, 0, -5, 3, 0, 0, 0, 0}, {0, 0, 15, 45, 0, 0, 0, 0}, {0, 0, -600, -590, 0, 0, 0, 0}}, 620,
                          640, 15);
}

CS_TEST(fill_matches_the_cpu_with_rectangles_clipped_on_every_side) {
    const std::vector<cs_patch_place> by_hand{{0, 0, 1, 1, 2, 3, 0, 0},     {0, 0, -2, -1, 3, 3, 0, 0},
                                              {0, 0, 3, 4, 5, 5, 0, 0},     {0, 0, -10, -10, 100, 100, 0, 0},
                                              {0, 0, 1, 1, 0, 3, 0, 0},     {0, 0, 5, 0, 2, 2, 0, 0},
                                              {0, 0, 0, 6, 2, 2, 0, 0}};
    expect_fill_like_cpu(3, by_hand, 5, 6, 20);
    expect_fill_like_cpu(3, random_paste_places(700, 4, 5, 17, 19, 21), 17, 19, 21);
    expect_fill_like_cpu(2, random_paste_places(70000, 2, 2, 5, 6, 22), 5, 6, 22);  // 70000 windows > 65535
    expect_fill_like_cpu(64, random_paste_places(200, 2, 2, 5, 6, 25), 5, 6, 25);     // rows longer than a block
    expect_fill_like_cpu(5, random_paste_places(300, 2, 2, 7, 3, 26), 7, 3, 26);
    // 610 x 600 x 3 = 1098000 floats > 1024 blocks x 256 threads: the x loop strides (fill[x % C] across strides).
    expect_fill_like_cpu(3, {{0, 0, -3, 2, 700, 590, 0, 0}, {0, 0, 5, -5, 10, 700, 0, 0}}, 610, 600, 23);
}

CS_TEST(fill_with_a_negative_rectangle_size_fills_nothing) {
    // The CPU twin rejects these; device places are not checked, and the kernel must stay harmless.
    const std::vector<cs_patch_place> places{
        {0, 0, 1, 1, -2, 3, 0, 0}, {0, 0, 1, 1, 2, -3, 0, 0}, {0, 0, 0, 0, 2, 2, 0, 0}};
    const std::vector<float> before = random_values(3 * 2 * 4 * 5, 24);
    const std::vector<float> fill{7.0f, 8.0f};
    CHECK(same_bits(fill_on_gpu(fill, places, before, 4, 5), reference_fill(fill, 2, places, before, 4, 5)));
}

CS_TEST(the_kernels_reproduce_a_planned_first_layer) {
    // Places from cs_plan_incremental: layer 0 of a 7 x 7 / 2 convolution on a 67 x 67 input with Captum's
    // windows of 13 / 5, gathered from the base padded by the plan and filled; then layer 1 pastes them.
    cs_chain_layer layers[2] = {};
    layers[0] = {CS_LAYER_CONV, {7, 7}, {2, 2}, {3, 3}, {1, 1}, 3, 4, 1, {67, 67}, {34, 34}};
    layers[1] = {CS_LAYER_CONV, {3, 3}, {1, 1}, {1, 1}, {1, 1}, 4, 4, 1, {34, 34}, {34, 34}};
    const std::vector<cs_window> windows = captum_windows(Shape{3, 67, 67}, 13, 13, 5, 5);
    const auto count = static_cast<int64_t>(windows.size());
    cs_layer_plan plans[2];
    std::vector<cs_patch_place> places(2 * windows.size());
    int32_t incremental = 0;
    CHECK_EQ(cs_plan_incremental(layers, 2, 67, 67, windows.data(), count, 1.0, plans, places.data(), &incremental),
             kOk);
    CHECK_EQ(incremental, 2);
    const std::vector<cs_patch_place> first(places.begin(), places.begin() + count);
    const std::vector<cs_patch_place> second(places.begin() + count, places.end());
    const int64_t bh = plans[0].pad_before[0] + 67 + plans[0].pad_after[0];
    const int64_t bw = plans[0].pad_before[1] + 67 + plans[0].pad_after[1];
    const int64_t rh = plans[0].region[0], rw = plans[0].region[1];
    const std::vector<float> base = random_values(static_cast<size_t>(3 * bh * bw), 30);
    const std::vector<float> fill{0.1f, 0.2f, 0.3f};

    std::vector<float> expected(static_cast<size_t>(count * 3 * rh * rw));
    CHECK_EQ(cs_gather_regions_cpu(base.data(), 3, bh, bw, first.data(), count, rh, rw, expected.data(), 0), kOk);
    CHECK_EQ(cs_fill_patches_cpu(fill.data(), count, 3, first.data(), expected.data(), rh, rw, 0), kOk);
    DeviceBuffer<float> d_base(base), d_fill(fill), d_regions(expected.size());
    DeviceBuffer<cs_patch_place> d_first(first), d_second(second);
    CHECK_EQ(cs_gather_regions_cuda(d_base.ptr, 3, bh, bw, d_first.ptr, count, rh, rw, d_regions.ptr, nullptr), kOk);
    CHECK_EQ(cs_fill_patches_cuda(d_fill.ptr, count, 3, d_first.ptr, d_regions.ptr, rh, rw, nullptr), kOk);
    CUDA_CHECK(cudaDeviceSynchronize());
    CHECK(same_bits(d_regions.to_host(), expected));

    // Layer 1: the 4-channel patches of layer 0 pasted into layer 1's regions.
    const int64_t ph = plans[0].patch[0], pw = plans[0].patch[1];
    const int64_t r1h = plans[1].region[0], r1w = plans[1].region[1];
    const std::vector<float> patches = random_values(static_cast<size_t>(count * 4 * ph * pw), 31);
    const std::vector<float> before = random_values(static_cast<size_t>(count * 4 * r1h * r1w), 32);
    std::vector<float> pasted = before;
    CHECK_EQ(cs_paste_patches_cpu(patches.data(), count, 4, ph, pw, second.data(), pasted.data(), r1h, r1w, 0), kOk);
    DeviceBuffer<float> d_patches(patches), d_before(before);
    CHECK_EQ(cs_paste_patches_cuda(d_patches.ptr, count, 4, ph, pw, d_second.ptr, d_before.ptr, r1h, r1w, nullptr),
             kOk);
    CUDA_CHECK(cudaDeviceSynchronize());
    CHECK(same_bits(d_before.to_host(), pasted));
}

CS_TEST(invalid_arguments_are_rejected_before_launch) {
    DeviceBuffer<float> buf(64);
    CUDA_CHECK(cudaMemset(buf.ptr, 0, 64 * sizeof(float)));
    DeviceBuffer<cs_patch_place> place(std::vector<cs_patch_place>{{0, 0, 0, 0, 1, 1, 0, 0}});
    float* b = buf.ptr;
    const cs_patch_place* p = place.ptr;
    CHECK_EQ(cs_gather_regions_cuda(nullptr, 1, 4, 4, p, 1, 2, 2, b, nullptr), kInvalid);
    CHECK_EQ(cs_gather_regions_cuda(b, 1, 4, 4, nullptr, 1, 2, 2, b, nullptr), kInvalid);
    CHECK_EQ(cs_gather_regions_cuda(b, 1, 4, 4, p, 1, 2, 2, nullptr, nullptr), kInvalid);
    CHECK_EQ(cs_gather_regions_cuda(b, 0, 4, 4, p, 1, 2, 2, b, nullptr), kInvalid);
    CHECK_EQ(cs_gather_regions_cuda(b, 1, 4, 4, p, 1, 0, 2, b, nullptr), kInvalid);
    CHECK_EQ(cs_gather_regions_cuda(b, 1, 4, 4, p, -1, 2, 2, b, nullptr), kInvalid);
    CHECK_EQ(cs_paste_patches_cuda(nullptr, 1, 1, 2, 2, p, b, 4, 4, nullptr), kInvalid);
    CHECK_EQ(cs_paste_patches_cuda(b, 1, 1, 2, 2, nullptr, b, 4, 4, nullptr), kInvalid);
    CHECK_EQ(cs_paste_patches_cuda(b, 1, 1, 0, 2, p, b, 4, 4, nullptr), kInvalid);
    CHECK_EQ(cs_paste_patches_cuda(b, 1, 1, 2, 2, p, b, 4, 0, nullptr), kInvalid);
    CHECK_EQ(cs_fill_patches_cuda(nullptr, 1, 1, p, b, 4, 4, nullptr), kInvalid);
    CHECK_EQ(cs_fill_patches_cuda(b, 1, 1, p, nullptr, 4, 4, nullptr), kInvalid);
    CHECK_EQ(cs_fill_patches_cuda(b, 1, 0, p, b, 4, 4, nullptr), kInvalid);
    CHECK_EQ(cs_gather_regions_cuda(nullptr, 1, 4, 4, nullptr, 0, 2, 2, nullptr, nullptr), kOk);
    CHECK_EQ(cs_paste_patches_cuda(nullptr, 0, 1, 2, 2, nullptr, nullptr, 4, 4, nullptr), kOk);
    CHECK_EQ(cs_fill_patches_cuda(nullptr, 0, 1, nullptr, nullptr, 4, 4, nullptr), kOk);
    CHECK_EQ(cs_region_changes_cuda(b, 1, 4, 4, b, 2, 2, nullptr, p, 1, 2, 2, 2, b, nullptr), kInvalid);
    CHECK_EQ(cs_region_changes_cuda(b, 1, 4, 4, nullptr, 2, 2, nullptr, p, 1, 2, 2, CS_CHANGE_FLOAT32, b, nullptr),
             kInvalid);
    CHECK_EQ(cs_region_changes_cuda(nullptr, 1, 4, 4, b, 2, 2, nullptr, p, 1, 2, 2, CS_CHANGE_FLOAT32, b, nullptr),
             kInvalid);
    CUDA_CHECK(cudaDeviceSynchronize());
    const std::vector<float> after = buf.to_host();
    CHECK(std::all_of(after.begin(), after.end(), [](float v) { return v == 0.0f; }));
}

int main() { return convscope::test::run_all_on_a_device("incremental_cuda"); }
