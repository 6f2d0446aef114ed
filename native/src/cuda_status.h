// How the CUDA kernels turn the runtime's answer to a launch into a cs_status (internal; CUDA sources only).
#ifndef CONVSCOPE_CUDA_STATUS_H
#define CONVSCOPE_CUDA_STATUS_H

#include <cuda_runtime.h>

#include "convscope/occlusion.h"

namespace convscope::detail {

// Errors that mean "no device this library can use" (no driver, a stub driver, no kernel image for the
// device...) rather than a failed launch: callers fall back to the CPU kernels on CS_CUDA_UNAVAILABLE.
inline bool means_no_usable_device(cudaError_t err) {
    return err == cudaErrorNoDevice || err == cudaErrorInsufficientDriver || err == cudaErrorStubLibrary ||
           err == cudaErrorDevicesUnavailable || err == cudaErrorNoKernelImageForDevice ||
           err == cudaErrorInitializationError;
}

// The status of the launch just made. cudaGetLastError also clears the error, so it is not reported later
// against someone else's launch (e.g. LibTorch's).
inline int status_after_launch() {
    const cudaError_t err = cudaGetLastError();
    if (err == cudaSuccess) return CS_OK;
    return means_no_usable_device(err) ? CS_CUDA_UNAVAILABLE : CS_CUDA_ERROR;
}

}  // namespace convscope::detail

#endif
