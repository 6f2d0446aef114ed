package io.convscope.filters;

/**
 * What to draw of one convolution layer.
 *
 * @param layer    a layer spec as {@link io.convscope.model.LayerInventory#find} reads it ({@code 3}, {@code features.3})
 * @param mode     rgb, channels or collated
 * @param norm     normalization, or null for the mode's default
 * @param colormap colormap name for channel tiles, or null for viridis; rgb tiles take none
 * @param scale    pixels per weight, or 0 to choose one that makes tiles comfortably visible
 */
public record FilterSpec(String layer, FilterMode mode, FilterNorm norm, String colormap, int scale) {
    public static final String DEFAULT_COLORMAP = "viridis";

    public static FilterSpec of(String layer, FilterMode mode) {
        return new FilterSpec(layer, mode, null, null, 0);
    }

    public FilterNorm effectiveNorm() {
        return norm != null ? norm : mode.defaultNorm();
    }

    public String effectiveColormap() {
        return colormap != null ? colormap : DEFAULT_COLORMAP;
    }
}
