package io.convscope.predict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import io.convscope.Device;
import io.convscope.UsageException;
import io.convscope.image.Input;
import io.convscope.image.InputImage;
import io.convscope.model.Inference;
import io.convscope.model.TorchModel;

/** The top-k classes of a model's scores, with softmax probabilities. */
public final class Predictions {
    private Predictions() {
    }

    /**
     * The door to predictions: prepares the input as the model's card says, places the model on the device,
     * runs it once and names its top classes.
     */
    public static PredictionResult run(TorchModel model, Input input, PredictSpec spec, Device device) {
        InputImage image = input.prepare(model.card());
        return run(model, image, spec, device);
    }

    /**
     * The top classes for analyses that show them beside others (a report entry, a batch row): none for a model
     * that outputs an embedding, which has no classes, where {@link #run} refuses it.
     */
    public static List<Prediction> topOfClassifier(TorchModel model, InputImage image, PredictSpec spec,
                                                   Device device) {
        return model.card().outputsEmbedding() ? List.of() : run(model, image, spec, device).top();
    }

    /** The predictions for an input already prepared for this model. */
    public static PredictionResult run(TorchModel model, InputImage image, PredictSpec spec, Device device) {
        if (model.card().outputsEmbedding()) {
            throw new UsageException("model " + model.card().name() + " outputs an embedding (its card's score is "
                    + "similarity), not class scores, so it has no classes to predict; map it with the similarity "
                    + "score instead");
        }
        model.placeOn(device);
        float[] scores = Inference.classScores(model, new long[] {1, image.channels(), image.height(), image.width()},
                image.tensor());
        ClassNames names = ClassNames.forModel(model.card(), scores.length, spec.labels());
        return new PredictionResult(model.file(), image.source(), names.source(),
                topK(scores, names.names(), spec.topk()));
    }

    /**
     * The {@code k} highest scores, highest first (equal scores: lower index first), with
     * {@code p_i = exp(s_i - max) / sum_j exp(s_j - max)}, computed in double precision. {@code k} larger than
     * the number of classes gives them all.
     */
    public static List<Prediction> topK(float[] scores, List<String> names, int k) {
        if (k < 1) {
            throw UsageException.of("topk", "must be 1 or more, got " + k);
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
