// convscope/grid.h: window placement and batch sizes, shared by the JVM engine and the C++ runner.
#include <algorithm>
#include <cstdint>

#include "convscope/grid.h"

namespace {

constexpr int64_t kBudgetBytes = int64_t{2} << 30;
constexpr int64_t kActivationFactor = 16;  // rough peak activation memory of a CNN over its input, per example
constexpr int64_t kMostOnCpu = 128;
constexpr int64_t kMostOnCuda = 512;

}  // namespace

extern "C" int cs_window_offsets(int32_t placement, int64_t size, int64_t window, int64_t stride, int32_t* offsets,
                                 int64_t capacity, int64_t* count) {
    if (size < 1 || window < 1 || stride < 1 || window > size || size > INT32_MAX || count == nullptr ||
        (offsets == nullptr && capacity > 0) ||
        (placement != CS_PLACEMENT_GRID && placement != CS_PLACEMENT_CAPTUM)) {
        return CS_INVALID_ARGUMENT;
    }
    int64_t n = 0;
    auto put = [&](int64_t offset) {
        if (n < capacity) offsets[n] = static_cast<int32_t>(offset);
        ++n;
    };
    if (placement == CS_PLACEMENT_CAPTUM) {
        const int64_t steps = (size - window + stride - 1) / stride + 1;
        for (int64_t k = 0; k < steps; ++k) put(k * stride);
    } else {
        const int64_t fitting = (size - window) / stride + 1;
        for (int64_t k = 0; k < fitting; ++k) put(k * stride);
        if ((fitting - 1) * stride + window < size) put(size - window);
    }
    *count = n;
    return CS_OK;
}

extern "C" int64_t cs_even_chunks(int64_t count, int64_t most) {
    count = std::max<int64_t>(count, 1);
    most = std::max<int64_t>(most, 1);
    const int64_t chunks = (count + most - 1) / most;
    return (count + chunks - 1) / chunks;
}

extern "C" int64_t cs_chunk_windows(int64_t window_count, int64_t channels, int64_t height, int64_t width,
                                    int32_t cuda) {
    const int64_t per_window = std::max<int64_t>(1, 4 * channels * height * width * kActivationFactor);
    const int64_t fits = std::max<int64_t>(1, kBudgetBytes / per_window);
    const int64_t most = std::min(fits, cuda ? kMostOnCuda : kMostOnCpu);
    return std::max<int64_t>(1, std::min(std::max<int64_t>(window_count, 1), cs_even_chunks(window_count, most)));
}

extern "C" int64_t cs_head_windows(int64_t elements_per_window, int64_t chunk_windows, int64_t window_count) {
    chunk_windows = std::max<int64_t>(chunk_windows, 1);
    const int64_t per_window = std::max<int64_t>(1, 4 * elements_per_window * kActivationFactor);
    const int64_t fits = std::max(chunk_windows, kBudgetBytes / per_window);
    return std::max<int64_t>(1, std::min(window_count, fits / chunk_windows * chunk_windows));
}
