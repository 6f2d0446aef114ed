/*
 * convscope/rebase.h -- the element-wise pass between layers computed on changes (the C++ runner's --precision
 * bf16, and tf32 on CUDA).
 *
 * A layer computed on changes gives y = W (x - base_x) in its compute type. Its output is y + base_y, and the
 * next such layer reads that output's change against its own base: act(y + base_y) - base_next. With LibTorch
 * operators that is an addition that widens bfloat16 to float32, the activation and a subtraction that rounds
 * back: up to three passes over the batch's activations, and on the CPU LibTorch 1.13 runs each mixed-type one
 * through a float32 temporary and a copy (on AlexNet they took 1.5 times as long as its bfloat16
 * convolutions). cs_rebase is the one pass
 *
 *   out[n][i] = store(act(load(in[n][i]) + add[i]) - subtract[i])      for n < images, i < per_image
 *
 * where load reads float32 or bfloat16 bits (in_type, a cs_change_type); add and subtract hold one image's
 * float32 values, shared by every image, or are NULL (nothing added, nothing subtracted); act is ReLU with relu
 * != 0 (v < 0 gives 0; a NaN stays NaN, as in LibTorch) and the identity otherwise; and store writes float32 or
 * bfloat16 bits rounded to nearest, ties to even (out_type). The arithmetic is float32, in that order, so the
 * result is bit-identical to LibTorch's add, relu and sub on the same tensors (a NaN stays a NaN, though its
 * payload bits may differ). Each image is per_image
 * contiguous elements: a channels-last N x C x H x W tensor and its 1 x C x H x W base in the same format, or an
 * N x D matrix and its 1 x D row. in and out may be the same buffer when their types match.
 *
 * Preconditions, else CS_INVALID_ARGUMENT and nothing is written: images >= 0, per_image >= 0, the total
 * addressable in bytes, both types cs_change_type values, and in and out not NULL when there is anything to do.
 */
#ifndef CONVSCOPE_REBASE_H
#define CONVSCOPE_REBASE_H

#include <stdint.h>

#include "convscope/incremental.h"

#ifdef __cplusplus
extern "C" {
#endif

/* threads: CPU threads to split the images over (<= 0: all cores); small passes run on the calling thread. */
int cs_rebase_cpu(const void* in, int32_t in_type, const float* add, int32_t relu, const float* subtract,
                  int64_t images, int64_t per_image, int32_t out_type, void* out, int32_t threads);

/* The CUDA twin: device pointers, launched on stream (a cudaStream_t; NULL = the legacy default stream),
 * returning after the launch; bit-identical results. CS_CUDA_UNAVAILABLE without CUDA. */
int cs_rebase_cuda(const void* in, int32_t in_type, const float* add, int32_t relu, const float* subtract,
                   int64_t images, int64_t per_image, int32_t out_type, void* out, void* stream);

/*
 * cs_rebase on the patches a layer computed on changes outputs in the incremental engine, with the unoccluded
 * output at each patch's place as what is added (and nothing subtracted):
 *   out[n][y][x][c] = store(act(load(in[n][y][x][c]) + base[places[n].region_top + y][places[n].region_left + x][c]))
 * for count patches of patch_height x patch_width x channels (channels-last, like the layout of incremental.h),
 * base being base_height x base_width x channels. What cs_gather_regions_* of the base followed by cs_rebase_*
 * gives, without storing the gathered patches. Every patch must lie inside base (checked on the CPU, else
 * CS_INVALID_ARGUMENT; the CUDA twin's places live on the device and are not checked).
 */
int cs_rebase_patches_cpu(const void* in, int32_t in_type, const float* base, int64_t channels, int64_t base_height,
                          int64_t base_width, const cs_patch_place* places, int64_t count, int64_t patch_height,
                          int64_t patch_width, int32_t relu, int32_t out_type, void* out, int32_t threads);
int cs_rebase_patches_cuda(const void* in, int32_t in_type, const float* base, int64_t channels,
                           int64_t base_height, int64_t base_width, const cs_patch_place* places, int64_t count,
                           int64_t patch_height, int64_t patch_width, int32_t relu, int32_t out_type, void* out,
                           void* stream);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CONVSCOPE_REBASE_H */
