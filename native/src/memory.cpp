// convscope/memory.h on glibc: mallopt, the C library's own switch. A process that has not started yet gets the
// same from its environment, as ./convscope gives the JVM: MALLOC_ARENA_MAX=1 MALLOC_MMAP_MAX_=0 and a
// MALLOC_TRIM_THRESHOLD_ too large ever to be reached.
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
    // One heap for every thread: glibc serves a block too large for a thread's own heap (64 MiB) by mmap whatever
    // M_MMAP_MAX says. Threads that already took a heap keep it: call this before starting them.
    const int one_heap = mallopt(M_ARENA_MAX, 1);
    return heap_only == 1 && no_trim == 1 && one_heap == 1 ? 1 : 0;
#else
    return 0;
#endif
}
