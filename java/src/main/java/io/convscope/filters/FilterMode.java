package io.convscope.filters;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import io.convscope.UsageException;

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

    public FilterNorm defaultNorm() {
        return defaultNorm;
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FilterMode parse(String text) {
        for (FilterMode mode : values()) {
            if (mode.cliName().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new UsageException("unknown filter mode '" + text + "'; choose one of: "
                + Arrays.stream(values()).map(FilterMode::cliName).collect(Collectors.joining(", ")));
    }
}
