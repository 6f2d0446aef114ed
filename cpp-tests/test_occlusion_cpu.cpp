// Specification of cs_occlude_batch_cpu (convscope/occlusion.h), case by case.
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "check.h"
#include "convscope/build_config.h"
#include "convscope/occlusion.h"
#include "occlusion_reference.h"

using convscope::test::captum_windows;
using convscope::test::numbered_image;
using convscope::test::random_image;
using convscope::test::random_windows;
using convscope::test::reference_occlusion;
using convscope::test::Shape;

namespace {

std::vector<float> occlude(const std::vector<float>& image, Shape s, const std::vector<cs_window>& windows,
                           const std::vector<float>& fill, int32_t threads = 1) {
    std::vector<float> out(windows.size() * static_cast<size_t>(s.size()), -12345.0f);
    const int status = cs_occlude_batch_cpu(image.data(), s.channels, s.height, s.width, windows.data(),
                                            static_cast<int64_t>(windows.size()), fill.data(), out.data(),
                                            threads);
    CHECK_EQ(status, static_cast<int>(CS_OK));
    return out;
}

float at(const std::vector<float>& batch, Shape s, int64_t k, int64_t c, int64_t y, int64_t x) {
    return batch[static_cast<size_t>(((k * s.channels + c) * s.height + y) * s.width + x)];
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

CS_TEST(copies_the_image_outside_the_window_and_fills_inside) {
    const Shape s{1, 4, 5};
    const std::vector<float> image = numbered_image(s);
    const std::vector<float> out = occlude(image, s, {{1, 2, 2, 2}}, {-1.0f});
    for (int64_t y = 0; y < 4; ++y) {
        for (int64_t x = 0; x < 5; ++x) {
            const bool inside = y >= 1 && y < 3 && x >= 2 && x < 4;
            CHECK_EQ(at(out, s, 0, 0, y, x), inside ? -1.0f : image[static_cast<size_t>(y * 5 + x)]);
        }
    }
}

CS_TEST(each_window_gets_its_own_copy) {
    const Shape s{2, 3, 3};
    const std::vector<float> image = numbered_image(s);
    const std::vector<cs_window> windows{{0, 0, 1, 1}, {2, 2, 1, 1}, {1, 1, 1, 1}};
    const std::vector<float> out = occlude(image, s, windows, {7.0f, 8.0f});
    CHECK(same_bits(out, reference_occlusion(image, s, windows, {7.0f, 8.0f})));
    CHECK_EQ(at(out, s, 0, 1, 0, 0), 8.0f);
    CHECK_EQ(at(out, s, 1, 0, 2, 2), 7.0f);
    CHECK_EQ(at(out, s, 1, 0, 0, 0), image[0]);  // window 0's fill does not leak into copy 1
    CHECK_EQ(at(out, s, 2, 1, 1, 1), 8.0f);
}

CS_TEST(window_touching_the_bottom_right_corner) {
    const Shape s{1, 6, 7};
    const std::vector<float> image = numbered_image(s);
    const std::vector<cs_window> windows{{4, 5, 2, 2}};
    const std::vector<float> out = occlude(image, s, windows, {0.0f});
    CHECK_EQ(at(out, s, 0, 0, 5, 6), 0.0f);
    CHECK_EQ(at(out, s, 0, 0, 4, 5), 0.0f);
    CHECK_EQ(at(out, s, 0, 0, 3, 6), image[3 * 7 + 6]);
    CHECK_EQ(at(out, s, 0, 0, 5, 4), image[5 * 7 + 4]);
    CHECK(same_bits(out, reference_occlusion(image, s, windows, {0.0f})));
}

CS_TEST(windows_past_the_edge_are_clipped) {
    const Shape s{2, 5, 6};
    const std::vector<float> image = numbered_image(s);
    const std::vector<cs_window> windows{
        {3, 4, 4, 4},     // Captum's last window: past the bottom and the right
        {-2, -1, 3, 3},   // past the top and the left
        {-10, -10, 100, 100},  // covers everything
        {5, 0, 2, 2},     // wholly below: a plain copy
        {0, 6, 5, 1},     // wholly right: a plain copy
        {std::numeric_limits<int32_t>::max() - 1, 0, std::numeric_limits<int32_t>::max(), 1},  // no overflow
    };
    const std::vector<float> fill{-1.0f, -2.0f};
    const std::vector<float> out = occlude(image, s, windows, fill);
    CHECK(same_bits(out, reference_occlusion(image, s, windows, fill)));
    CHECK_EQ(at(out, s, 0, 1, 4, 5), -2.0f);
    CHECK_EQ(at(out, s, 0, 1, 2, 5), image[30 + 2 * 6 + 5]);
    CHECK_EQ(at(out, s, 1, 0, 0, 1), -1.0f);
    CHECK_EQ(at(out, s, 1, 0, 0, 2), image[2]);
    for (int64_t i = 0; i < s.size(); ++i) {
        CHECK_EQ(out[static_cast<size_t>(2 * s.size() + i)], i < s.plane() ? -1.0f : -2.0f);
        CHECK_EQ(out[static_cast<size_t>(3 * s.size() + i)], image[static_cast<size_t>(i)]);
        CHECK_EQ(out[static_cast<size_t>(4 * s.size() + i)], image[static_cast<size_t>(i)]);
        CHECK_EQ(out[static_cast<size_t>(5 * s.size() + i)], image[static_cast<size_t>(i)]);
    }
}

CS_TEST(rectangular_windows_cover_rows_and_columns) {
    const Shape s{1, 4, 8};
    const std::vector<float> image = numbered_image(s);
    const std::vector<cs_window> windows{{2, 0, 1, 8}, {0, 3, 4, 1}, {1, 2, 2, 5}};
    const std::vector<float> out = occlude(image, s, windows, {9.0f});
    for (int64_t x = 0; x < 8; ++x) CHECK_EQ(at(out, s, 0, 0, 2, x), 9.0f);
    for (int64_t y = 0; y < 4; ++y) CHECK_EQ(at(out, s, 1, 0, y, 3), 9.0f);
    CHECK_EQ(at(out, s, 1, 0, 0, 4), image[4]);
    CHECK(same_bits(out, reference_occlusion(image, s, windows, {9.0f})));
}

CS_TEST(each_channel_gets_its_own_fill) {
    const Shape s{3, 5, 6};
    const std::vector<float> image = numbered_image(s);
    const std::vector<float> fill{0.485f, 0.456f, 0.406f};
    const std::vector<float> out = occlude(image, s, {{1, 1, 2, 3}}, fill);
    for (int64_t c = 0; c < 3; ++c) {
        CHECK_EQ(at(out, s, 0, c, 1, 1), fill[static_cast<size_t>(c)]);
        CHECK_EQ(at(out, s, 0, c, 2, 3), fill[static_cast<size_t>(c)]);
        CHECK_EQ(at(out, s, 0, c, 0, 0), image[static_cast<size_t>(c * 30)]);
    }
}

CS_TEST(result_does_not_depend_on_the_thread_count) {
    const Shape s{3, 224, 224};
    const std::vector<float> image = random_image(s, 7);
    const std::vector<cs_window> windows = captum_windows(s, 50, 50, 40, 40);  // 36 windows, edges clipped
    const std::vector<float> fill{0.1f, 0.2f, 0.3f};
    const std::vector<float> one = occlude(image, s, windows, fill, 1);
    for (int32_t threads : {2, 3, 7, 64, 0, -1}) {
        CHECK(same_bits(one, occlude(image, s, windows, fill, threads)));
    }
    CHECK(same_bits(one, reference_occlusion(image, s, windows, fill)));
}

CS_TEST(matches_the_reference_on_random_images_and_windows) {
    const Shape shapes[] = {{3, 31, 17}, {1, 1, 1}, {4, 64, 3}, {2, 9, 100}};
    uint32_t seed = 1;
    for (const Shape& s : shapes) {
        const std::vector<float> image = random_image(s, seed);
        const std::vector<cs_window> windows = random_windows(s, 300, seed + 100);
        std::vector<float> fill;
        for (int64_t c = 0; c < s.channels; ++c) fill.push_back(-10.0f - static_cast<float>(c));
        const std::vector<float> expected = reference_occlusion(image, s, windows, fill);
        CHECK(same_bits(occlude(image, s, windows, fill, 1), expected));
        CHECK(same_bits(occlude(image, s, windows, fill, 4), expected));
        ++seed;
    }
}

CS_TEST(no_windows_is_a_no_op) {
    CHECK_EQ(cs_occlude_batch_cpu(nullptr, 3, 5, 6, nullptr, 0, nullptr, nullptr, 0), static_cast<int>(CS_OK));
}

CS_TEST(invalid_arguments_are_rejected_and_nothing_is_written) {
    const Shape s{2, 3, 4};
    const std::vector<float> image = numbered_image(s);
    const std::vector<float> fill{1.0f, 2.0f};
    const cs_window good{0, 0, 1, 1};
    const int64_t huge = int64_t{1} << 40;
    struct Call {
        const char* what;
        const float* image;
        int64_t c, h, w;
        std::vector<cs_window> windows;
        const float* fill;
        bool null_out;
    };
    const std::vector<Call> calls{
        {"null image", nullptr, 2, 3, 4, {good}, fill.data(), false},
        {"null fill", image.data(), 2, 3, 4, {good}, nullptr, false},
        {"null out", image.data(), 2, 3, 4, {good}, fill.data(), true},
        {"zero channels", image.data(), 0, 3, 4, {good}, fill.data(), false},
        {"negative height", image.data(), 2, -3, 4, {good}, fill.data(), false},
        {"zero width", image.data(), 2, 3, 0, {good}, fill.data(), false},
        {"zero-height window", image.data(), 2, 3, 4, {good, {0, 0, 0, 2}}, fill.data(), false},
        {"negative-width window", image.data(), 2, 3, 4, {good, {1, 1, 2, -1}}, fill.data(), false},
        {"overflowing batch", image.data(), huge, huge, 4, {good}, fill.data(), false},
    };
    for (const Call& call : calls) {
        std::vector<float> out(2 * static_cast<size_t>(s.size()), -7.0f);
        const int status = cs_occlude_batch_cpu(call.image, call.c, call.h, call.w, call.windows.data(),
                                                static_cast<int64_t>(call.windows.size()), call.fill,
                                                call.null_out ? nullptr : out.data(), 0);
        if (status != CS_INVALID_ARGUMENT) std::fprintf(stderr, "case: %s\n", call.what);
        CHECK_EQ(status, static_cast<int>(CS_INVALID_ARGUMENT));
        CHECK(same_bits(out, std::vector<float>(out.size(), -7.0f)));
    }
    std::vector<float> out(static_cast<size_t>(s.size()), -7.0f);
    CHECK_EQ(cs_occlude_batch_cpu(image.data(), 2, 3, 4, nullptr, 1, fill.data(), out.data(), 0),
             static_cast<int>(CS_INVALID_ARGUMENT));
    CHECK_EQ(cs_occlude_batch_cpu(image.data(), 2, 3, 4, &good, -1, fill.data(), out.data(), 0),
             static_cast<int>(CS_INVALID_ARGUMENT));
}

CS_TEST(every_status_has_a_message) {
    for (int status : {0, 1, 2, 3, -1, 99}) CHECK(cs_status_message(status) != nullptr);
    CHECK_EQ(std::string(cs_status_message(CS_OK)), std::string("ok"));
    CHECK(std::string(cs_status_message(CS_INVALID_ARGUMENT)).rfind("invalid argument", 0) == 0);
    CHECK(std::string(cs_status_message(CS_CUDA_UNAVAILABLE)).find("CUDA") != std::string::npos);
}

CS_TEST(cuda_entry_points_exist_in_every_build) {
    CHECK_EQ(cs_cuda_compiled(), CONVSCOPE_HAVE_CUDA);
    const int devices = cs_cuda_device_count();  // must not abort, driver or not
    CHECK(devices >= 0);
    if (!cs_cuda_compiled()) CHECK_EQ(devices, 0);
    if (devices == 0) {
        // Nothing can run: the stub, or a CUDA build without driver/device, must say so without launching
        // (so host pointers are safe here) and without writing.
        float out = -7.0f;
        const cs_window w{0, 0, 1, 1};
        const float one = 1.0f;
        CHECK_EQ(cs_occlude_batch_cuda(&one, 1, 1, 1, &w, 1, &one, &out, nullptr),
                 static_cast<int>(CS_CUDA_UNAVAILABLE));
        CHECK_EQ(out, -7.0f);
    }
    std::printf("CUDA compiled: %d, devices: %d\n", cs_cuda_compiled(), devices);
}

int main() { return convscope::test::run_all("occlusion_cpu"); }
