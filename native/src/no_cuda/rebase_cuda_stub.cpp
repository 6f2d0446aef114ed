// The CUDA entry point of convscope/rebase.h for a build without CUDA: the same symbol, reporting that no device
// can be used.
#include "convscope/rebase.h"

extern "C" int cs_rebase_cuda(const void*, int32_t, const float*, int32_t, const float*, int64_t, int64_t, int32_t,
                              void*, void*) {
    return CS_CUDA_UNAVAILABLE;
}
