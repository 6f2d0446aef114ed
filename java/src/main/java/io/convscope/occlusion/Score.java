package io.convscope.occlusion;

import io.convscope.Choices;
import io.convscope.ConvscopeException;
import io.convscope.model.ModelCard;

/**
 * The number whose drop the map shows. For a classifier's logits {@code z} and target {@code t}:
 * <ul>
 * <li>{@link #PROB}: {@code softmax(z)[t]}, in [0, 1]. It saturates on a confident prediction: with the target's
 * logit 10 above each of 6 others, {@code 1 - p} is {@code 6 e^-10 = 2.7e-4}, so hiding a part that halves the
 * gap of 20 moves the probability by less than 3e-4.</li>
 * <li>{@link #LOGIT}: {@code z[t]}, unbounded; it also moves when every logit moves together, which the
 * probability ignores.</li>
 * <li>{@link #LOGPROB}: {@code log softmax(z)[t] = z[t] - logsumexp(z)}, at most 0. Unbounded below, so a
 * window that destroys the class shows as a large drop, but near 1 it is {@code log p ≈ p - 1} and saturates
 * as the probability does.</li>
 * <li>{@link #SIMILARITY}: for embedding models (the output is a descriptor, not class scores): the cosine
 * similarity {@code z·b / (|z| |b|)} of the output {@code z} to the unoccluded output {@code b}; the base score
 * is 1 and a drop is {@code 1 - cos}. It has no target.</li>
 * </ul>
 */
public enum Score {
    PROB("probability"),
    LOGIT("logit"),
    LOGPROB("log-probability"),
    SIMILARITY("cosine similarity to the unoccluded output");

    private final String meaning;

    Score(String meaning) {
        this.meaning = meaning;
    }

    /** The score in words, for captions: "probability", "log-probability". */
    public String meaning() {
        return meaning;
    }

    /** Whether the score is of one class (a target), rather than of the whole output. */
    public boolean hasTarget() {
        return this != SIMILARITY;
    }

    public String cliName() {
        return Choices.cliName(this);
    }

    public static Score parse(String text) {
        return Choices.parse(Score.class, text, "score");
    }

    /** The score a model's card names for it, else the probability (the score of a plain classifier). */
    public static Score defaultFor(ModelCard card) {
        if (card.score() == null) {
            return PROB;
        }
        try {
            return parse(card.score());
        } catch (ConvscopeException e) {
            throw new ConvscopeException("model card '" + card.name() + "': " + e.getMessage());
        }
    }
}
