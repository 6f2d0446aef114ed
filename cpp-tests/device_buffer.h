// Device memory for the CUDA tests: a copy of a host vector on the current device, freed on scope exit; and
// their main.
#ifndef CONVSCOPE_TEST_DEVICE_BUFFER_H
#define CONVSCOPE_TEST_DEVICE_BUFFER_H

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <vector>

#include "convscope/occlusion.h"

#include "check.h"

#define CUDA_CHECK(call) CHECK_EQ(static_cast<int>(call), static_cast<int>(cudaSuccess))

namespace convscope::test {

template <typename T>
struct DeviceBuffer {
    T* ptr = nullptr;
    size_t count = 0;
    // At least one element is allocated, so an empty buffer still has a valid device address.
    explicit DeviceBuffer(size_t n) : count(n) { CUDA_CHECK(cudaMalloc(&ptr, std::max<size_t>(n, 1) * sizeof(T))); }
    // Synchronised: a copy from pageable memory may return before it lands, and a kernel on a non-blocking
    // stream is not ordered after it.
    explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) {
        CUDA_CHECK(cudaMemcpy(ptr, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
        CUDA_CHECK(cudaDeviceSynchronize());
    }
    ~DeviceBuffer() { cudaFree(ptr); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    std::vector<T> to_host() const {
        std::vector<T> host(count);
        CUDA_CHECK(cudaMemcpy(host.data(), ptr, count * sizeof(T), cudaMemcpyDeviceToHost));
        return host;
    }
};

// The main of a CUDA test: runs the suite's cases on device 0, or on a machine without a CUDA device reports
// SKIPPED and returns 77, which CTest counts as skipped (SKIP_RETURN_CODE), not passed.
inline int run_all_on_a_device(const char* suite) {
    if (cs_cuda_device_count() <= 0) {
        std::printf("SKIPPED: no CUDA device on this machine (cs_cuda_device_count() == 0)\n");
        return 77;
    }
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) {
        std::printf("device 0: %s (sm_%d%d)\n", prop.name, prop.major, prop.minor);
    }
    return run_all(suite);
}

}  // namespace convscope::test

#endif
