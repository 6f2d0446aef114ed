// The CUDA entry points of convscope/incremental.h for a build without CUDA: the same symbols, reporting that
// no device can be used.
#include "convscope/incremental.h"

extern "C" int cs_gather_regions_cuda(const float*, int64_t, int64_t, int64_t, const cs_patch_place*, int64_t,
                                      int64_t, int64_t, float*, void*) {
    return CS_CUDA_UNAVAILABLE;
}

extern "C" int cs_paste_patches_cuda(const float*, int64_t, int64_t, int64_t, int64_t, const cs_patch_place*,
                                     float*, int64_t, int64_t, void*) {
    return CS_CUDA_UNAVAILABLE;
}

extern "C" int cs_fill_patches_cuda(const float*, int64_t, int64_t, const cs_patch_place*, float*, int64_t,
                                    int64_t, void*) {
    return CS_CUDA_UNAVAILABLE;
}

extern "C" int cs_region_changes_cuda(const float*, int64_t, int64_t, int64_t, const float*, int64_t, int64_t,
                                      const float*, const cs_patch_place*, int64_t, int64_t, int64_t, int32_t, void*,
                                      void*) {
    return CS_CUDA_UNAVAILABLE;
}
