// CUDA kernel of convscope/occlusion.h. One launch writes the whole batch: blockIdx.y walks the
// (window, channel) planes, the x dimension walks a plane's pixels in order, so neighbouring threads read
// and write neighbouring floats (coalesced) and every output float is written exactly once.
#include <cuda_runtime.h>

#include <cstdint>

#include "convscope/occlusion.h"
#include "cuda_launch.h"
#include "cuda_status.h"
#include "occlusion_checks.h"

namespace {

using convscope::detail::fits_32_bits;
using convscope::detail::grid_for;
using convscope::detail::kThreadsPerBlock;

// Index is the type of a pixel index within one plane: 32-bit when a plane is small enough, which saves
// the 64-bit divide per element (emulated on the GPU) in all realistic cases.
template <typename Index>
__global__ void occlude_batch_kernel(const float* __restrict__ image, Index plane_size, Index width,
                                     int64_t channels, int64_t planes, const cs_window* __restrict__ windows,
                                     const float* __restrict__ fill, float* __restrict__ out) {
    const Index stride = static_cast<Index>(gridDim.x) * blockDim.x;
    for (int64_t plane = blockIdx.y; plane < planes; plane += gridDim.y) {
        const int64_t k = plane / channels;
        const int64_t c = plane - k * channels;
        const cs_window win = windows[k];
        // Half-open window bounds in 64 bits; a non-positive size gives an empty window.
        const int64_t y0 = win.top, y1 = static_cast<int64_t>(win.top) + win.height;
        const int64_t x0 = win.left, x1 = static_cast<int64_t>(win.left) + win.width;
        const float value = fill[c];
        const float* src = image + c * static_cast<int64_t>(plane_size);
        float* dst = out + plane * static_cast<int64_t>(plane_size);
        for (Index i = static_cast<Index>(blockIdx.x) * blockDim.x + threadIdx.x; i < plane_size; i += stride) {
            const Index y = i / width;
            const int64_t x = static_cast<int64_t>(i - y * width);
            const bool inside = static_cast<int64_t>(y) >= y0 && static_cast<int64_t>(y) < y1 && x >= x0 && x < x1;
            dst[i] = inside ? value : src[i];
        }
    }
}

}  // namespace

extern "C" int cs_occlude_batch_cuda(const float* image_device, int64_t channels, int64_t height, int64_t width,
                                     const cs_window* windows_device, int64_t window_count,
                                     const float* fill_device, float* out_device, void* stream) {
    if (!convscope::detail::batch_shape_is_valid(channels, height, width, window_count) ||
        !convscope::detail::batch_pointers_are_valid(image_device, windows_device, window_count, fill_device,
                                                     out_device)) {
        return CS_INVALID_ARGUMENT;
    }
    if (window_count == 0) return CS_OK;

    const int64_t plane_size = height * width;
    const int64_t planes = window_count * channels;
    const dim3 grid = grid_for(plane_size, planes);
    const dim3 block(kThreadsPerBlock);
    cudaStream_t cuda_stream = static_cast<cudaStream_t>(stream);

    if (fits_32_bits(plane_size)) {
        occlude_batch_kernel<uint32_t><<<grid, block, 0, cuda_stream>>>(
            image_device, static_cast<uint32_t>(plane_size), static_cast<uint32_t>(width), channels, planes,
            windows_device, fill_device, out_device);
    } else {
        occlude_batch_kernel<int64_t><<<grid, block, 0, cuda_stream>>>(
            image_device, plane_size, width, channels, planes, windows_device, fill_device, out_device);
    }
    return convscope::detail::status_after_launch();
}

extern "C" int cs_cuda_compiled(void) { return 1; }

extern "C" int cs_cuda_device_count(void) {
    int count = 0;
    // Without a driver this returns cudaErrorInsufficientDriver (or NoDevice); it never aborts.
    if (cudaGetDeviceCount(&count) != cudaSuccess) {
        cudaGetLastError();
        return 0;
    }
    return count;
}
