package io.convscope.occlusion;

import io.convscope.Choices;

/** Where windows go and what the map holds. */
public enum Method {
    /**
     * Windows at 0, s, 2s, … while they fit, plus one flush with the far edge when the steps miss it, so every
     * pixel is covered by a full-size window. The map has one cell per window: rows follow image rows.
     */
    GRID,
    /**
     * Captum's {@code Occlusion}: {@code ceil((D - w) / s) + 1} windows per axis at 0, s, 2s, …, the last one
     * cut off at the border; the map is per pixel, the mean drop over the windows that cover the pixel.
     */
    CAPTUM;

    public String cliName() {
        return Choices.cliName(this);
    }

    public static Method parse(String text) {
        return Choices.parse(Method.class, text, "occlusion method");
    }
}
