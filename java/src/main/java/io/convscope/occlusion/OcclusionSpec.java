package io.convscope.occlusion;

/**
 * Everything that defines an occlusion run.
 *
 * @param window window size; it covers all channels
 * @param stride step between window positions
 * @param fill   what a window is filled with
 * @param score  the score whose drop is mapped
 * @param method grid (one cell per window) or captum (per pixel)
 * @param target class index, or null for the top-1 class of the unoccluded input
 * @param raw    grid only: store {@code s(x_occluded)} instead of {@code s(x) - s(x_occluded)}
 * @param batch  windows per forward pass, or 0 to choose from a memory budget; the map does not depend on it
 * @param engine how the occluded copies are evaluated; the map does not depend on it (to float tolerance)
 */
public record OcclusionSpec(Size2 window, Size2 stride, Fill fill, Score score, Method method, Integer target,
                            boolean raw, int batch, Engine engine) {

    public static OcclusionSpec defaults() {
        return new OcclusionSpec(Size2.square(50), Size2.square(10), Fill.mean(), Score.PROB, Method.GRID, null,
                false, 0, Engine.AUTO);
    }

    /**
     * The defaults for an input of {@code side} pixels: window 50 and stride 10 (DESIGN.md's defaults, made for
     * ImageNet-sized inputs), shrunk on small inputs to a quarter and a sixteenth of the side (at least 1
     * pixel): 16 and 4 on a 64 x 64 model, 50 and 10 from 200 pixels up.
     */
    public static OcclusionSpec scaledTo(int side) {
        return defaults().withWindow(Size2.square(Math.max(1, Math.min(50, side / 4))),
                Size2.square(Math.max(1, Math.min(10, side / 16))));
    }

    public OcclusionSpec withWindow(Size2 w, Size2 s) {
        return new OcclusionSpec(w, s, fill, score, method, target, raw, batch, engine);
    }

    public OcclusionSpec withMethod(Method m) {
        return new OcclusionSpec(window, stride, fill, score, m, target, raw, batch, engine);
    }

    public OcclusionSpec withScore(Score s) {
        return new OcclusionSpec(window, stride, fill, s, method, target, raw, batch, engine);
    }

    public OcclusionSpec withFill(Fill f) {
        return new OcclusionSpec(window, stride, f, score, method, target, raw, batch, engine);
    }

    public OcclusionSpec withTarget(Integer t) {
        return new OcclusionSpec(window, stride, fill, score, method, t, raw, batch, engine);
    }

    public OcclusionSpec withBatch(int b) {
        return new OcclusionSpec(window, stride, fill, score, method, target, raw, b, engine);
    }

    public OcclusionSpec withEngine(Engine e) {
        return new OcclusionSpec(window, stride, fill, score, method, target, raw, batch, e);
    }

    public OcclusionSpec withRaw(boolean r) {
        return new OcclusionSpec(window, stride, fill, score, method, target, r, batch, engine);
    }
}
