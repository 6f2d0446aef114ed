package io.convscope.occlusion;

import java.util.Arrays;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;

import io.convscope.UsageException;
import io.convscope.nativebridge.GridPolicy;
import io.convscope.nativebridge.OcclusionKernels;

/**
 * The placement of occlusion windows over a {@code height x width} input: row offsets times column offsets,
 * window {@code (i, j)} at {@code (tops[i], lefts[j])}, all of size {@code window}. Windows cover all
 * channels. Index {@code k = i * cols + j} is the order windows are evaluated and stored in.
 */
public final class WindowGrid {
    private final Method method;
    private final int height;
    private final int width;
    private final Size2 window;
    private final Size2 stride;
    private final int[] tops;
    private final int[] lefts;

    private WindowGrid(Method method, int height, int width, Size2 window, Size2 stride, int[] tops, int[] lefts) {
        this.method = method;
        this.height = height;
        this.width = width;
        this.window = window;
        this.stride = stride;
        this.tops = tops;
        this.lefts = lefts;
    }

    public static WindowGrid of(Method method, int height, int width, Size2 window, Size2 stride) {
        if (window.height() <= 0 || window.width() <= 0 || stride.height() <= 0 || stride.width() <= 0) {
            throw new UsageException("window and stride must be at least 1 pixel, got window " + window
                    + " and stride " + stride);
        }
        // A stride past the window leaves gaps, except along an axis the window spans whole (one position).
        if ((stride.height() > window.height() && window.height() < height)
                || (stride.width() > window.width() && window.width() < width)) {
            throw new UsageException("stride " + stride + " is larger than window " + window
                    + ", which would leave pixels never occluded; use a stride of at most the window");
        }
        if (window.height() > height || window.width() > width) {
            throw new UsageException("window " + window + " is larger than the " + height + "x" + width
                    + " input; use a window of at most " + height + "x" + width);
        }
        return new WindowGrid(method, height, width, window, stride,
                offsets(method, height, window.height(), stride.height()),
                offsets(method, width, window.width(), stride.width()));
    }

    /**
     * Offsets along one axis of length {@code size} for windows of {@code w} pixels, {@code s} apart: the shared
     * policy of {@code native/include/convscope/grid.h}, which the C++ runner follows too.
     */
    static int[] offsets(Method method, int size, int w, int s) {
        int placement = method == Method.CAPTUM ? GridPolicy.PLACEMENT_CAPTUM : GridPolicy.PLACEMENT_GRID;
        try (LongPointer count = new LongPointer(1)) {
            check(GridPolicy.windowOffsets(placement, size, w, s, null, 0, count));
            int[] out = new int[Math.toIntExact(count.get())];
            try (IntPointer offsets = new IntPointer(out.length)) {
                check(GridPolicy.windowOffsets(placement, size, w, s, offsets, out.length, count));
                offsets.get(out);
            }
            return out;
        }
    }

    private static void check(int status) {
        if (status != OcclusionKernels.CS_OK) {
            // of() has checked the sizes, so this is a broken invariant rather than a user's mistake.
            throw new IllegalStateException("window placement failed: " + OcclusionKernels.statusMessage(status));
        }
    }

    public Method method() {
        return method;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public Size2 window() {
        return window;
    }

    public Size2 stride() {
        return stride;
    }

    public int rows() {
        return tops.length;
    }

    public int cols() {
        return lefts.length;
    }

    public int count() {
        return tops.length * lefts.length;
    }

    public int top(int row) {
        return tops[row];
    }

    public int left(int col) {
        return lefts[col];
    }

    public int[] tops() {
        return tops.clone();
    }

    public int[] lefts() {
        return lefts.clone();
    }

    /**
     * Windows {@code from} (inclusive) to {@code to} (exclusive) as the native kernels take them: four ints
     * per window, top, left, height, width.
     */
    public int[] packed(int from, int to) {
        int[] out = new int[(to - from) * 4];
        for (int k = from; k < to; k++) {
            int o = (k - from) * 4;
            out[o] = tops[k / lefts.length];
            out[o + 1] = lefts[k % lefts.length];
            out[o + 2] = window.height();
            out[o + 3] = window.width();
        }
        return out;
    }

    @Override
    public String toString() {
        return method.cliName() + " " + rows() + "x" + cols() + " windows of " + window + " stride " + stride
                + " over " + height + "x" + width + " (tops " + Arrays.toString(tops) + ")";
    }
}
