// The occlusion result computed the obvious way, one output element at a time, straight from the
// definition in convscope/occlusion.h; plus deterministic inputs shared by the CPU and CUDA tests.
#ifndef CONVSCOPE_TEST_OCCLUSION_REFERENCE_H
#define CONVSCOPE_TEST_OCCLUSION_REFERENCE_H

#include <cstdint>
#include <random>
#include <vector>

#include "convscope/occlusion.h"

namespace convscope::test {

struct Shape {
    int64_t channels, height, width;
    int64_t plane() const { return height * width; }
    int64_t size() const { return channels * height * width; }
};

inline std::vector<float> reference_occlusion(const std::vector<float>& image, Shape s,
                                              const std::vector<cs_window>& windows,
                                              const std::vector<float>& fill) {
    std::vector<float> out(windows.size() * static_cast<size_t>(s.size()));
    size_t i = 0;
    for (const cs_window& w : windows) {
        for (int64_t c = 0; c < s.channels; ++c) {
            for (int64_t y = 0; y < s.height; ++y) {
                for (int64_t x = 0; x < s.width; ++x, ++i) {
                    const bool inside = y >= w.top && y < int64_t{w.top} + w.height &&  //
                                        x >= w.left && x < int64_t{w.left} + w.width;
                    out[i] = inside ? fill[static_cast<size_t>(c)]
                                    : image[static_cast<size_t>((c * s.height + y) * s.width + x)];
                }
            }
        }
    }
    return out;
}

// Pixel values that tell every element apart (flat index + 0.5, exact in float) and are never a fill.
inline std::vector<float> numbered_image(Shape s) {
    std::vector<float> image(static_cast<size_t>(s.size()));
    for (size_t i = 0; i < image.size(); ++i) image[i] = static_cast<float>(i) + 0.5f;
    return image;
}

inline std::vector<float> random_image(Shape s, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
    std::vector<float> image(static_cast<size_t>(s.size()));
    for (float& v : image) v = dist(rng);
    return image;
}

// Captum's sliding windows on one axis: positions 0, stride, ... ceil((size - window) / stride) + 1 of
// them, the last one reaching past the edge when the stride does not divide evenly.
inline std::vector<int32_t> captum_positions(int32_t size, int32_t window, int32_t stride) {
    const int32_t count = (size - window + stride - 1) / stride + 1;
    std::vector<int32_t> positions;
    for (int32_t i = 0; i < count; ++i) positions.push_back(i * stride);
    return positions;
}

inline std::vector<cs_window> captum_windows(Shape s, int32_t wh, int32_t ww, int32_t sh, int32_t sw) {
    std::vector<cs_window> windows;
    for (int32_t top : captum_positions(static_cast<int32_t>(s.height), wh, sh))
        for (int32_t left : captum_positions(static_cast<int32_t>(s.width), ww, sw))
            windows.push_back({top, left, wh, ww});
    return windows;
}

// Windows of random size and place, many of them partly or wholly outside the image.
inline std::vector<cs_window> random_windows(Shape s, int count, uint32_t seed) {
    std::mt19937 rng(seed);
    const auto h = static_cast<int32_t>(s.height), w = static_cast<int32_t>(s.width);
    std::uniform_int_distribution<int32_t> top(-h / 2, h + 2), left(-w / 2, w + 2);
    std::uniform_int_distribution<int32_t> height(1, h + 3), width(1, w + 3);
    std::vector<cs_window> windows;
    for (int i = 0; i < count; ++i) windows.push_back({top(rng), left(rng), height(rng), width(rng)});
    return windows;
}

}  // namespace convscope::test

#endif
