package io.convscope.rf;

import java.util.Locale;

/**
 * The receptive field of a layer's units in input pixels, per axis, or the mark that every unit sees the whole
 * input ({@link #wholeInput()}).
 *
 * <p>Coordinates are 0-based pixel centres: pixel {@code i} of the input is at {@code i}, so the input's first
 * pixel is at 0 (the convention {@code start_0 = 0}; Araujo et al. put it at 0.5). The unit {@code u} along an
 * axis sees the input pixels {@code start + u * jump ± (size - 1) / 2}; its first pixel is always a whole
 * number, and may be negative (padding) or beyond the input.
 *
 * @param global true when every unit depends on the whole input (a global pool, a Linear layer); the axes are
 *               then null
 * @param rows   the vertical axis
 * @param cols   the horizontal axis
 */
public record ReceptiveField(boolean global, Axis rows, Axis cols) {

    /**
     * One axis of a receptive field.
     *
     * @param size       how many input pixels one unit sees (r)
     * @param jump       input pixels between neighbouring units (j, the effective stride)
     * @param start      centre of the first unit, in input pixels (may be fractional: even windows)
     * @param outputSize how many units the layer has along this axis for the model card's input size
     */
    public record Axis(long size, long jump, double start, long outputSize) {
        /** First input pixel that unit {@code u} sees. */
        public long first(long u) {
            return Math.round(start + u * jump - (size - 1) / 2.0);
        }

        /** Last input pixel that unit {@code u} sees. */
        public long last(long u) {
            return first(u) + size - 1;
        }
    }

    private static final ReceptiveField GLOBAL = new ReceptiveField(true, null, null);

    public static ReceptiveField wholeInput() {
        return GLOBAL;
    }

    public static ReceptiveField of(Axis rows, Axis cols) {
        return new ReceptiveField(false, rows, cols);
    }

    /** The middle unit, rounding up-left for even sizes: {@code {(rows - 1) / 2, (cols - 1) / 2}}. */
    public long[] centreUnit() {
        requireLocal();
        return new long[] {(rows.outputSize() - 1) / 2, (cols.outputSize() - 1) / 2};
    }

    /** The input pixels unit {@code (row, col)} sees, before clipping to the image. */
    public Region region(long row, long col) {
        requireLocal();
        return new Region(rows.first(row), cols.first(col), rows.last(row), cols.last(col));
    }

    /** {@code 11} when both axes agree, else rows x cols ({@code 26x18}); {@code global} for global fields. */
    public String sizeText() {
        return global ? "global" : pairText(rows.size(), cols.size());
    }

    public String jumpText() {
        return global ? "-" : pairText(rows.jump(), cols.jump());
    }

    public String startText() {
        return global ? "-" : rows.start() == cols.start() ? number(rows.start())
                : number(rows.start()) + "x" + number(cols.start());
    }

    private void requireLocal() {
        if (global) {
            throw new IllegalStateException("a global receptive field has no units to locate");
        }
    }

    private static String pairText(long r, long c) {
        return r == c ? Long.toString(r) : r + "x" + c;
    }

    /** {@code 3} for 3.0, {@code 4.5} for 4.5. */
    static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    /**
     * Input pixels {@code top..bottom} x {@code left..right}, inclusive; may reach outside the image.
     */
    public record Region(long top, long left, long bottom, long right) {
        public long height() {
            return bottom - top + 1;
        }

        public long width() {
            return right - left + 1;
        }

        /** The part inside a {@code height x width} image, or null when there is none. */
        public Region clippedTo(long imageHeight, long imageWidth) {
            Region r = new Region(Math.max(0, top), Math.max(0, left), Math.min(imageHeight - 1, bottom),
                    Math.min(imageWidth - 1, right));
            return r.top > r.bottom || r.left > r.right ? null : r;
        }

        /** Pixels cut off on each side by a {@code height x width} image: {@code {top, left, bottom, right}}. */
        public long[] overhang(long imageHeight, long imageWidth) {
            return new long[] {Math.max(0, -top), Math.max(0, -left), Math.max(0, bottom - (imageHeight - 1)),
                    Math.max(0, right - (imageWidth - 1))};
        }
    }
}
