package io.convscope.nativebridge;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JNI binding of {@code native/include/convscope/incremental.h}: the plan of an exact incremental occlusion
 * run, and the kernels that gather regions of a base activation, paste patches into them and fill windows.
 * Semantics, layouts and preconditions are the header's.
 *
 * <p>The header's structs are passed as raw memory, as {@link OcclusionKernels} passes windows: a chain layer
 * is {@link #LAYER_INTS} ints, a place {@link #PLACE_INTS} ints, and a layer plan {@link #PLAN_BYTES} bytes
 * (two int64 counts, then {@code incremental, patch[2], region[2], pad_before[2], pad_after[2], reserved});
 * the native side asserts those layouts at compile time.
 */
@Platform(include = "convscope/incremental.h", link = "convscope_core")
public final class IncrementalKernels {
    static {
        Loader.load();
    }

    /** Ints per chain layer: kind, kernel[2], stride[2], padding[2], dilation[2], in/out channels, groups,
     *  in_size[2], out_size[2]. */
    public static final int LAYER_INTS = 16;
    /** Ints per place: region top/left, paste top/left/height/width, patch top/left. */
    public static final int PLACE_INTS = 8;
    /** Bytes per layer plan. */
    public static final int PLAN_BYTES = 56;

    /** Layer kinds ({@code cs_layer_kind}). */
    public static final int LAYER_CONV = 0;
    public static final int LAYER_MAX_POOL = 1;
    public static final int LAYER_AVG_POOL = 2;
    public static final int LAYER_POINTWISE = 3;

    private IncrementalKernels() {
    }

    /** {@code cs_plan_incremental}; {@code plans} holds {@code layerCount * PLAN_BYTES} bytes. */
    @Name("cs_plan_incremental")
    public static native int plan(@Cast("const cs_chain_layer*") IntPointer layers, int layerCount, int height,
                                  int width, @Cast("const cs_window*") IntPointer windows, long windowCount,
                                  double fullFraction, @Cast("cs_layer_plan*") BytePointer plans,
                                  @Cast("cs_patch_place*") IntPointer places, IntPointer incrementalLayers);

    /** The share of a layer's output above which patches give way to full tensors: the shared policy. */
    @Name("cs_incremental_full_fraction")
    public static native double fullFraction();

    /** The counted saving under which an automatic choice keeps the full engine: the shared policy. */
    @Name("cs_incremental_min_speedup")
    public static native double minSpeedup();

    @Name("cs_gather_regions_cpu")
    public static native int gatherCpu(@Const FloatPointer base, long channels, long baseHeight, long baseWidth,
                                       @Cast("const cs_patch_place*") IntPointer places, long count,
                                       long regionHeight, long regionWidth, FloatPointer regions, int threads);

    @Name("cs_paste_patches_cpu")
    public static native int pasteCpu(@Const FloatPointer patches, long count, long channels, long patchHeight,
                                      long patchWidth, @Cast("const cs_patch_place*") IntPointer places,
                                      FloatPointer regions, long regionHeight, long regionWidth, int threads);

    @Name("cs_fill_patches_cpu")
    public static native int fillCpu(@Const FloatPointer fill, long count, long channels,
                                     @Cast("const cs_patch_place*") IntPointer places, FloatPointer regions,
                                     long regionHeight, long regionWidth, int threads);

    @Name("cs_gather_regions_cuda")
    public static native int gatherCuda(@Const FloatPointer base, long channels, long baseHeight, long baseWidth,
                                        @Cast("const cs_patch_place*") IntPointer places, long count,
                                        long regionHeight, long regionWidth, FloatPointer regions, Pointer stream);

    @Name("cs_paste_patches_cuda")
    public static native int pasteCuda(@Const FloatPointer patches, long count, long channels, long patchHeight,
                                       long patchWidth, @Cast("const cs_patch_place*") IntPointer places,
                                       FloatPointer regions, long regionHeight, long regionWidth, Pointer stream);

    @Name("cs_fill_patches_cuda")
    public static native int fillCuda(@Const FloatPointer fill, long count, long channels,
                                      @Cast("const cs_patch_place*") IntPointer places, FloatPointer regions,
                                      long regionHeight, long regionWidth, Pointer stream);
}
