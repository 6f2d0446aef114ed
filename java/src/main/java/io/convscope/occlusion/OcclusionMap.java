package io.convscope.occlusion;

/**
 * The result of an occlusion run.
 *
 * @param values     {@code rows x cols} floats, row-major: for grid, one cell per window (row i follows image
 *                   rows); for captum, one per input pixel
 * @param grid       where the windows were
 * @param target     the class whose score was mapped, or {@link #NO_TARGET} for a score of the whole output
 *                   ({@link Score#SIMILARITY})
 * @param label      its name, or null when the model has no labels or there is no target
 * @param baseScore  the score of the unoccluded input
 * @param windowScores the score of each occluded input, window order
 * @param batch      windows per forward pass actually used
 * @param elapsedMs  wall time of the whole run, base pass and engine set-up included
 * @param scoringMs  wall time of scoring the windows alone, chunk after chunk
 * @param scored     windows scored: all of the grid's, except in a benchmark's partial run
 * @param engine     which engine computed the map, its counted work, and why
 */
public record OcclusionMap(float[] values, int rows, int cols, WindowGrid grid, OcclusionSpec spec, int target,
                           String label, float baseScore, float[] windowScores, int batch, double elapsedMs,
                           double scoringMs, int scored, EngineUse engine) {

    /** The target of a map whose score has none. */
    public static final int NO_TARGET = -1;

    /** What was scored, in words: {@code class 1 (happy)}, or {@code the whole output}. */
    public String subject() {
        if (target == NO_TARGET) {
            return "the whole output";
        }
        return "class " + target + (label == null ? "" : " (" + label + ")");
    }

    public float at(int row, int col) {
        return values[row * cols + col];
    }

    /** Windows per second of the whole run, set-up included. */
    public double windowsPerSecond() {
        return scored / (elapsedMs / 1000.0);
    }

    /** Windows per second of scoring alone: what a benchmark compares between engines. */
    public double scoringWindowsPerSecond() {
        return scored / (scoringMs / 1000.0);
    }

    /** Index of the largest value (row * cols + col); ties go to the first. */
    public int argmax() {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    public int argmin() {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] < values[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * A per-pixel view for drawing: each pixel gets the mean of the cells whose windows cover it (for captum
     * maps, the values themselves). Every pixel is covered, because both placements reach every edge.
     */
    public float[] perPixel() {
        if (grid.method() == Method.CAPTUM) {
            return values.clone();
        }
        return PixelAverager.average(grid, values);
    }
}
