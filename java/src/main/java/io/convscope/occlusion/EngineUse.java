package io.convscope.occlusion;

/**
 * Which engine computed a map, and why.
 *
 * @param engine      {@link Engine#FULL} or {@link Engine#INCREMENTAL}
 * @param fullMacs    counted multiply-adds per window of the full engine (convolutions and linear layers), or
 *                    -1 when they could not be counted
 * @param engineMacs  the same for the engine that ran (equal to {@code fullMacs} for the full engine)
 * @param note        one sentence: how far the incremental engine went, or why the full one ran
 */
public record EngineUse(Engine engine, long fullMacs, long engineMacs, String note) {

    /** The counted saving, full work over this engine's work; 1 for the full engine or unknown counts. */
    public double countedSpeedup() {
        return fullMacs > 0 && engineMacs > 0 ? (double) fullMacs / engineMacs : 1.0;
    }
}
