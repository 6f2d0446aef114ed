package io.convscope.batch;

import java.io.Serializable;

import io.convscope.UsageException;
import io.convscope.image.ImageLoader;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.predict.PredictSpec;

/**
 * What is computed for each image of a batch. Serializable: Spark ships it to the executors.
 *
 * @param occlusion the map's spec; its open fields are decided per image, as {@code Occlusion.run} does
 * @param topk      how many classes the table lists
 * @param overlays  also write each map over its image as a PNG
 * @param maxPixels the largest image read, in pixels; a larger one becomes a row with its error
 */
public record ImageSettings(OcclusionSpec occlusion, int topk, boolean overlays, long maxPixels)
        implements Serializable {
    public ImageSettings {
        occlusion.check();
        if (topk < 1) {
            throw UsageException.of("topk", "must be 1 or more, got " + topk);
        }
        if (maxPixels < 1) {
            throw UsageException.of("maxPixels", "must be 1 or more, got " + maxPixels);
        }
    }

    /** The default map, the top 5 classes, no overlays, images up to 100 megapixels. */
    public static ImageSettings defaults() {
        return new ImageSettings(OcclusionSpec.defaults(), PredictSpec.DEFAULT_TOPK, false,
                ImageLoader.DEFAULT_MAX_PIXELS);
    }

    public ImageSettings withOcclusion(OcclusionSpec spec) {
        return new ImageSettings(spec, topk, overlays, maxPixels);
    }

    public ImageSettings withTopk(int k) {
        return new ImageSettings(occlusion, k, overlays, maxPixels);
    }

    public ImageSettings withOverlays(boolean on) {
        return new ImageSettings(occlusion, topk, on, maxPixels);
    }

    public ImageSettings withMaxPixels(long pixels) {
        return new ImageSettings(occlusion, topk, overlays, pixels);
    }
}
