package io.convscope.activations;

import io.convscope.UsageException;

/**
 * How to draw feature maps.
 *
 * @param top      draw only the {@code top} maps with the highest mean activation; 0 draws them all
 * @param colormap colormap name, null for viridis
 * @param scale    pixels per activation, 0 for automatic (tiles of about 48 px)
 */
public record ActivationSpec(int top, String colormap, int scale) {
    public static final String DEFAULT_COLORMAP = "viridis";

    public ActivationSpec {
        if (top < 0) {
            throw new UsageException("--top must be 1 or more (or 0 for every map), got " + top);
        }
        if (scale < 0 || scale > 64) {
            throw new UsageException("--scale must be 1..64 pixels per activation, got " + scale);
        }
    }

    public static ActivationSpec defaults() {
        return new ActivationSpec(0, null, 0);
    }

    public String effectiveColormap() {
        return colormap == null ? DEFAULT_COLORMAP : colormap;
    }
}
