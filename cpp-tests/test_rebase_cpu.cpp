// Specification of cs_rebase_cpu (convscope/rebase.h) against a naive loop: every combination of element types
// and steps, bit for bit, for images that span several of the kernel's segments and for many small images, on 1,
// 2, 3 and all threads; ReLU's edges and bfloat16's rounding; in place; and its argument checks. And
// cs_rebase_patches_cpu against the gather and the rebase it replaces.
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "check.h"
#include "convscope/rebase.h"
#include "rebase_reference.h"

using convscope::test::Elements;
using convscope::test::gathered_then_rebased;
using convscope::test::random_gather_places;
using convscope::test::random_elements;
using convscope::test::random_values;
using convscope::test::reference_rebase;

namespace {

constexpr int kOk = CS_OK;
constexpr int kInvalid = CS_INVALID_ARGUMENT;
constexpr int32_t kTypes[] = {CS_CHANGE_FLOAT32, CS_CHANGE_BFLOAT16};

// Every type pair and step combination on one shape; the output starts as 0xff bytes (a NaN in both types), so a
// missed element shows.
void expect_like_reference(int64_t images, int64_t per_image, int32_t threads, uint32_t seed) {
    const std::vector<float> add = random_values(static_cast<size_t>(per_image), seed + 1);
    const std::vector<float> subtract = random_values(static_cast<size_t>(per_image), seed + 2);
    for (int32_t in_type : kTypes) {
        const Elements in = random_elements(in_type, static_cast<size_t>(images * per_image), seed);
        for (int32_t out_type : kTypes) {
            for (int steps = 0; steps < 8; ++steps) {
                const float* a = (steps & 4) ? add.data() : nullptr;
                const bool relu = (steps & 2) != 0;
                const float* s = (steps & 1) ? subtract.data() : nullptr;
                Elements out(out_type, in.size(), 0xff);
                CHECK_EQ(cs_rebase_cpu(in.data(), in_type, a, relu, s, images, per_image, out_type, out.data(),
                                       threads),
                         kOk);
                if (!(out == reference_rebase(in, a, relu, s, images, per_image, out_type))) {
                    std::fprintf(stderr, "in %d out %d steps %d images %lld x %lld threads %d\n", in_type, out_type,
                                 steps, static_cast<long long>(images), static_cast<long long>(per_image), threads);
                    CHECK(false);
                }
            }
        }
    }
}

}  // namespace

CS_TEST(rebase_equals_the_naive_loop_for_every_type_and_step) {
    for (int32_t threads : {1, 2, 3, 0}) {
        expect_like_reference(3, 20000, threads, 11);  // three segments and a partial one per image
        expect_like_reference(1, 8192, threads, 21);   // exactly one segment
    }
}

CS_TEST(rebase_equals_the_naive_loop_for_many_small_images) {
    for (int32_t threads : {1, 0}) {
        expect_like_reference(5000, 7, threads, 31);  // a Linear's rows, where threads split the images
        expect_like_reference(70, 1, threads, 41);
    }
}

CS_TEST(rebase_relu_zeroes_negatives_keeps_nan_and_rounds_ties_to_even) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    // After adding 1: -2 -> 0 by ReLU; NaN stays NaN; 2^-8 + 1 lies halfway between 1 and 1 + 2^-7 (even: 1);
    // 3 * 2^-8 + 1 halfway between 1 + 2^-7 and 1 + 2^-6 (even: 1 + 2^-6); -0.5 + 1 = 0.5 exactly.
    const std::vector<float> in = {-3.0f, nan, 0.00390625f, 0.01171875f, -0.5f};
    const std::vector<float> add(in.size(), 1.0f);
    std::vector<uint16_t> out(in.size(), 0xdead);
    CHECK_EQ(cs_rebase_cpu(in.data(), CS_CHANGE_FLOAT32, add.data(), 1, nullptr, 1, 5, CS_CHANGE_BFLOAT16,
                           out.data(), 1),
             kOk);
    CHECK_EQ(out[0], uint16_t{0x0000});
    CHECK((out[1] & 0x7f80) == 0x7f80 && (out[1] & 0x007f) != 0);  // a NaN
    CHECK_EQ(out[2], uint16_t{0x3f80});
    CHECK_EQ(out[3], uint16_t{0x3f82});
    CHECK_EQ(out[4], uint16_t{0x3f00});
}

