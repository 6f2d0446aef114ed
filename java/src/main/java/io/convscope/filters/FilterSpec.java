package io.convscope.filters;

/**
 * What to draw of one convolution layer.
 *
 * @param layer    a layer spec as {@link io.convscope.model.LayerInventory#find} reads it ({@code 3}, {@code features.3})
 * @param mode     rgb, channels or collated, or null for rgb on 3-channel layers and collated on the rest
 * @param norm     normalization, or null for the mode's default
 * @param colormap colormap name for channel tiles, or null for viridis; rgb tiles take none
 * @param scale    pixels per weight (1 to 64), or 0 to choose one that makes tiles comfortably visible
 */
public record FilterSpec(String layer, FilterMode mode, FilterNorm norm, String colormap, int scale) {
    public static final String DEFAULT_COLORMAP = "viridis";
    public static final int MAX_SCALE = 64;

    public FilterSpec {
        if (layer == null) {
            throw new io.convscope.UsageException("layer", "layer is required: a conv layer's index (3) or module "
                    + "path (features.3)");
        }
        if (scale < 0 || scale > MAX_SCALE) {
            throw io.convscope.UsageException.of("scale", "must be 1.." + MAX_SCALE + " pixels per weight (or 0 for "
                    + "automatic), got " + scale);
        }
    }

    public static FilterSpec of(String layer, FilterMode mode) {
        return new FilterSpec(layer, mode, null, null, 0);
    }

    /** The layer's filters with every other setting at its default. */
    public static FilterSpec of(String layer) {
        return new FilterSpec(layer, null, null, null, 0);
    }

    /** This spec with its mode decided for a layer of {@code channels} input channels. */
    public FilterSpec resolvedFor(int channels) {
        return mode != null ? this : new FilterSpec(layer, FilterMode.defaultFor(channels), norm, colormap, scale);
    }

    public FilterSpec withMode(FilterMode m) {
        return new FilterSpec(layer, m, norm, colormap, scale);
    }

    public FilterSpec withNorm(FilterNorm n) {
        return new FilterSpec(layer, mode, n, colormap, scale);
    }

    public FilterSpec withColormap(String name) {
        return new FilterSpec(layer, mode, norm, name, scale);
    }

    public FilterSpec withScale(int pixels) {
        return new FilterSpec(layer, mode, norm, colormap, pixels);
    }

    public FilterNorm effectiveNorm() {
        return norm != null ? norm : mode.defaultNorm();
    }

    public String effectiveColormap() {
        return colormap != null ? colormap : DEFAULT_COLORMAP;
    }
}
