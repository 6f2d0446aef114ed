// How the CPU kernels split their work over std::threads (internal; not installed).
#ifndef CONVSCOPE_CPU_THREADS_H
#define CONVSCOPE_CPU_THREADS_H

#include <algorithm>
#include <cstdint>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace convscope::detail {

constexpr int64_t kMinFloatsPerThread = int64_t{1} << 16;  // below this, a thread costs more than it saves

// Runs work(begin, end) over rows [0, rows), on up to `threads` threads (<= 0: all cores), the calling thread
// included. A thread that cannot start has its share done by the caller: no exception leaves C code.
inline void for_rows(int64_t rows, int64_t floats_per_row, int32_t threads,
                     const std::function<void(int64_t, int64_t)>& work) {
    int64_t n = threads > 0 ? threads : static_cast<int64_t>(std::thread::hardware_concurrency());
    const int64_t useful = std::max<int64_t>(1, rows * floats_per_row / kMinFloatsPerThread);
    n = std::min({std::max<int64_t>(n, 1), useful, std::max<int64_t>(rows, 1)});
    auto begin = [&](int64_t t) { return t * (rows / n) + std::min<int64_t>(t, rows % n); };
    std::vector<std::thread> workers;
    for (int64_t t = 1; t < n; ++t) {
        try {
            workers.emplace_back(work, begin(t), begin(t + 1));
        } catch (const std::exception&) {
            work(begin(t), begin(t + 1));
        }
    }
    work(begin(0), begin(1));
    for (std::thread& worker : workers) worker.join();
}

}  // namespace convscope::detail

#endif
