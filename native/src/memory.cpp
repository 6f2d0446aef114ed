// convscope/memory.h on glibc: mallopt, the C library's own switch (the same as MALLOC_MMAP_MAX_=0 and
// MALLOC_TRIM_THRESHOLD_=-1 in the environment of a process that starts).
#include "convscope/memory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

extern "C" int32_t cs_retain_freed_memory(void) {
#if defined(__GLIBC__)
    // No block from mmap: M_MMAP_THRESHOLD cannot go above 32 MiB, below a batch's activations.
    const int heap_only = mallopt(M_MMAP_MAX, 0);
    // -1: never trim the heap's top back to the system.
    const int no_trim = mallopt(M_TRIM_THRESHOLD, -1);
    return heap_only == 1 && no_trim == 1 ? 1 : 0;
#else
    return 0;
#endif
}
