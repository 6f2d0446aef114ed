package io.convscope;

/** NaN or infinity in an input or a model's output makes every number derived from it meaningless: refuse it. */
public final class Finite {
    private Finite() {
    }

    /** Null when every value is finite, else a message naming {@code what}, the first bad value and where it is. */
    public static String problem(float[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return what + " holds " + values[i] + " at flat index " + i + " of " + values.length
                        + "; every value must be a finite number";
            }
        }
        return null;
    }
}
