// CPU kernel of convscope/occlusion.h: occluded copies written row span by row span, each output float
// exactly once (memcpy for image rows, fill for the window), split over std::threads by output rows.
#include <algorithm>
#include <cstring>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

#include "convscope/occlusion.h"
#include "occlusion_checks.h"

namespace {

using convscope::detail::clip_span;
using convscope::detail::Span;

// Below this many output floats per thread, starting a thread costs more than the copy it saves.
constexpr int64_t kMinFloatsPerThread = int64_t{1} << 16;  // 256 KiB

struct Batch {
    const float* image;
    int64_t channels, height, width;
    const cs_window* windows;
    const float* fill;
    float* out;
};

// Writes output rows [row_begin, row_end) of the batch, rows numbered over (window, channel, y).
void write_rows(const Batch& b, int64_t row_begin, int64_t row_end) {
    const int64_t H = b.height, W = b.width;
    const size_t row_bytes = static_cast<size_t>(W) * sizeof(float);
    int64_t row = row_begin;
    while (row < row_end) {
        const int64_t plane = row / H;  // (window, channel)
        const int64_t k = plane / b.channels;
        const int64_t c = plane - k * b.channels;
        const int64_t y_first = row - plane * H;
        const int64_t y_last = std::min(H, y_first + (row_end - row));  // exclusive
        const float* src = b.image + c * H * W;
        float* dst = b.out + plane * H * W;
        const float value = b.fill[c];

        const cs_window& win = b.windows[k];
        const Span rows = clip_span(win.top, win.height, H);
        const Span cols = clip_span(win.left, win.width, W);
        const bool empty = rows.begin == rows.end || cols.begin == cols.end;
        const int64_t y0 = empty ? H : rows.begin;  // window rows are [y0, y1) on this plane
        const int64_t y1 = empty ? H : rows.end;

        int64_t y = y_first;
        // Rows above the window: one contiguous copy.
        if (y < std::min(y_last, y0)) {
            const int64_t n = std::min(y_last, y0) - y;
            std::memcpy(dst + y * W, src + y * W, static_cast<size_t>(n) * row_bytes);
            y += n;
        }
        // Window rows: image left of it, fill inside, image right of it.
        for (; y < std::min(y_last, y1); ++y) {
            const float* s = src + y * W;
            float* d = dst + y * W;
            std::memcpy(d, s, static_cast<size_t>(cols.begin) * sizeof(float));
            std::fill(d + cols.begin, d + cols.end, value);
            std::memcpy(d + cols.end, s + cols.end, static_cast<size_t>(W - cols.end) * sizeof(float));
        }
        // Rows below the window.
        if (y < y_last) {
            std::memcpy(dst + y * W, src + y * W, static_cast<size_t>(y_last - y) * row_bytes);
        }
        row += y_last - y_first;
    }
}

int resolve_thread_count(int32_t requested, int64_t total_rows, int64_t row_floats) {
    int64_t threads = requested;
    if (threads <= 0) threads = static_cast<int64_t>(std::thread::hardware_concurrency());
    const int64_t useful = std::max<int64_t>(1, total_rows * row_floats / kMinFloatsPerThread);
    threads = std::min({std::max<int64_t>(threads, 1), useful, total_rows});
    return static_cast<int>(threads);
}

}  // namespace

extern "C" int cs_occlude_batch_cpu(const float* image, int64_t channels, int64_t height, int64_t width,
                                    const cs_window* windows, int64_t window_count, const float* fill,
                                    float* out, int32_t threads) {
    if (!convscope::detail::batch_shape_is_valid(channels, height, width, window_count) ||
        !convscope::detail::batch_pointers_are_valid(image, windows, window_count, fill, out)) {
        return CS_INVALID_ARGUMENT;
    }
    for (int64_t k = 0; k < window_count; ++k) {
        if (windows[k].height < 1 || windows[k].width < 1) return CS_INVALID_ARGUMENT;
    }
    if (window_count == 0) return CS_OK;

    const Batch batch{image, channels, height, width, windows, fill, out};
    const int64_t total_rows = window_count * channels * height;
    const int thread_count = resolve_thread_count(threads, total_rows, width);

    // Thread t writes rows [t * total / n, (t + 1) * total / n); the calling thread takes chunk 0. If a
    // thread cannot be started, the calling thread writes that chunk itself: no exception leaves C code.
    auto chunk_begin = [&](int64_t t) { return t * (total_rows / thread_count) +
                                               std::min<int64_t>(t, total_rows % thread_count); };
    std::vector<std::thread> workers;
    for (int t = 1; t < thread_count; ++t) {
        try {
            workers.emplace_back(write_rows, std::cref(batch), chunk_begin(t), chunk_begin(t + 1));
        } catch (const std::exception&) {
            write_rows(batch, chunk_begin(t), chunk_begin(t + 1));
        }
    }
    write_rows(batch, chunk_begin(0), chunk_begin(1));
    for (std::thread& worker : workers) worker.join();
    return CS_OK;
}
