package io.convscope.activations;

import io.convscope.UsageException;

/**
 * What to show of a layer's feature maps.
 *
 * @param layer    a layer spec as {@link io.convscope.model.LayerInventory#find} reads it ({@code 3},
 *                 {@code features.3}); any layer with a C x H x W output
 * @param top      draw only the {@code top} maps with the highest mean, or 0 for all
 * @param colormap colormap name, or null for viridis
 * @param scale    pixels per activation (1 to 64), or 0 to choose one
 */
public record ActivationSpec(String layer, int top, String colormap, int scale) {
    public static final String DEFAULT_COLORMAP = "viridis";

    public ActivationSpec {
        if (top < 0) {
            throw UsageException.of("top", "must be 1 or more (or 0 for every map), got " + top);
        }
        if (scale < 0 || scale > 64) {
            throw UsageException.of("scale", "must be 1..64 pixels per activation (or 0 for automatic), got " + scale);
        }
    }

    /** Every map of {@code layer}, viridis, automatic scale. */
    public static ActivationSpec of(String layer) {
        return new ActivationSpec(layer, 0, null, 0);
    }

    public ActivationSpec withTop(int n) {
        return new ActivationSpec(layer, n, colormap, scale);
    }

    public ActivationSpec withColormap(String name) {
        return new ActivationSpec(layer, top, name, scale);
    }

    public ActivationSpec withScale(int pixels) {
        return new ActivationSpec(layer, top, colormap, pixels);
    }

    public String effectiveColormap() {
        return colormap == null ? DEFAULT_COLORMAP : colormap;
    }
}
