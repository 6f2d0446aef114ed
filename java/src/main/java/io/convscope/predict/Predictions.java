package io.convscope.predict;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import io.convscope.UsageException;
import io.convscope.image.InputImage;
import io.convscope.model.Inference;
import io.convscope.model.TorchModel;

/** The top-k classes of a model's scores, with softmax probabilities. */
public final class Predictions {
    private Predictions() {
    }

    /** Runs the model on the image and names its top {@code k} classes (labels file null: see ClassNames). */
    public static List<Prediction> of(TorchModel model, InputImage image, int k, Path labels) {
        float[] scores = Inference.classScores(model, new long[] {1, image.channels(), image.height(), image.width()},
                image.tensor());
        return topK(scores, ClassNames.forModel(model.card(), scores.length, labels).names(), k);
    }

    /**
     * The {@code k} highest scores, highest first (equal scores: lower index first), with
     * {@code p_i = exp(s_i - max) / sum_j exp(s_j - max)}, computed in double precision. {@code k} larger than
     * the number of classes gives them all.
     */
    public static List<Prediction> topK(float[] scores, List<String> names, int k) {
        if (k < 1) {
            throw new UsageException("--topk must be 1 or more, got " + k);
        }
        if (names.size() != scores.length) {
            throw new IllegalArgumentException(names.size() + " names for " + scores.length + " scores");
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        double sum = 0;
        for (float s : scores) {
            sum += Math.exp(s - max);
        }
        int[] order = IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]))
                .mapToInt(Integer::intValue).toArray();
        List<Prediction> result = new ArrayList<>();
        for (int rank = 0; rank < Math.min(k, scores.length); rank++) {
            int i = order[rank];
            result.add(new Prediction(rank + 1, i, names.get(i), Math.exp(scores[i] - max) / sum, scores[i]));
        }
        return result;
    }
}
