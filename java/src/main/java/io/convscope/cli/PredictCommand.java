package io.convscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import com.google.gson.GsonBuilder;

import io.convscope.image.ImageLoader;
import io.convscope.image.InputImage;
import io.convscope.model.Inference;
import io.convscope.model.TorchModel;
import io.convscope.predict.ClassNames;
import io.convscope.predict.Prediction;
import io.convscope.predict.Predictions;

/** {@code convscope predict}: the model's top-k classes for an image, with probabilities. */
final class PredictCommand implements Command {
    @Override
    public String name() {
        return "predict";
    }

    @Override
    public String summary() {
        return "print the top-k classes for an image with their probabilities";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(OptionKit.required("image", "I", "the input image"))
                .addOption(OptionKit.value("topk", "K", "how many classes (default 5)"))
                .addOption(OptionKit.value("labels", "F", "class names, one per line in output order (default: the "
                        + "model card's, or ImageNet's for 1000-class models)"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        int k = OptionKit.positiveInt(line, "topk", 5);
        Path labels = line.hasOption("labels") ? Path.of(line.getOptionValue("labels")) : null;
        try (TorchModel model = session.loadModel()) {
            InputImage image = ImageLoader.load(Path.of(line.getOptionValue("image")), model.card(),
                    session.maxPixels());
            float[] scores = Inference.classScores(model, new long[] {1, image.channels(), image.height(),
                    image.width()}, image.tensor());
            ClassNames names = ClassNames.forModel(model.card(), scores.length, labels);
            List<Prediction> top = Predictions.topK(scores, names.names(), k);
            if (session.json) {
                session.out.println(json(model, image, names, top));
            } else {
                session.out.println(image.source() + " | " + model.file().getFileName() + " | labels: "
                        + names.source());
                print(top, session);
            }
        }
        return 0;
    }

    static void print(List<Prediction> top, Session session) {
        int classWidth = Math.max("CLASS".length(), top.stream()
                .mapToInt(p -> Integer.toString(p.index()).length()).max().orElse(0));
        String format = "%-4s  %-" + classWidth + "s  %-11s  %s%n";
        session.out.printf(Locale.ROOT, format, "RANK", "CLASS", "PROBABILITY", "LABEL");
        for (Prediction p : top) {
            session.out.printf(Locale.ROOT, format, p.rank(), p.index(),
                    String.format(Locale.ROOT, "%.4f", p.probability()), p.label());
        }
    }

    private static String json(TorchModel model, InputImage image, ClassNames names, List<Prediction> top) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model.file().toString());
        root.put("image", image.source().toString());
        root.put("labels", names.source());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Prediction p : top) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("rank", p.rank());
            row.put("index", p.index());
            row.put("label", p.label());
            row.put("probability", p.probability());
            row.put("score", p.score());
            rows.add(row);
        }
        root.put("top", rows);
        return new GsonBuilder().setPrettyPrinting().create().toJson(root);
    }
}
