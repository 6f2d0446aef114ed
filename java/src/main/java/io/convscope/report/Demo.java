package io.convscope.report;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.convscope.model.BuiltinModel;
import io.convscope.model.Sample;

/**
 * What {@code convscope demo} shows for each built-in model: its sample images with their sources and licences,
 * and the filters and layer that tell its story.
 *
 * <p>For the expression net (the default): the face recognition net's 7x7 first-layer filters first (oriented
 * bars, colour-opponent blobs: the original article's first picture, from a net trained on millions of faces),
 * then the expression net's own first convolution; its layer shown is {@code dense1}, a whole dense block
 * (28 x 28 units that each see 43 x 43 pixels: about an eye, or half the mouth); a block, because convscope's
 * module-by-module walk gives a block's output exactly but not the convolutions inside it (they are fed the
 * running sum in {@code forward}). For the fashion net: every
 * convolution and the last one's field, as {@code report} does by default.
 */
public final class Demo {
    /** The expression net's layer whose receptive field and activations the demo shows. */
    static final String EXPRESSION_LAYER = "dense1";

    private Demo() {
    }

    /** The report spec of {@code model}'s demo. */
    public static ReportSpec spec(BuiltinModel model) {
        List<Sample> samples = model.samples();
        Map<Path, String> credits = new LinkedHashMap<>();
        samples.forEach(s -> credits.put(s.file(), s.credit()));
        ReportSpec spec = ReportSpec.of(model.sampleFiles()).withCredits(credits);
        return switch (model) {
            case EXPRESSION -> spec.withLayer(EXPRESSION_LAYER).withFilters(List.of(
                    FilterSource.firstOf(BuiltinModel.FACE_RECOGNITION.modelFile()), FilterSource.own(null)));
            case FACE_RECOGNITION -> spec.withFilters(List.of(FilterSource.own(null)));
            case FASHION -> spec;
        };
    }
}
