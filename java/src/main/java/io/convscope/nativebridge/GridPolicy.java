package io.convscope.nativebridge;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JNI binding of {@code native/include/convscope/grid.h}: where occlusion windows go and how many go through the
 * model at once, the policy the C++ runner follows too. Semantics are the header's.
 */
@Platform(include = "convscope/grid.h", link = "convscope_core")
public final class GridPolicy {
    static {
        Loader.load();
    }

    /** Placements ({@code cs_placement}). */
    public static final int PLACEMENT_GRID = 0;
    public static final int PLACEMENT_CAPTUM = 1;

    private GridPolicy() {
    }

    @Name("cs_window_offsets")
    public static native int windowOffsets(int placement, long size, long window, long stride, IntPointer offsets,
                                           long capacity, @Cast("int64_t*") LongPointer count);

    @Name("cs_even_chunks")
    public static native long evenChunks(long count, long most);

    @Name("cs_chunk_windows")
    public static native long chunkWindows(long windowCount, long channels, long height, long width, int cuda);

    @Name("cs_head_windows")
    public static native long headWindows(long elementsPerWindow, long chunkWindows, long windowCount);
}
