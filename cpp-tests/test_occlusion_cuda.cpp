// Specification of cs_occlude_batch_cuda: the same results as the CPU twin, bit for bit, on the GPU.
// Built whenever CUDA is compiled in; on a machine without a CUDA device it reports SKIPPED and exits 77,
// which CTest counts as skipped (SKIP_RETURN_CODE), not passed.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "check.h"
#include "device_buffer.h"
#include "convscope/occlusion.h"
#include "occlusion_reference.h"

using convscope::test::captum_windows;
using convscope::test::numbered_image;
using convscope::test::random_image;
using convscope::test::random_windows;
using convscope::test::reference_occlusion;
using convscope::test::DeviceBuffer;
using convscope::test::Shape;

namespace {


std::vector<float> occlude_on_gpu(const std::vector<float>& image, Shape s, const std::vector<cs_window>& windows,
                                  const std::vector<float>& fill, cudaStream_t stream = nullptr) {
    DeviceBuffer<float> d_image(image), d_fill(fill);
    DeviceBuffer<cs_window> d_windows(windows);
    DeviceBuffer<float> d_out(windows.size() * static_cast<size_t>(s.size()));
    CUDA_CHECK(cudaMemset(d_out.ptr, 0xff, d_out.count * sizeof(float)));  // NaN: unwritten shows
    const int status = cs_occlude_batch_cuda(d_image.ptr, s.channels, s.height, s.width, d_windows.ptr,
                                             static_cast<int64_t>(windows.size()), d_fill.ptr, d_out.ptr, stream);
    CHECK_EQ(status, static_cast<int>(CS_OK));
    CUDA_CHECK(cudaStreamSynchronize(stream));
    return d_out.to_host();
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

void expect_like_reference(const std::vector<float>& image, Shape s, const std::vector<cs_window>& windows,
                           const std::vector<float>& fill) {
    CHECK(same_bits(occlude_on_gpu(image, s, windows, fill), reference_occlusion(image, s, windows, fill)));
}

}  // namespace

CS_TEST(fills_inside_copies_outside_with_per_channel_fill) {
    const Shape s{3, 5, 6};
    expect_like_reference(numbered_image(s), s, {{1, 2, 2, 3}, {0, 0, 5, 1}, {4, 5, 1, 1}}, {0.485f, 0.456f, 0.406f});
}

CS_TEST(windows_past_the_edge_are_clipped) {
    const Shape s{2, 5, 6};
    expect_like_reference(numbered_image(s), s, {{3, 4, 4, 4}, {-2, -1, 3, 3}, {-10, -10, 100, 100}, {5, 0, 2, 2}},
                          {-1.0f, -2.0f});
}

CS_TEST(captum_grid_on_an_imagenet_sized_image) {
    const Shape s{3, 224, 224};
    expect_like_reference(random_image(s, 7), s, captum_windows(s, 50, 50, 10, 10), {0.1f, 0.2f, 0.3f});
}

CS_TEST(matches_the_reference_on_random_images_and_windows) {
    const Shape shapes[] = {{3, 31, 17}, {1, 1, 1}, {4, 64, 3}, {2, 9, 100}, {1, 300, 301}};
    uint32_t seed = 1;
    for (const Shape& s : shapes) {
        std::vector<float> fill;
        for (int64_t c = 0; c < s.channels; ++c) fill.push_back(-10.0f - static_cast<float>(c));
        expect_like_reference(random_image(s, seed), s, random_windows(s, 300, seed + 100), fill);
        ++seed;
    }
}

CS_TEST(more_planes_than_one_grid_row_holds) {
    const Shape s{3, 8, 8};  // 30000 windows x 3 channels = 90000 planes > gridDim.y's 65535
    std::vector<cs_window> windows = random_windows(s, 30000, 5);
    expect_like_reference(random_image(s, 5), s, windows, {1.0f, 2.0f, 3.0f});
}

CS_TEST(runs_on_the_given_stream) {
    const Shape s{3, 40, 50};
    cudaStream_t stream = nullptr;
    CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    const std::vector<float> image = random_image(s, 3);
    const std::vector<cs_window> windows = random_windows(s, 20, 3);
    CHECK(same_bits(occlude_on_gpu(image, s, windows, {0, 0, 0}, stream),
                    reference_occlusion(image, s, windows, {0, 0, 0})));
    CUDA_CHECK(cudaStreamDestroy(stream));
}

CS_TEST(invalid_arguments_are_rejected_before_launch) {
    DeviceBuffer<float> buf(64);
    DeviceBuffer<cs_window> win(std::vector<cs_window>{{0, 0, 1, 1}});
    CHECK_EQ(cs_occlude_batch_cuda(nullptr, 1, 2, 2, win.ptr, 1, buf.ptr, buf.ptr, nullptr),
             static_cast<int>(CS_INVALID_ARGUMENT));
    CHECK_EQ(cs_occlude_batch_cuda(buf.ptr, 1, 0, 2, win.ptr, 1, buf.ptr, buf.ptr, nullptr),
             static_cast<int>(CS_INVALID_ARGUMENT));
    CHECK_EQ(cs_occlude_batch_cuda(buf.ptr, 1, 2, 2, nullptr, 1, buf.ptr, buf.ptr, nullptr),
             static_cast<int>(CS_INVALID_ARGUMENT));
    CHECK_EQ(cs_occlude_batch_cuda(nullptr, 1, 2, 2, nullptr, 0, nullptr, nullptr, nullptr),
             static_cast<int>(CS_OK));
}

CS_TEST(an_empty_window_fills_nothing) {
    // Device windows are not validated (see the header); a non-positive size must still be harmless.
    const Shape s{1, 3, 3};
    const std::vector<float> image = numbered_image(s);
    CHECK(same_bits(occlude_on_gpu(image, s, {{1, 1, 0, 2}, {1, 1, 2, -1}}, {9.0f}),
                    reference_occlusion(image, s, {{1, 1, 0, 2}, {1, 1, 2, -1}}, {9.0f})));
}

int main() { return convscope::test::run_all_on_a_device("occlusion_cuda"); }
