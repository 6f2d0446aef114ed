#include "grid.h"

#include <stdexcept>
#include <string>

#include "convscope/grid.h"
#include "errors.h"

namespace convscope::bench {

namespace {

// The shared placement (convscope/grid.h); make_grid has checked the sizes already.
std::vector<int32_t> grid_offsets(int64_t size, int64_t w, int64_t s) {
    int64_t count = 0;
    if (cs_window_offsets(CS_PLACEMENT_GRID, size, w, s, nullptr, 0, &count) != CS_OK) {
        throw std::logic_error("window placement refused checked sizes");
    }
    std::vector<int32_t> out(static_cast<size_t>(count));
    cs_window_offsets(CS_PLACEMENT_GRID, size, w, s, out.data(), count, &count);
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
