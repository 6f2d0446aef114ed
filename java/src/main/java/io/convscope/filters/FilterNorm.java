package io.convscope.filters;

import io.convscope.Choices;

/**
 * How weights become intensities in [0, 1]. Whatever the rule, a set of equal weights (a constant filter or
 * tile) maps to 0.5, mid-gray, never NaN.
 */
public enum FilterNorm {
    /** {@code (w - min) / (max - min)} over each tile on its own. */
    MINMAX,
    /**
     * {@code clip((w - mean) / std + 0.5, 0, 1)} with the mean and (population) standard deviation of the whole
     * filter, all its channels together: the formula of the article's {@code plot_weights}.
     */
    ZSCORE,
    /** {@code (w - min) / (max - min)} with one min and max for the whole layer, so magnitudes compare. */
    GLOBAL;

    public String cliName() {
        return Choices.cliName(this);
    }

    public static FilterNorm parse(String text) {
        return Choices.parse(FilterNorm.class, text, "normalization");
    }
}
