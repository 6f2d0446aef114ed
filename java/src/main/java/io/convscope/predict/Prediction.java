package io.convscope.predict;

/**
 * One of the top-k classes.
 *
 * @param rank        1 for the most probable class
 * @param index       the class's output index
 * @param label       its name
 * @param probability softmax of the scores, in [0, 1]
 * @param score       the raw score (logit) the model output
 */
public record Prediction(int rank, int index, String label, double probability, double score) {
}