CS_TEST(rebase_runs_in_place_when_the_types_match) {
    const std::vector<float> base = random_values(600, 51);
    std::vector<float> x = random_values(2 * 600, 52);
    Elements in(CS_CHANGE_FLOAT32, x.size());
    for (size_t i = 0; i < x.size(); ++i) in.set(i, x[i]);
    const Elements expected = reference_rebase(in, base.data(), true, nullptr, 2, 600, CS_CHANGE_FLOAT32);
    CHECK_EQ(cs_rebase_cpu(x.data(), CS_CHANGE_FLOAT32, base.data(), 1, nullptr, 2, 600, CS_CHANGE_FLOAT32,
                           x.data(), 2),
             kOk);
    Elements got(CS_CHANGE_FLOAT32, x.size());
    for (size_t i = 0; i < x.size(); ++i) got.set(i, x[i]);
    CHECK(got == expected);
}

CS_TEST(rebase_rejects_invalid_arguments_and_writes_nothing) {
    const std::vector<float> in(6, 2.0f), base(3, 1.0f);
    std::vector<float> out(6, -7.0f);
    auto call = [&](const void* i, int32_t in_type, int64_t images, int64_t per_image, int32_t out_type, void* o) {
        return cs_rebase_cpu(i, in_type, base.data(), 0, base.data(), images, per_image, out_type, o, 1);
    };
    CHECK_EQ(call(in.data(), 2, 2, 3, CS_CHANGE_FLOAT32, out.data()), kInvalid);  // no such type
    CHECK_EQ(call(in.data(), CS_CHANGE_FLOAT32, 2, 3, -1, out.data()), kInvalid);
    CHECK_EQ(call(in.data(), CS_CHANGE_FLOAT32, -1, 3, CS_CHANGE_FLOAT32, out.data()), kInvalid);
    CHECK_EQ(call(in.data(), CS_CHANGE_FLOAT32, 2, -3, CS_CHANGE_FLOAT32, out.data()), kInvalid);
    CHECK_EQ(call(nullptr, CS_CHANGE_FLOAT32, 2, 3, CS_CHANGE_FLOAT32, out.data()), kInvalid);
    CHECK_EQ(call(in.data(), CS_CHANGE_FLOAT32, 2, 3, CS_CHANGE_FLOAT32, nullptr), kInvalid);
    const int64_t huge = std::numeric_limits<int64_t>::max() / 2;
    CHECK_EQ(call(in.data(), CS_CHANGE_FLOAT32, huge, 3, CS_CHANGE_FLOAT32, out.data()), kInvalid);  // overflows
    for (float v : out) CHECK_EQ(v, -7.0f);
    CHECK_EQ(call(nullptr, CS_CHANGE_FLOAT32, 0, 3, CS_CHANGE_FLOAT32, nullptr), kOk);  // nothing to do
    CHECK_EQ(call(in.data(), CS_CHANGE_FLOAT32, 2, 3, CS_CHANGE_FLOAT32, out.data()), kOk);
    for (float v : out) CHECK_EQ(v, 2.0f);  // 2 + 1 - 1
}

CS_TEST(rebase_patches_equal_a_gather_then_a_rebase) {
    // Patches at the base's corners and edges and anywhere inside; one channel and many.
    for (const auto& [channels, base_height, base_width, patch_height, patch_width] :
         {std::array<int64_t, 5>{3, 9, 11, 4, 5}, std::array<int64_t, 5>{1, 7, 7, 7, 7},
          std::array<int64_t, 5>{64, 20, 18, 6, 3}}) {
        const std::vector<cs_patch_place> places =
            random_gather_places(30, base_height, base_width, patch_height, patch_width, 71);
        const std::vector<float> base = random_values(static_cast<size_t>(base_height * base_width * channels), 72);
        for (int32_t in_type : kTypes) {
            const Elements in = random_elements(
                in_type, places.size() * static_cast<size_t>(patch_height * patch_width * channels), 73);
            for (int32_t out_type : kTypes) {
                for (const bool relu : {false, true}) {
                    const Elements expected = gathered_then_rebased(in, base, channels, base_height, base_width,
                                                                    places, patch_height, patch_width, relu,
                                                                    out_type);
                    CHECK_EQ(expected.size(), in.size());
                    for (int32_t threads : {1, 2, 0}) {
                        Elements out(out_type, in.size(), 0xff);
                        CHECK_EQ(cs_rebase_patches_cpu(in.data(), in_type, base.data(), channels, base_height,
                                                       base_width, places.data(), static_cast<int64_t>(places.size()),
                                                       patch_height, patch_width, relu, out_type, out.data(), threads),
                                 kOk);
                        CHECK(out == expected);
                    }
                }
            }
        }
    }
}

