package io.convscope.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.convscope.UsageException;
import io.convscope.image.ImageLoader;
import io.convscope.occlusion.OcclusionSpec;

/**
 * What a report shows.
 *
 * @param images    the input images, in page order; at least one
 * @param layer     the layer whose receptive field and activations are shown for each image (a spec as
 *                  {@link io.convscope.model.LayerInventory#find} reads it), or null for the last convolution
 *                  whose units see part of the input
 * @param occlusion the occlusion settings; window, stride and fill left open follow the model's input size
 * @param topk      how many classes each image's prediction table lists
 * @param maps      how many of the layer's feature maps to draw, most active first
 * @param maxPixels the largest image read, in pixels (see {@link ImageLoader#DEFAULT_MAX_PIXELS})
 * @param filters   the filter pictures, in page order, or null for every convolution of the model
 * @param credits   where an image comes from and under which licence, shown under its heading; images that are
 *                  not keys have no credit line
 */
public record ReportSpec(List<Path> images, String layer, OcclusionSpec occlusion, int topk, int maps,
                         long maxPixels, List<FilterSource> filters, Map<Path, String> credits) {
    public static final int DEFAULT_TOPK = 5;
    public static final int DEFAULT_MAPS = 16;

    public ReportSpec {
        images = List.copyOf(images);
        filters = filters == null ? null : List.copyOf(filters);
        credits = Map.copyOf(credits);
        if (images.isEmpty()) {
            throw new UsageException("images", "a report needs at least one image; give images");
        }
        if (occlusion == null) {
            throw new UsageException("occlusion", "occlusion settings are required; start from "
                    + "OcclusionSpec.defaults()");
        }
        if (topk < 1) {
            throw UsageException.of("topk", "must be 1 or more, got " + topk);
        }
        if (maxPixels < 1) {
            throw UsageException.of("maxPixels", "must be 1 or more, got " + maxPixels);
        }
        if (maps < 1) {
            throw new UsageException("the report draws at least one feature map, got " + maps);
        }
    }

    /** The images with every other setting at its default. */
    public static ReportSpec of(List<Path> images) {
        return new ReportSpec(images, null, OcclusionSpec.defaults(), DEFAULT_TOPK, DEFAULT_MAPS,
                ImageLoader.DEFAULT_MAX_PIXELS, null, Map.of());
    }

    public ReportSpec withLayer(String l) {
        return new ReportSpec(images, l, occlusion, topk, maps, maxPixels, filters, credits);
    }

    public ReportSpec withOcclusion(OcclusionSpec o) {
        return new ReportSpec(images, layer, o, topk, maps, maxPixels, filters, credits);
    }

    public ReportSpec withMaxPixels(long limit) {
        return new ReportSpec(images, layer, occlusion, topk, maps, limit, filters, credits);
    }

    public ReportSpec withTopk(int k) {
        return new ReportSpec(images, layer, occlusion, k, maps, maxPixels, filters, credits);
    }

    public ReportSpec withFilters(List<FilterSource> f) {
        return new ReportSpec(images, layer, occlusion, topk, maps, maxPixels, f, credits);
    }

    public ReportSpec withCredits(Map<Path, String> c) {
        return new ReportSpec(images, layer, occlusion, topk, maps, maxPixels, filters, c);
    }
}
