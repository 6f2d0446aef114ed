/*
 * convscope/incremental.h -- exact incremental occlusion: the patch plan and its gather, paste and fill
 * kernels.
 *
 * An occluded copy differs from the unoccluded ("base") input only inside its window, and a layer's output
 * differs from the base activation only where the layer reads changed inputs. So each window carries, layer
 * by layer, only its changed "patch" of the activation: to compute a layer's output patch, the region of the
 * layer's base input that the patch reads is gathered (from the base input padded once with the layer's
 * padding value), the incoming patch is pasted into it, and the layer runs with padding 0 on the chunk of
 * regions. Point-wise layers act on the patch as it is. Recomputing outputs that did not change is harmless,
 * so every window of a run carries a patch of the same size (the worst case), shifted inward at the borders:
 * a chunk stays one dense tensor and the result stays exact. Once a patch would cover more than a set
 * fraction of its layer, the run switches to full tensors (the base input with the patch pasted) from that
 * layer on. (Nakandala, Kumar, Papakonstantinou, "Incremental and Approximate Inference for Faster
 * Occlusion-based Deep CNN Explanations", SIGMOD 2019.)
 *
 * cs_plan_incremental decides the sizes and every window's positions; it is the one home of that policy,
 * shared by the JVM engine and the C++ runner. The kernels move floats; they know nothing of models.
 *
 * Geometry along one axis, for a layer with kernel k, stride s, padding p (before) and dilation d: output o
 * reads inputs [o*s - p, o*s - p + d*(k - 1)]. A region of P outputs starting at b reads
 * R = (P - 1)*s + d*(k - 1) + 1 inputs starting at b*s - p, which is b*s in the padded base input.
 *
 * Layout: every buffer is dense float32, channels last (NHWC: the C values of a pixel are adjacent), with no
 * padding, because oneDNN and cuDNN run convolutions on channels-last tensors without reordering them (AlexNet's
 * features ran 1.55x faster channels-last than NCHW through LibTorch on the CPU here):
 *   base     BH x BW x C              a layer's padded base input (one image); element (y, x, c) at
 *                                      base[(y * BW + x) * C + c]
 *   regions  N x RH x RW x C          region n at regions + n * RH * RW * C
 *   patches  N x PH x PW x C
 * These are the memory of LibTorch tensors of logical shape N x C x H x W in torch::MemoryFormat::ChannelsLast.
 */
#ifndef CONVSCOPE_INCREMENTAL_H
#define CONVSCOPE_INCREMENTAL_H

#include <stdint.h>

#include "convscope/occlusion.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a layer of the chain is; it decides the base input's padding value and the multiply-adds counted. */
typedef enum cs_layer_kind {
    CS_LAYER_CONV = 0,      /* Conv2d: pads with zeros */
    CS_LAYER_MAX_POOL = 1,  /* MaxPool2d: pads with -infinity */
    CS_LAYER_AVG_POOL = 2,  /* AvgPool2d counting padding in its divisor: pads with zeros */
    CS_LAYER_POINTWISE = 3  /* ReLU, eval-mode BatchNorm2d, Dropout: output (y, x) reads only input (y, x) */
} cs_layer_kind;

/* One layer of the chain; pairs are {rows, columns}. Point-wise layers have kernel, stride and dilation 1
 * and padding 0. The sizes are those of the unoccluded run (every window's tensors have the same). */
typedef struct cs_chain_layer {
    int32_t kind;
    int32_t kernel[2];
    int32_t stride[2];
    int32_t padding[2];      /* before the first row / column; the end is padded as far as the output needs */
    int32_t dilation[2];
    int32_t in_channels;
    int32_t out_channels;
    int32_t groups;          /* convolutions; multiply-adds per output are in_channels / groups * kh * kw */
    int32_t in_size[2];
    int32_t out_size[2];
} cs_chain_layer;

/* How a run treats one layer of the chain. 56 bytes with no hidden padding (int64 fields first, then int32
 * fields and a reserved one), so callers in other languages can read an array of plans as raw memory. */
