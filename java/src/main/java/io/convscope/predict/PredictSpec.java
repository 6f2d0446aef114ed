package io.convscope.predict;

import java.nio.file.Path;

import io.convscope.UsageException;

/**
 * What a prediction lists.
 *
 * @param topk   how many classes, highest probability first; at least 1
 * @param labels a text file of class names, one per line in output order, or null for the model card's
 *               labels (else ImageNet's for 1000-class models, else the indices)
 */
public record PredictSpec(int topk, Path labels) {
    public static final int DEFAULT_TOPK = 5;

    public PredictSpec {
        if (topk < 1) {
            throw UsageException.of("topk", "must be 1 or more, got " + topk);
        }
    }

    /** The top 5 classes, named as {@link ClassNames#forModel} finds them. */
    public static PredictSpec defaults() {
        return new PredictSpec(DEFAULT_TOPK, null);
    }

    public PredictSpec withTopk(int k) {
        return new PredictSpec(k, labels);
    }

    public PredictSpec withLabels(Path file) {
        return new PredictSpec(topk, file);
    }
}
