#include "grid.h"

#include <string>

#include "errors.h"

namespace convscope::bench {

namespace {

// Offsets along an axis of `size` pixels for windows of `w` pixels, `s` apart: 0, s, 2s, ... while the window
// fits, plus size - w when the last step stops short of the far edge.
std::vector<int32_t> grid_offsets(int64_t size, int64_t w, int64_t s) {
    std::vector<int32_t> out;
    for (int64_t p = 0; p + w <= size; p += s) out.push_back(static_cast<int32_t>(p));
    if (out.back() + w < size) out.push_back(static_cast<int32_t>(size - w));
    return out;
}

}  // namespace

WindowGrid make_grid(int64_t height, int64_t width, Size2 window, Size2 stride) {
    if (window.height <= 0 || window.width <= 0 || stride.height <= 0 || stride.width <= 0) {
        throw UsageError("window and stride must be at least 1 pixel, got window " + to_string(window) +
                         " and stride " + to_string(stride));
    }
    // A stride past the window leaves gaps, except along an axis the window spans whole (one position).
    if ((stride.height > window.height && window.height < height) ||
        (stride.width > window.width && window.width < width)) {
        throw UsageError("stride " + to_string(stride) + " is larger than window " + to_string(window) +
                         ", which would leave pixels never occluded; use a stride of at most the window");
    }
    if (window.height > height || window.width > width) {
        throw UsageError("window " + to_string(window) + " is larger than the " + std::to_string(height) + "x" +
                         std::to_string(width) + " input; use a window of at most " + std::to_string(height) +
                         "x" + std::to_string(width));
    }
    WindowGrid g;
    g.height = height;
    g.width = width;
    g.tops = grid_offsets(height, window.height, stride.height);
    g.lefts = grid_offsets(width, window.width, stride.width);
    for (int32_t top : g.tops) {
        for (int32_t left : g.lefts) {
            g.windows.push_back({top, left, static_cast<int32_t>(window.height), static_cast<int32_t>(window.width)});
        }
    }
    return g;
}

}  // namespace convscope::bench
