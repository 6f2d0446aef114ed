package io.convscope.filters;

import io.convscope.Choices;

/** How a convolution's filters are drawn. */
public enum FilterMode {
    /** One RGB tile per filter; needs exactly 3 input channels. */
    RGB(FilterNorm.MINMAX),
    /** One colormapped tile per (filter, input channel), each on its own scale by default. */
    CHANNELS(FilterNorm.MINMAX),
    /** One compact image of all filters (rows) x input channels (columns) on one shared scale. */
    COLLATED(FilterNorm.GLOBAL);

    private final FilterNorm defaultNorm;

    FilterMode(FilterNorm defaultNorm) {
        this.defaultNorm = defaultNorm;
    }

    /** rgb when a layer's filters have 3 input channels (they can be seen as colours), else collated. */
    public static FilterMode defaultFor(int channels) {
        return channels == 3 ? RGB : COLLATED;
    }

    public FilterNorm defaultNorm() {
        return defaultNorm;
    }

    public String cliName() {
        return Choices.cliName(this);
    }

    public static FilterMode parse(String text) {
        return Choices.parse(FilterMode.class, text, "filter mode");
    }
}