typedef struct cs_layer_plan {
    /* Multiply-adds of this layer per window: on full tensors, and as planned (equal for full layers).
     * Convolutions count out_channels * in_channels / groups * kh * kw per output; other layers count 0. */
    int64_t full_macs;
    int64_t planned_macs;
    /* 1: this layer runs on patches; 0: on full tensors. Incremental layers form a prefix of the chain. */
    int32_t incremental;
    /* Incremental layers: the output patch every window carries (<= out_size). */
    int32_t patch[2];
    /* Incremental layers: the input region a patch reads. The first full layer: its whole input (in_size),
     * into which the incoming patch is pasted to make the full tensor. Other full layers: 0. */
    int32_t region[2];
    /* Incremental layers: padding of the base input {top, left} and {bottom, right}, so that every region
     * lies inside it. 0 for full layers. */
    int32_t pad_before[2];
    int32_t pad_after[2];
    int32_t reserved;
} cs_layer_plan;

/* Where one window's tensors sit at one layer: eight int32 values, so an array of places is also an int32
 * array of 8 * count values in this order. */
typedef struct cs_patch_place {
    /* Incremental layers: the region's top-left in the padded base input. First full layer: 0, 0. */
    int32_t region_top;
    int32_t region_left;
    /* Incremental and first full layers: the rectangle inside the region that the incoming patch covers.
     * Layer 0: the window's part inside the input (its size varies where windows reach past the input).
     * Later layers: the previous layer's patch, which may reach past the region on any side (only its part
     * inside is pasted). */
    int32_t paste_top;
    int32_t paste_left;
    int32_t paste_height;
    int32_t paste_width;
    /* Incremental layers: the output patch's top-left in the layer's (unpadded) output. */
    int32_t patch_top;
    int32_t patch_left;
} cs_patch_place;

/*
 * Plans an incremental run of window_count windows over a chain of layer_count layers whose first layer reads
 * the (height x width) input. The incoming patch of layer 0 is the window itself, filled: windows may reach
 * past the input (Captum's last ones do) and only their part inside counts as changed.
 *
 * Layer l runs on patches when every layer before it does and its patch covers at most full_fraction of its
 * output (patch rows * cols <= full_fraction * out rows * cols); point-wise layers follow the layer before
 * them (the first layer, when point-wise, runs on patches). An average pool whose last window reaches past
 * the padded input (ceil_mode) always runs on full tensors: PyTorch divides that window by its clipped size,
 * which a zero-padded region cannot reproduce. Per axis, window n's changed outputs at layer l
 * are those whose inputs meet its changed inputs; the patch size is the largest such count over all windows
 * (at least 1), and each window's patch starts at its first changed output, moved back so that it ends
 * inside the output.
 *
 * Writes plans[l] for l < layer_count and places[l * window_count + n] (layer-major, so the places of a chunk
 * of consecutive windows at one layer are contiguous); places of full layers after the first are zeroed.
 * Returns the number of incremental layers through *incremental_layers (0 when even layer 0 would exceed the
 * fraction: then the run gains nothing and should use the full engine).
 *
 * Preconditions, else CS_INVALID_ARGUMENT and nothing is written: layer_count >= 1; window_count >= 1; every
 * pointer non-NULL; 0 <= full_fraction; sizes, kernels, strides, dilations, channels and groups >= 1,
 * padding >= 0; layer 0's in_size equals {height, width} and each layer's in_size equals the previous
 * out_size; each layer's last output starts inside the padded input ((out - 1) * s - p <= in - 1 + p; it
 * may read past it, as PyTorch's ceil_mode and 'same' padding with an even kernel do: the plan pads the base
 * input after its end as far as the last output reads); along each axis the padded input (padding, in_size and
 * the padding after it) holds at most 2^31 - 1 values, so that every position fits an int32; windows have
 * positive sizes.
 */
int cs_plan_incremental(const cs_chain_layer* layers, int32_t layer_count, int32_t height, int32_t width,
                        const cs_window* windows, int64_t window_count, double full_fraction,
                        cs_layer_plan* plans, cs_patch_place* places, int32_t* incremental_layers);

/*
 * The policy every caller shares (the JVM engine and the C++ runner), measured with their benchmarks:
 * cs_incremental_full_fraction() is the full_fraction to plan with; cs_incremental_min_speedup() is the counted
 * saving (full multiply-adds over planned ones, the whole model's) below which an automatic choice keeps the
 * full engine, since gathering and pasting cost time the count does not see.
 */
double cs_incremental_full_fraction(void);
double cs_incremental_min_speedup(void);

