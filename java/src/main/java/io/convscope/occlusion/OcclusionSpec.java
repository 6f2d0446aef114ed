package io.convscope.occlusion;

import java.io.Serializable;

import io.convscope.UsageException;
import io.convscope.model.ModelCard;

/**
 * Everything that defines an occlusion run. {@link #defaults()} leaves window, stride and fill to the input
 * and the score to the model's card ({@link #resolvedFor}); every other field has its value.
 *
 * @param window window size, or null for {@link #defaultWindow} of the input; it covers all channels
 * @param stride step between window positions, or null for {@link #defaultStride} of the input
 * @param fill   what a window is filled with, or null for the card's mean colour (0 in tensor space, which is
 *               also the default for tensor inputs)
 * @param score  the score whose drop is mapped, or null for the one the model's card names
 *               ({@link Score#defaultFor}: the probability where it names none)
 * @param method grid (one cell per window) or captum (per pixel)
 * @param target class index, or null for the top-1 class of the unoccluded input; must be null for a score
 *               without a target ({@link Score#SIMILARITY})
 * @param raw    grid only: store {@code s(x_occluded)} instead of {@code s(x) - s(x_occluded)}
 * @param batch  windows per forward pass, or 0 to choose from a memory budget; the map does not depend on it
 * @param engine how the occluded copies are evaluated; the map does not depend on it (to float tolerance)
 */
public record OcclusionSpec(Size2 window, Size2 stride, Fill fill, Score score, Method method, Integer target,
                            boolean raw, int batch, Engine engine) implements Serializable {

    /** Sizes from the input, the mean fill, the card's score, drops on a grid, the top-1 class, engine auto. */
    public static OcclusionSpec defaults() {
        return new OcclusionSpec(null, null, null, null, Method.GRID, null, false, 0, Engine.AUTO);
    }

    /**
     * The default window for an input of {@code side} pixels (its shorter side): 50 (DESIGN.md's default, made
     * for ImageNet-sized inputs), shrunk on small inputs to a quarter of the side, at least 1: 16 on a 64 x 64
     * input, 50 from 200 pixels up.
     */
    public static Size2 defaultWindow(int side) {
        return Size2.square(Math.max(1, Math.min(50, side / 4)));
    }

    /** The default stride: 10, or a sixteenth of the side on inputs under 160 pixels (at least 1). */
    public static Size2 defaultStride(int side) {
        return Size2.square(Math.max(1, Math.min(10, side / 16)));
    }

    /**
     * This spec with its open fields decided for an input whose shorter side is {@code side} pixels, to a model
     * with {@code card}: the window and stride that were not given follow the side, the fill is the mean colour,
     * written as the number 0 for a tensor input (where "mean" means nothing to the user), and the score is the
     * one the card names.
     */
    public OcclusionSpec resolvedFor(int side, boolean tensorInput, ModelCard card) {
        return new OcclusionSpec(window != null ? window : defaultWindow(side),
                stride != null ? stride : defaultStride(side),
                fill != null ? fill : (tensorInput ? Fill.tensor(0f) : Fill.mean()),
                score != null ? score : Score.defaultFor(card), method, target, raw, batch, engine);
    }

    /** Fails with a message naming the field when the settings contradict each other or are out of range. */
    public OcclusionSpec check() {
        if (method == null || engine == null) {
            throw new UsageException("method and engine are required; start from OcclusionSpec.defaults()");
        }
        if (batch < 0) {
            throw UsageException.of("batch", "must be 1 or more (or 0 for a size from the memory budget), got "
                    + batch);
        }
        if (raw && method == Method.CAPTUM) {
            throw UsageException.of("raw", "applies to the grid method; captum maps are always drops");
        }
        if (target != null && score != null && !score.hasTarget()) {
            throw UsageException.of("target", "does not apply to the " + score.cliName() + " score, which compares "
                    + "the whole output with the unoccluded one; leave the target out");
        }
        if (target != null && target < 0) {
            throw UsageException.of("target", target + " is negative; classes are numbered from 0");
        }
        return this;
    }

    public OcclusionSpec withWindow(Size2 w, Size2 s) {
        return new OcclusionSpec(w, s, fill, score, method, target, raw, batch, engine);
    }

    public OcclusionSpec withWindow(Size2 w) {
        return new OcclusionSpec(w, stride, fill, score, method, target, raw, batch, engine);
    }

    public OcclusionSpec withStride(Size2 s) {
        return new OcclusionSpec(window, s, fill, score, method, target, raw, batch, engine);
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
