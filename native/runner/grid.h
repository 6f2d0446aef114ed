// The window grid of the `grid` method (DESIGN.md §4): windows at 0, s, 2s, ... while they fit, plus one flush
// with the far edge when the steps miss it, in row-major order (window k = i * cols + j).
#ifndef CONVSCOPE_RUNNER_GRID_H
#define CONVSCOPE_RUNNER_GRID_H

#include <cstdint>
#include <vector>

#include "convscope/occlusion.h"
#include "options.h"

namespace convscope::bench {

struct WindowGrid {
    int64_t height = 0;              // the input's size
    int64_t width = 0;
    std::vector<int32_t> tops;
    std::vector<int32_t> lefts;
    std::vector<cs_window> windows;  // k = i * cols + j: the order windows are evaluated and stored in

    int64_t rows() const { return static_cast<int64_t>(tops.size()); }
    int64_t cols() const { return static_cast<int64_t>(lefts.size()); }
    int64_t count() const { return static_cast<int64_t>(windows.size()); }
};

// The grid over a height x width input; throws UsageError for sizes that cannot make one.
WindowGrid make_grid(int64_t height, int64_t width, Size2 window, Size2 stride);

}  // namespace convscope::bench

#endif
