// Status messages of convscope/occlusion.h.
#include "convscope/occlusion.h"

extern "C" const char* cs_status_message(int status) {
    switch (status) {
        case CS_OK:
            return "ok";
        case CS_INVALID_ARGUMENT:
            return "invalid argument: a null buffer, a non-positive size, a window with non-positive "
                   "height or width, or a batch too large to address";
        case CS_CUDA_UNAVAILABLE:
            return "CUDA unavailable: this build has no CUDA kernels, or no CUDA driver or device was "
                   "found; use the CPU kernel";
        case CS_CUDA_ERROR:
            return "CUDA error: the kernel launch failed";
        default:
            return "unknown convscope status";
    }
}
