package io.convscope.report;

import java.util.List;

import io.convscope.predict.Prediction;

/** What the report holds for one input image: its analysis, or the one-line reason there is none. */
public sealed interface ImageEntry {
    /** The image's file name, as the page heads its section. */
    String name();

    /** The path the user gave. */
    String source();

    /** Where the image comes from and its licence ({@link ReportSpec#credits}), or null. */
    String credit();

    /**
     * One analysed image.
     *
     * @param input          the image as the model sees it (resized and cropped), enlarged for viewing
     * @param predictions    the top classes, most probable first
     * @param occlusion      the occlusion map over the image, with its colorbar
     * @param receptiveField the receptive field of the chosen layer's centre unit over the image
     * @param activations    the chosen layer's most active feature maps
     */
    record Analysis(String name, String source, String credit, Figure input, List<Prediction> predictions,
                    Figure occlusion, Figure receptiveField, Figure activations) implements ImageEntry {
        public Analysis {
            predictions = List.copyOf(predictions);
        }
    }

    /** An image that could not be analysed (missing, not decodable, or the model failed on it). */
    record Failure(String name, String source, String credit, String message) implements ImageEntry {
    }
}
