package io.convscope.occlusion;

import java.util.Locale;

import io.convscope.UsageException;

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
        return name().toLowerCase(Locale.ROOT);
    }

    public static Method parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "grid" -> GRID;
            case "captum" -> CAPTUM;
            default -> throw new UsageException("unknown occlusion method '" + text + "'; choose grid or captum");
        };
    }
}
