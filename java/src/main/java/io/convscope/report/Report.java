package io.convscope.report;

import java.util.List;

import io.convscope.occlusion.OcclusionSpec;
import io.convscope.rf.LayerTable;

/**
 * Everything one report page shows; its pictures are already in the report folder.
 *
 * @param header    model, card, size, device and time taken
 * @param layers    the layer table with receptive fields
 * @param filters   one picture per convolution, in model order
 * @param layer     the path of the layer whose receptive field and activations each image shows
 * @param layerType that layer's type ({@code Conv2d})
 * @param occlusion the occlusion settings every image used
 * @param images    one entry per input image, in the order given
 */
public record Report(ReportHeader header, List<LayerTable.Row> layers, List<Figure> filters, String layer,
                     String layerType, OcclusionSpec occlusion, List<ImageEntry> images) {
    public Report {
        layers = List.copyOf(layers);
        filters = List.copyOf(filters);
        images = List.copyOf(images);
    }

    /** The images that could not be analysed. */
    public List<ImageEntry.Failure> failures() {
        return images.stream().filter(ImageEntry.Failure.class::isInstance).map(ImageEntry.Failure.class::cast)
                .toList();
    }
}
