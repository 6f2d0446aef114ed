// Specification of cs_rebase_cuda and cs_rebase_patches_cuda (convscope/rebase.h): each returns what its CPU
// twin returns, bit for bit, for every combination of element types and steps, for more images or patches than
// one grid column holds, for images or patches larger than one grid row of blocks covers; cs_rebase_cuda also in
// place, on a stream of its own and on edge values. test_rebase_cpu pins the CPU kernels themselves. On a machine
// without a CUDA device it reports SKIPPED and exits 77, which CTest counts as skipped.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>
#include <vector>

#include "check.h"
#include "convscope/rebase.h"
#include "device_buffer.h"
#include "rebase_reference.h"

using convscope::test::DeviceBuffer;
using convscope::test::Elements;
using convscope::test::random_elements;
using convscope::test::random_gather_places;
using convscope::test::random_values;

namespace {

constexpr int kOk = CS_OK;
constexpr int32_t kTypes[] = {CS_CHANGE_FLOAT32, CS_CHANGE_BFLOAT16};

Elements on_cpu(const Elements& in, const float* add, bool relu, const float* subtract, int64_t images,
                int64_t per_image, int32_t out_type) {
    Elements out(out_type, in.size(), 0xff);
    CHECK_EQ(cs_rebase_cpu(in.data(), in.type, add, relu, subtract, images, per_image, out_type, out.data(), 0), kOk);
    return out;
}

// The device output starts as 0xff bytes (a NaN in both types), so an element the kernel misses shows.
void expect_like_cpu(int64_t images, int64_t per_image, uint32_t seed, cudaStream_t stream = nullptr) {
    const std::vector<float> add = random_values(static_cast<size_t>(per_image), seed + 1);
    const std::vector<float> subtract = random_values(static_cast<size_t>(per_image), seed + 2);
    DeviceBuffer<float> d_add(add), d_subtract(subtract);
    for (int32_t in_type : kTypes) {
        const Elements in = random_elements(in_type, static_cast<size_t>(images * per_image), seed);
        DeviceBuffer<unsigned char> d_in(in.bytes);
        for (int32_t out_type : kTypes) {
            for (int steps = 0; steps < 8; ++steps) {
                const bool relu = (steps & 2) != 0;
                const float* a = (steps & 4) ? add.data() : nullptr;
                const float* s = (steps & 1) ? subtract.data() : nullptr;
                const Elements expected = on_cpu(in, a, relu, s, images, per_image, out_type);
                Elements got(out_type, in.size(), 0xff);
                DeviceBuffer<unsigned char> d_out(got.bytes);
                CHECK_EQ(cs_rebase_cuda(d_in.ptr, in_type, a ? d_add.ptr : nullptr, relu, s ? d_subtract.ptr : nullptr,
                                        images, per_image, out_type, d_out.ptr, stream),
                         kOk);
                CUDA_CHECK(cudaStreamSynchronize(stream));
                got.bytes = d_out.to_host();
                if (!(got == expected)) {
                    std::fprintf(stderr, "in %d out %d steps %d images %lld x %lld\n", in_type, out_type, steps,
                                 static_cast<long long>(images), static_cast<long long>(per_image));
                    CHECK(false);
                }
            }
        }
    }
}

}  // namespace

CS_TEST(rebase_on_the_gpu_equals_the_cpu_for_every_type_and_step) {
    expect_like_cpu(3, 20000, 11);
    expect_like_cpu(1, 1, 21);
}

CS_TEST(rebase_on_the_gpu_rounds_and_keeps_edge_values_as_the_cpu_does) {
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    // Ties to even both ways after adding 1, ReLU's edges (-0, a NaN, -inf), infinities, and subnormal inputs
    // and results.
    const std::vector<float> values = {0.00390625f, 0.01171875f, -0.5f, -0.0f, nan, -inf, inf,
                                       std::ldexp(3.0f, -130), -std::ldexp(1.0f, -140), 1e-45f, -3.0f, 2.5f};
    const auto count = static_cast<int64_t>(values.size());
    const std::vector<float> ones(values.size(), 1.0f), tiny(values.size(), std::ldexp(1.0f, -135));
    DeviceBuffer<float> d_ones(ones), d_tiny(tiny);
    Elements in(CS_CHANGE_FLOAT32, values.size());
    for (size_t i = 0; i < values.size(); ++i) in.set(i, values[i]);
    DeviceBuffer<unsigned char> d_in(in.bytes);
    for (int32_t out_type : kTypes) {
        for (const bool relu : {false, true}) {
            for (const auto& [add, d_add] : {std::pair{ones.data(), d_ones.ptr}, std::pair{tiny.data(), d_tiny.ptr}}) {
                const Elements expected = on_cpu(in, add, relu, tiny.data(), 1, count, out_type);
                Elements got(out_type, in.size(), 0xff);
                DeviceBuffer<unsigned char> d_out(got.bytes);
                CHECK_EQ(cs_rebase_cuda(d_in.ptr, CS_CHANGE_FLOAT32, d_add, relu, d_tiny.ptr, 1, count, out_type,
                                        d_out.ptr, nullptr),
                         kOk);
                CUDA_CHECK(cudaDeviceSynchronize());
                got.bytes = d_out.to_host();
                CHECK(got == expected);
            }
        }
    }
}