/*
 * Gathers count regions of (region_height x region_width) from base (base_height x base_width x channels):
 *   regions[n][y][x][c] = base[places[n].region_top + y][places[n].region_left + x][c]
 * Every region must lie inside base (checked on the CPU, else CS_INVALID_ARGUMENT). threads as in
 * cs_occlude_batch_cpu; the result does not depend on it.
 */
int cs_gather_regions_cpu(const float* base, int64_t channels, int64_t base_height, int64_t base_width,
                          const cs_patch_place* places, int64_t count, int64_t region_height,
                          int64_t region_width, float* regions, int32_t threads);

/*
 * Pastes patch n (patch_height x patch_width x channels) into region n at (places[n].paste_top,
 * places[n].paste_left), clipped to the region: for every y, x with 0 <= paste_top + y < region_height and
 * 0 <= paste_left + x < region_width,
 *   regions[n][paste_top + y][paste_left + x][c] = patches[n][y][x][c]
 * Other region values are left as they are.
 */
int cs_paste_patches_cpu(const float* patches, int64_t count, int64_t channels, int64_t patch_height,
                         int64_t patch_width, const cs_patch_place* places, float* regions,
                         int64_t region_height, int64_t region_width, int32_t threads);

/*
 * Fills, in region n, the paste rectangle of places[n] (clipped to the region) with fill[c] in channel c: the
 * occluding window written into the first layer's regions. Other region values are left as they are.
 */
int cs_fill_patches_cpu(const float* fill, int64_t count, int64_t channels, const cs_patch_place* places,
                        float* regions, int64_t region_height, int64_t region_width, int32_t threads);

/* Element types of cs_region_changes_*'s output. */
enum cs_change_type { CS_CHANGE_FLOAT32 = 0, CS_CHANGE_BFLOAT16 = 1 };

/*
 * The change that occluding makes to each region of a layer's padded base input, for a convolution computed on
 * changes (the C++ runner's --precision bf16): inside the paste rectangle of places[n], clipped to the region,
 *   changes[n][y][x][c] = v - base[places[n].region_top + y][places[n].region_left + x][c]
 * where v is patches[n][y - paste_top][x - paste_left][c] (a patch_height x patch_width rectangle) or, with
 * patches NULL, fill[c] (a paste_height x paste_width rectangle: layer 0's window); 0 elsewhere in the region.
 * One pass for what gather, paste or fill, a gather of the unoccluded regions and a subtraction give. The
 * difference is taken in float32 and stored as float32 (change_type CS_CHANGE_FLOAT32) or as bfloat16 bits
 * rounded to nearest, ties to even (CS_CHANGE_BFLOAT16, uint16_t elements). Every region must lie inside base
 * (checked on the CPU, else CS_INVALID_ARGUMENT); patch sizes are ignored with patches NULL.
 */
int cs_region_changes_cpu(const float* base, int64_t channels, int64_t base_height, int64_t base_width,
                          const float* patches, int64_t patch_height, int64_t patch_width, const float* fill,
                          const cs_patch_place* places, int64_t count, int64_t region_height,
                          int64_t region_width, int32_t change_type, void* changes, int32_t threads);

/*
 * CUDA twins: the same arguments and results with device pointers (places included), launched on stream (a
 * cudaStream_t; NULL = the legacy default stream), returning after the launch. Region bounds are not checked
 * (places live on the device); callers use places from cs_plan_incremental, which satisfy them.
 * CS_CUDA_UNAVAILABLE without CUDA.
 */
int cs_gather_regions_cuda(const float* base, int64_t channels, int64_t base_height, int64_t base_width,
                           const cs_patch_place* places, int64_t count, int64_t region_height,
                           int64_t region_width, float* regions, void* stream);
int cs_paste_patches_cuda(const float* patches, int64_t count, int64_t channels, int64_t patch_height,
                          int64_t patch_width, const cs_patch_place* places, float* regions,
                          int64_t region_height, int64_t region_width, void* stream);
int cs_fill_patches_cuda(const float* fill, int64_t count, int64_t channels, const cs_patch_place* places,
                         float* regions, int64_t region_height, int64_t region_width, void* stream);
int cs_region_changes_cuda(const float* base, int64_t channels, int64_t base_height, int64_t base_width,
                           const float* patches, int64_t patch_height, int64_t patch_width, const float* fill,
                           const cs_patch_place* places, int64_t count, int64_t region_height,
                           int64_t region_width, int32_t change_type, void* changes, void* stream);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CONVSCOPE_INCREMENTAL_H */
