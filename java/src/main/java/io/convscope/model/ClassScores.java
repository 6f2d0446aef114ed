package io.convscope.model;

import io.convscope.ConvscopeException;
import io.convscope.Finite;

/**
 * What predictions and occlusion need from a model's output: one row of finite class scores, {@code 1 x K}.
 * A segmentation model's {@code 1 x K x H x W} output flattened would give K·H·W meaningless "classes".
 */
public final class ClassScores {
    private ClassScores() {
    }

    /** Fails, naming the shape the model gave, unless {@code shape} is {@code 1 x K}. */
    public static void requireOneRow(long[] shape, String use) {
        if (shape.length != 2 || shape[0] != 1) {
            throw new ConvscopeException("the model outputs shape " + LayerInfo.format(shape) + ", and " + use
                    + " needs one row of class scores (1 x K); use a classifier, or a model that ends in one");
        }
    }

    /** Fails unless every score is finite: a NaN score has no rank and no probability. */
    public static void requireFinite(float[] scores, String what) {
        String problem = Finite.problem(scores, what);
        if (problem != null) {
            throw new ConvscopeException(problem + " (the model's weights or its input hold NaN or infinity, or "
                    + "it overflows)");
        }
    }
}
