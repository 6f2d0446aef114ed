// Device memory for the CUDA tests: a copy of a host vector on the current device, freed on scope exit.
#ifndef CONVSCOPE_TEST_DEVICE_BUFFER_H
#define CONVSCOPE_TEST_DEVICE_BUFFER_H

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <vector>

#include "check.h"

#define CUDA_CHECK(call) CHECK_EQ(static_cast<int>(call), static_cast<int>(cudaSuccess))

namespace convscope::test {

template <typename T>
struct DeviceBuffer {
    T* ptr = nullptr;
    size_t count = 0;
    // At least one element is allocated, so an empty buffer still has a valid device address.
    explicit DeviceBuffer(size_t n) : count(n) { CUDA_CHECK(cudaMalloc(&ptr, std::max<size_t>(n, 1) * sizeof(T))); }
    explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) {
        CUDA_CHECK(cudaMemcpy(ptr, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
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

}  // namespace convscope::test

#endif
