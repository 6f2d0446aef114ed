package io.convscope.rf;

import io.convscope.UsageException;

/**
 * Which receptive field to draw.
 *
 * @param layer a layer spec as {@link io.convscope.model.LayerInventory#find} reads it; any layer before
 *              global pooling
 * @param unit  {@code {row, col}} of the unit in the layer's output, or null for the centre unit
 */
public record RfSpec(String layer, long[] unit) {
    public RfSpec {
        if (layer == null) {
            throw new UsageException("layer", "layer is required: an index (3) or module path (features.3)");
        }
        if (unit != null && unit.length != 2) {
            throw UsageException.of("unit", "is row,col: two numbers, got " + unit.length);
        }
        unit = unit == null ? null : unit.clone();
    }

    /** The centre unit of {@code layer}. */
    public static RfSpec of(String layer) {
        return new RfSpec(layer, null);
    }

    public RfSpec withUnit(long row, long col) {
        return new RfSpec(layer, new long[] {row, col});
    }

    /** Parses {@code row,col} ({@code 3,4}). */
    public static long[] parseUnit(String text) {
        String[] parts = text.split(",");
        try {
            if (parts.length == 2) {
                return new long[] {Long.parseLong(parts[0].strip()), Long.parseLong(parts[1].strip())};
            }
        } catch (NumberFormatException e) {
            // Falls through to the usage error below.
        }
        throw UsageException.of("unit", "takes row,col of a unit in the layer's output (e.g. 3,4), got '" + text
                + "'");
    }
}
