/*
 * convscope/occlusion.h -- fused "occluded copies" kernels for occlusion maps.
 *
 * Given one image and a list of windows, write one copy of the image per window into a caller-owned
 * batch buffer, with the window's pixels (in every channel) replaced by a per-channel fill value. The
 * batch is then scored by the model; this file knows nothing about models or LibTorch.
 *
 * Layout: every buffer is dense float32, row-major, with no padding:
 *   image  C x H x W                 element (c, y, x) at  image[(c * H + y) * W + x]
 *   out    N x C x H x W             copy k at             out + k * C * H * W
 *   fill   C                         fill[c] is written into channel c
 * where C = channels, H = height, W = width, N = window_count.
 *
 * Result: for every k < N, c < C, y < H, x < W
 *   out[k][c][y][x] = fill[c]          if  top_k <= y < top_k + height_k  and  left_k <= x < left_k + width_k
 *                     image[c][y][x]   otherwise.
 * A window may reach past any border of the image (Captum's last windows do, and so may negative
 * top/left): only its part inside the image is filled, and a window wholly outside leaves a plain copy.
 *
 * The CPU and CUDA functions are twins with the same arguments and the same result; they differ only in
 * where the buffers live. Both are C functions (no exceptions cross this boundary) returning a cs_status.
 * The buffers must not overlap: out is written, never read.
 */
#ifndef CONVSCOPE_OCCLUSION_H
#define CONVSCOPE_OCCLUSION_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A rectangle in pixel coordinates of the image: rows [top, top + height), columns [left, left + width).
 * height and width must be positive; top and left may be any value (the window is clipped). Four packed
 * int32 values, so an array of windows is also an int32 array of 4 * count values in this order. */
typedef struct cs_window {
    int32_t top;
    int32_t left;
    int32_t height;
    int32_t width;
} cs_window;

/* Return values of every cs_* function that can fail. */
typedef enum cs_status {
    CS_OK = 0,
    /* A precondition below was violated; nothing was written. */
    CS_INVALID_ARGUMENT = 1,
    /* The CUDA kernels were not compiled in, or no CUDA driver/device is usable; nothing was written. */
    CS_CUDA_UNAVAILABLE = 2,
    /* The CUDA runtime rejected the launch (for example an invalid stream or an out-of-memory device). */
    CS_CUDA_ERROR = 3
} cs_status;

/* A static English sentence describing a status value (also for unknown values); never NULL. */
const char* cs_status_message(int status);

/*
 * Writes window_count occluded copies of image into out (see the Result above), on the CPU.
 *
 * Preconditions, else CS_INVALID_ARGUMENT and nothing is written:
 *   - channels, height, width >= 1 and window_count >= 0, and window_count * C * H * W floats fit in memory
 *     addressing (no int64/size_t overflow);
 *   - image, fill and out are non-NULL when window_count > 0, windows is non-NULL when window_count > 0;
 *   - every window has height >= 1 and width >= 1.
 * window_count == 0 is a valid no-op.
 *
 * threads: the most worker threads to use, the calling thread included; <= 0 means
 * std::thread::hardware_concurrency(). Small batches use fewer (a thread is worth starting only for a
 * few hundred KiB of output). The work is split by output rows, so the result does not depend on it. Uses std::thread only (no OpenMP runtime: the
 * library shares a process with LibTorch's). Blocks until done; safe to call from several threads at
 * once on distinct out buffers.
 */
int cs_occlude_batch_cpu(const float* image, int64_t channels, int64_t height, int64_t width,
                         const cs_window* windows, int64_t window_count, const float* fill, float* out,
                         int32_t threads);

/*
 * The CUDA twin of cs_occlude_batch_cpu: image_device, windows_device, fill_device and out_device are
 * device pointers (or managed memory) on the current device; the same Result is written by a single
 * kernel launch on stream (a cudaStream_t; NULL = the legacy default stream). Returns after the launch,
 * before the kernel finishes: synchronise the stream before reading out_device on the host.
 *
 * Preconditions: as for the CPU twin, except that the windows live on the device and are NOT checked
 * here (that would need a synchronous copy); a window with height or width <= 0 fills nothing. Callers
 * build windows on the host, where cs_occlude_batch_cpu's rules apply, and copy them over.
 *
 * Returns CS_CUDA_UNAVAILABLE when the library was built without CUDA or no device is usable,
 * CS_CUDA_ERROR when the launch fails; in both cases the kernel did not run.
 */
int cs_occlude_batch_cuda(const float* image_device, int64_t channels, int64_t height, int64_t width,
                          const cs_window* windows_device, int64_t window_count, const float* fill_device,
                          float* out_device, void* stream);

/* 1 if this library was built with the CUDA kernels, 0 if not. */
int cs_cuda_compiled(void);

/* Number of CUDA devices usable by the kernels: 0 when not compiled in, when no driver is installed, or
 * when the driver finds no device. Never aborts. */
int cs_cuda_device_count(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CONVSCOPE_OCCLUSION_H */
