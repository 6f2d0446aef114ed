// The CUDA entry points of convscope/occlusion.h for a build without CUDA: the same symbols, so Java and
// C++ callers link one API, reporting that no device can be used.
#include "convscope/occlusion.h"

extern "C" int cs_occlude_batch_cuda(const float*, int64_t, int64_t, int64_t, const cs_window*, int64_t,
                                     const float*, float*, void*) {
    return CS_CUDA_UNAVAILABLE;
}

extern "C" int cs_cuda_compiled(void) { return 0; }

extern "C" int cs_cuda_device_count(void) { return 0; }