CS_TEST(rebase_on_the_gpu_covers_more_images_than_a_grid_column) {
    expect_like_cpu(70000, 3, 31);  // gridDim.y stops at 65535: the image loop strides
}

CS_TEST(rebase_on_the_gpu_covers_images_larger_than_a_grid_row) {
    expect_like_cpu(2, 300000, 41);  // 1024 blocks of 256 threads cover 262144 elements: the x loop strides
}

CS_TEST(rebase_on_the_gpu_runs_in_place_and_on_a_stream) {
    cudaStream_t stream;
    CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    expect_like_cpu(4, 999, 51, stream);
    const Elements in = random_elements(CS_CHANGE_FLOAT32, 4 * 999, 61);
    const std::vector<float> add = random_values(999, 62);
    const Elements expected = on_cpu(in, add.data(), true, nullptr, 4, 999, CS_CHANGE_FLOAT32);
    DeviceBuffer<unsigned char> d_x(in.bytes);
    DeviceBuffer<float> d_add(add);
    CHECK_EQ(cs_rebase_cuda(d_x.ptr, CS_CHANGE_FLOAT32, d_add.ptr, 1, nullptr, 4, 999, CS_CHANGE_FLOAT32, d_x.ptr,
                            stream),
             kOk);
    CUDA_CHECK(cudaStreamSynchronize(stream));
    Elements got(CS_CHANGE_FLOAT32, in.size());
    got.bytes = d_x.to_host();
    CHECK(got == expected);
    CUDA_CHECK(cudaStreamDestroy(stream));
}

namespace {

// The CUDA patches against the CPU ones on the same random patches; the device output starts as 0xff bytes.
void expect_patches_like_cpu(int64_t channels, int64_t base_height, int64_t base_width, int64_t patch_height,
                             int64_t patch_width, int count, uint32_t seed) {
    const std::vector<cs_patch_place> places =
        random_gather_places(count, base_height, base_width, patch_height, patch_width, seed);
    const std::vector<float> base = random_values(static_cast<size_t>(base_height * base_width * channels), seed + 1);
    DeviceBuffer<float> d_base(base);
    DeviceBuffer<cs_patch_place> d_places(places);
    for (int32_t in_type : kTypes) {
        const Elements in =
            random_elements(in_type, places.size() * static_cast<size_t>(patch_height * patch_width * channels),
                            seed + 2);
        DeviceBuffer<unsigned char> d_in(in.bytes);
        for (int32_t out_type : kTypes) {
            for (const bool relu : {false, true}) {
                Elements expected(out_type, in.size(), 0xff);
                CHECK_EQ(cs_rebase_patches_cpu(in.data(), in_type, base.data(), channels, base_height, base_width,
                                               places.data(), count, patch_height, patch_width, relu, out_type,
                                               expected.data(), 0),
                         kOk);
                Elements got(out_type, in.size(), 0xff);
                DeviceBuffer<unsigned char> d_out(got.bytes);
                CHECK_EQ(cs_rebase_patches_cuda(d_in.ptr, in_type, d_base.ptr, channels, base_height, base_width,
                                                d_places.ptr, count, patch_height, patch_width, relu, out_type,
                                                d_out.ptr, nullptr),
                         kOk);
                CUDA_CHECK(cudaDeviceSynchronize());
                got.bytes = d_out.to_host();
                CHECK(got == expected);
            }
        }
    }
}

}  // namespace

CS_TEST(rebase_patches_on_the_gpu_equal_the_cpu) {
    expect_patches_like_cpu(3, 9, 11, 4, 5, 40, 81);
    expect_patches_like_cpu(64, 20, 18, 6, 3, 30, 82);
    expect_patches_like_cpu(1, 3, 3, 1, 1, 70000, 83);      // more patches than a grid column
    expect_patches_like_cpu(4, 400, 400, 300, 300, 2, 84);  // 360,000 floats: past 1024 blocks of 256 threads
}

int main() { return convscope::test::run_all_on_a_device("rebase_cuda"); }
