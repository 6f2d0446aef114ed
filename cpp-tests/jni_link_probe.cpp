// Stands in for JavaCPP's generated JNI code: references every symbol of convscope/occlusion.h so the
// link proves the archive resolves them on its own.
#include "convscope/occlusion.h"

extern "C" int convscope_link_probe(void) {
    return cs_occlude_batch_cpu(nullptr, 1, 1, 1, nullptr, 0, nullptr, nullptr, 0) +
           cs_occlude_batch_cuda(nullptr, 1, 1, 1, nullptr, 0, nullptr, nullptr, nullptr) + cs_cuda_compiled() +
           cs_cuda_device_count() + (cs_status_message(CS_OK) != nullptr);
}