CS_TEST(rebase_patches_reject_patches_past_the_base_and_write_nothing) {
    const std::vector<float> in(2 * 2 * 2, 1.0f), base(2 * 3 * 3, 1.0f);
    std::vector<float> out(in.size(), -7.0f);
    const cs_patch_place inside = {1, 1, 0, 0, 0, 0, 0, 0}, below = {2, 1, 0, 0, 0, 0, 0, 0},
                         left = {0, -1, 0, 0, 0, 0, 0, 0};
    auto call = [&](const cs_patch_place* at, int32_t type, const float* b) {
        return cs_rebase_patches_cpu(in.data(), CS_CHANGE_FLOAT32, b, 2, 3, 3, at, 1, 2, 2, 0, type, out.data(), 1);
    };
    CHECK_EQ(call(&below, CS_CHANGE_FLOAT32, base.data()), kInvalid);
    CHECK_EQ(call(&left, CS_CHANGE_FLOAT32, base.data()), kInvalid);
    CHECK_EQ(call(&inside, 3, base.data()), kInvalid);
    CHECK_EQ(call(&inside, CS_CHANGE_FLOAT32, nullptr), kInvalid);
    for (float v : out) CHECK_EQ(v, -7.0f);
    CHECK_EQ(call(&inside, CS_CHANGE_FLOAT32, base.data()), kOk);
    for (float v : out) CHECK_EQ(v, 2.0f);
    CHECK_EQ(cs_rebase_patches_cpu(nullptr, CS_CHANGE_FLOAT32, nullptr, 2, 3, 3, nullptr, 0, 2, 2, 0,
                                   CS_CHANGE_FLOAT32, nullptr, 1),
             kOk);  // no patches: nothing to do
}

CS_TEST(cuda_twin_exists_in_every_build) {
    if (cs_cuda_device_count() != 0) {
        std::printf("a CUDA device is present: test_rebase_cuda covers the twin\n");
        return;
    }
    // Nothing can run: the stub, or a CUDA build without a device, says so without launching or writing.
    const float one = 1.0f;
    float out = -7.0f;
    CHECK_EQ(cs_rebase_cuda(&one, CS_CHANGE_FLOAT32, &one, 0, nullptr, 1, 1, CS_CHANGE_FLOAT32, &out, nullptr),
             static_cast<int>(CS_CUDA_UNAVAILABLE));
    const cs_patch_place p = {0, 0, 0, 0, 0, 0, 0, 0};
    CHECK_EQ(cs_rebase_patches_cuda(&one, CS_CHANGE_FLOAT32, &one, 1, 1, 1, &p, 1, 1, 1, 0, CS_CHANGE_FLOAT32, &out,
                                    nullptr),
             static_cast<int>(CS_CUDA_UNAVAILABLE));
    CHECK_EQ(out, -7.0f);
    if (cs_cuda_compiled()) {
        CHECK_EQ(cs_rebase_patches_cuda(&one, CS_CHANGE_FLOAT32, nullptr, 1, 1, 1, &p, 1, 1, 1, 0, CS_CHANGE_FLOAT32,
                                        &out, nullptr),
                 kInvalid);
        // Argument checks come first, in the CUDA build as in the CPU kernel.
        CHECK_EQ(cs_rebase_cuda(&one, 5, &one, 0, nullptr, 1, 1, CS_CHANGE_FLOAT32, &out, nullptr), kInvalid);
        CHECK_EQ(cs_rebase_cuda(nullptr, CS_CHANGE_FLOAT32, nullptr, 0, nullptr, 0, 0, CS_CHANGE_FLOAT32, nullptr,
                                nullptr),
                 kOk);
    }
}

int main() { return convscope::test::run_all("rebase_cpu"); }
