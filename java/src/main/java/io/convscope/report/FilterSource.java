package io.convscope.report;

import java.nio.file.Path;

/**
 * One filter picture a report shows: a convolution of the report's model, or of another model. The other model
 * is how a page puts beside a net the first-layer filters of a bigger one trained on the same kind of images
 * (the demo shows the face recognition net's 7x7 filters next to the expression net's analyses).
 *
 * @param model the model file, or null for the report's own model
 * @param layer the convolution (a spec as {@link io.convscope.model.LayerInventory#find} reads it), or null for
 *              the model's first convolution
 */
public record FilterSource(Path model, String layer) {
    /** A convolution of the report's own model. */
    public static FilterSource own(String layer) {
        return new FilterSource(null, layer);
    }

    /** The first convolution of another model. */
    public static FilterSource firstOf(Path model) {
        return new FilterSource(model, null);
    }
}
