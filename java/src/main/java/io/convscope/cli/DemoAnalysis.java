package io.convscope.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.convscope.ConvscopeException;
import io.convscope.activations.ActivationPictures;
import io.convscope.activations.ActivationSpec;
import io.convscope.activations.Activations;
import io.convscope.image.ImageLoader;
import io.convscope.image.InputImage;
import io.convscope.model.LayerInfo;
import io.convscope.model.TorchModel;
import io.convscope.predict.Prediction;
import io.convscope.predict.Predictions;
import io.convscope.render.Png;
import io.convscope.rf.ReceptiveField;
import io.convscope.rf.ReceptiveFieldPicture;
import io.convscope.rf.ReceptiveFields;

/**
 * The demo's per-image step: for each sample, the top-3 predictions (printed and written to
 * {@code predictions.txt}), the receptive field of the last convolution's centre unit over the image, and that
 * layer's 16 most active feature maps.
 */
final class DemoAnalysis {
    static final int TOP_CLASSES = 3;
    static final int TOP_MAPS = 16;

    private DemoAnalysis() {
    }

    static void write(TorchModel model, List<Path> samples, Path folder, Session session) {
        ReceptiveFields fields = ReceptiveFields.of(model.layers());
        LayerInfo layer = lastLocalConvolution(model, fields);
        ReceptiveField field = fields.located(layer);
        String name = model.file().getFileName().toString();
        List<String> lines = new ArrayList<>();
        for (Path sample : samples) {
            InputImage image = ImageLoader.load(sample, model.card());
            String stem = stem(sample);
            List<Prediction> top = Predictions.of(model, image, TOP_CLASSES, null);
            String line = sample.getFileName() + ": " + top.stream().map(p -> String.format(Locale.ROOT, "%s %.3f",
                    p.label(), p.probability())).collect(Collectors.joining(", "));
            lines.add(line);
            if (!session.quiet) {
                session.out.println(line);
            }
            DemoCommand.write(session, folder.resolve("rf-" + stem + ".png"), ReceptiveFieldPicture.draw(
                    image.picture(), image.height(), image.width(), field, field.centreUnit(),
                    name + " | " + layer.path() + " (" + layer.type() + ") | " + sample.getFileName()).raster());
            DemoCommand.write(session, folder.resolve("activations-" + stem + ".png"), ActivationPictures.render(
                    Activations.of(model, layer, image), new ActivationSpec(TOP_MAPS, null, 0),
                    name + " | " + layer.path() + " (" + layer.type() + ") | " + sample.getFileName()).raster());
        }
        Path predictions = folder.resolve("predictions.txt");
        try {
            Files.write(predictions, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConvscopeException("cannot write " + predictions + ": " + e.getMessage(), e);
        }
    }

    /** The deepest convolution whose units see a part of the image, not all of it. */
    static LayerInfo lastLocalConvolution(TorchModel model, ReceptiveFields fields) {
        List<LayerInfo> convolutions = model.layers().convolutions();
        for (int i = convolutions.size() - 1; i >= 0; i--) {
            LayerInfo conv = convolutions.get(i);
            if (fields.get(conv).filter(f -> !f.global()).isPresent()) {
                return conv;
            }
        }
        throw new ConvscopeException("no convolution of " + model.file().getFileName() + " has a known receptive "
                + "field; see convscope layers");
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
