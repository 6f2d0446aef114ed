// The CUDA entry points of convscope/rebase.h for a build without CUDA: the same symbols, reporting that no device
// can be used.
#include "convscope/rebase.h"

extern "C" int cs_rebase_cuda(const void*, int32_t, const float*, int32_t, const float*, int64_t, int64_t, int32_t,
                              void*, void*) {
    return CS_CUDA_UNAVAILABLE;
}

extern "C" int cs_rebase_patches_cuda(const void*, int32_t, const float*, int64_t, int64_t, int64_t,
                                      const cs_patch_place*, int64_t, int64_t, int64_t, int32_t, int32_t, void*,
                                      void*) {
    return CS_CUDA_UNAVAILABLE;
}
