package io.convscope.nativebridge;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JNI binding of {@code native/include/convscope/occlusion.h}: the fused kernels that write one occluded
 * copy of an image per window straight into a batch buffer, on the CPU or on a CUDA device.
 *
 * <p>The semantics, layouts and preconditions are those of the header; in short, for image {@code C x H x W}
 * and {@code N} windows, {@code out} ({@code N x C x H x W}) receives copy {@code k} of the image with
 * window {@code k}, clipped to the image, set to {@code fill[c]} in every channel {@code c}. All buffers
 * are dense float32, row-major.
 *
 * <p>Windows are passed as an {@link IntPointer} of {@code 4 * windowCount} ints, four per window in the
 * order {@code top, left, height, width}: exactly the memory layout of the C struct {@code cs_window}, so
 * no struct mapping is needed (see {@link #WINDOW_INTS}).
 *
 * <p>JavaCPP passes a pointer's address plus its {@code position()}: a {@link FloatPointer} obtained from
 * a LibTorch tensor ({@code data_ptr_float()}) can be handed over as is, on the host or on the device.
 *
 * <p>Every function returns a status ({@link #CS_OK} etc.); {@link #statusMessage(int)} turns it into a
 * sentence. Nothing here throws for a bad argument: callers turn statuses into their own errors.
 *
 * <p>Linking: the JNI library links only {@code libconvscope_core.a} (built by CMake into
 * {@code target/native-build}); in a CUDA build that archive also carries the static CUDA runtime, so the
 * same annotation serves CPU-only and CUDA builds and the JNI library needs no CUDA or LibTorch library.
 */
@Platform(include = "convscope/occlusion.h", link = "convscope_core")
public final class OcclusionKernels {
    static {
        Loader.load();
    }

    /** Success. */
    public static final int CS_OK = 0;
    /** A precondition was violated; nothing was written. */
    public static final int CS_INVALID_ARGUMENT = 1;
    /** Built without CUDA, or no CUDA driver or device; nothing was written. */
    public static final int CS_CUDA_UNAVAILABLE = 2;
    /** The CUDA runtime rejected the kernel launch. */
    public static final int CS_CUDA_ERROR = 3;

    /** Ints per window in a window buffer: top, left, height, width. */
    public static final int WINDOW_INTS = 4;

    private OcclusionKernels() {
    }

    /**
     * Writes {@code windowCount} occluded copies of {@code image} into {@code out} on the CPU
     * ({@code cs_occlude_batch_cpu}).
     *
     * @param image       {@code channels * height * width} floats
     * @param windows     {@code 4 * windowCount} ints: top, left, height, width per window; height and
     *                    width at least 1, top and left anything (windows are clipped to the image)
     * @param fill        {@code channels} floats, the value written inside the window per channel
     * @param out         {@code windowCount * channels * height * width} floats, written, never read
     * @param threads     most threads to use, the calling one included; {@code <= 0} means all cores
     * @return {@link #CS_OK} or {@link #CS_INVALID_ARGUMENT}
     */
    @Name("cs_occlude_batch_cpu")
    public static native int occludeBatchCpu(@Const FloatPointer image, long channels, long height, long width,
                                             @Cast("const cs_window*") IntPointer windows, long windowCount,
                                             @Const FloatPointer fill, FloatPointer out, int threads);

    /**
     * The CUDA twin of {@link #occludeBatchCpu}: the same arguments as device pointers, and the CUDA stream
     * to launch on ({@code cudaStream_t}; {@code null} = the legacy default stream). Returns after the
     * launch; synchronise the stream before reading {@code outDevice} on the host. Window sizes are not
     * checked here (they are on the device); an empty window fills nothing.
     *
     * @return {@link #CS_OK}, {@link #CS_INVALID_ARGUMENT}, {@link #CS_CUDA_UNAVAILABLE} or
     *         {@link #CS_CUDA_ERROR}
     */
    @Name("cs_occlude_batch_cuda")
    public static native int occludeBatchCuda(@Const FloatPointer imageDevice, long channels, long height,
                                              long width, @Cast("const cs_window*") IntPointer windowsDevice,
                                              long windowCount, @Const FloatPointer fillDevice,
                                              FloatPointer outDevice, Pointer stream);

    /** A sentence describing a status ({@code cs_status_message}); never null. */
    @Name("cs_status_message")
    public static native @Cast("const char*") String statusMessage(int status);

    /** Whether this build of the native library contains the CUDA kernels ({@code cs_cuda_compiled}). */
    public static boolean cudaCompiled() {
        return csCudaCompiled() != 0;
    }

    /** CUDA devices the kernels can use; 0 without CUDA, driver or device ({@code cs_cuda_device_count}). */
    @Name("cs_cuda_device_count")
    public static native int cudaDeviceCount();

    @Name("cs_cuda_compiled")
    private static native int csCudaCompiled();
}
