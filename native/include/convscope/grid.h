/*
 * convscope/grid.h -- where occlusion windows go, and how many go through the model at once when the caller does
 * not say: the one policy that the JVM engine and the C++ runner share, so that both place the same windows and
 * batch them alike.
 */
#ifndef CONVSCOPE_GRID_H
#define CONVSCOPE_GRID_H

#include <stdint.h>

#include "convscope/occlusion.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How windows are placed along an axis. */
typedef enum cs_placement {
    /* 0, s, 2s, ... while the window fits, plus size - w when the last step stops short of the far edge: every
     * pixel is covered by a full-size window. */
    CS_PLACEMENT_GRID = 0,
    /* Captum's Occlusion: ceil((size - w) / s) + 1 windows at 0, s, 2s, ..., the last one reaching past the edge
     * where the steps do not end on it. */
    CS_PLACEMENT_CAPTUM = 1
} cs_placement;

/*
 * The offsets along one axis of size pixels for windows of window pixels, stride apart, placed as placement
 * says. Writes the first min(count, capacity) offsets and the number of offsets to *count (call with capacity 0
 * to learn the size). CS_INVALID_ARGUMENT, and nothing written, when size, window or stride is below 1, window
 * is above size, the placement is unknown, count is NULL, or offsets is NULL while capacity is positive.
 */
int cs_window_offsets(int32_t placement, int64_t size, int64_t window, int64_t stride, int32_t* offsets,
                      int64_t capacity, int64_t* count);

/* The largest batch that splits count windows into equal chunks of at most most windows (count, most >= 1). */
int64_t cs_even_chunks(int64_t count, int64_t most);

/*
 * Windows per chunk for window_count windows of channels x height x width inputs: as many as fit a 2 GiB budget
 * for the input and activations (16 times the input), at most 128 on the CPU (oneDNN stopped gaining beyond
 * about that on AlexNet) and 512 on CUDA, split into equal chunks. At least 1.
 */
int64_t cs_chunk_windows(int64_t window_count, int64_t channels, int64_t height, int64_t width, int32_t cuda);

/*
 * Windows per call of the modules after a model's chain (its classifier), which read elements_per_window floats
 * per window: a multiple of chunk_windows, up to all window_count windows, within the same budget. At least 1.
 */
int64_t cs_head_windows(int64_t elements_per_window, int64_t chunk_windows, int64_t window_count);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CONVSCOPE_GRID_H */
