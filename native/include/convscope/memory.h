/*
 * convscope/memory.h -- how the process's C heap treats the large blocks LibTorch frees on the CPU.
 *
 * LibTorch allocates every CPU tensor with the C library's allocator and frees it with its last reference. glibc
 * serves a block above its mmap threshold (at most 32 MiB) from fresh pages of its own and unmaps them on free,
 * and gives the top of its heap back once enough of it is free. A batch's activations are such blocks (one
 * ResNet18 layer of 121 windows: 97 MB), so every chunk of a grid has its memory faulted in and zeroed page by
 * page again: with two cores, a quarter of a ResNet18 map's time went to the kernel. Chunks repeat their shapes,
 * so memory kept is memory reused.
 *
 * cs_retain_freed_memory makes glibc serve every block from one heap shared by all threads and never give freed
 * memory back: the process keeps its peak heap until it exits (the occlusion engines bound that peak by their
 * chunk budget, convscope/grid.h). Threads that allocated before the call keep heaps of their own, from which
 * large blocks are still mapped: call it first thing, before the process starts threads (in a JVM that is too
 * late; the ./convscope launcher sets the same through the environment). It is the process's choice, not a
 * library's. Returns 1 when the policy is in force, 0 where the C library has no such setting (nothing
 * changed).
 */
#ifndef CONVSCOPE_MEMORY_H
#define CONVSCOPE_MEMORY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int32_t cs_retain_freed_memory(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CONVSCOPE_MEMORY_H */
