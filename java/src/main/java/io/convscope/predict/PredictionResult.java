package io.convscope.predict;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.gson.GsonBuilder;

import io.convscope.Result;
import io.convscope.UsageException;

/**
 * A model's top classes for one input; writes itself as JSON (".json") or a plain table (".txt").
 *
 * @param model  the model file
 * @param input  where the input came from
 * @param labels where the class names came from ("the model card", a file, ImageNet, indices)
 * @param top    the classes, highest probability first
 */
public record PredictionResult(Path model, String input, String labels, List<Prediction> top) implements Result {
    public PredictionResult {
        top = List.copyOf(top);
    }

    @Override
    public List<String> formats() {
        return List.of(".json", ".txt");
    }

    @Override
    public byte[] encode(String format) {
        return switch (format) {
            case ".json" -> (json() + "\n").getBytes(StandardCharsets.UTF_8);
            case ".txt" -> table().getBytes(StandardCharsets.UTF_8);
            default -> throw new UsageException("predictions are written as .json or .txt, not " + format);
        };
    }

    /** A heading line naming the input, model and labels, then RANK, CLASS, PROBABILITY and LABEL columns. */
    public String table() {
        StringBuilder text = new StringBuilder();
        text.append(input).append(" | ").append(model.getFileName()).append(" | labels: ").append(labels).append('\n');
        int classWidth = Math.max("CLASS".length(), top.stream()
                .mapToInt(p -> Integer.toString(p.index()).length()).max().orElse(0));
        String format = "%-4s  %-" + classWidth + "s  %-11s  %s%n";
        text.append(String.format(Locale.ROOT, format, "RANK", "CLASS", "PROBABILITY", "LABEL"));
        for (Prediction p : top) {
            text.append(String.format(Locale.ROOT, format, p.rank(), p.index(),
                    String.format(Locale.ROOT, "%.4f", p.probability()), p.label()));
        }
        return text.toString();
    }

    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model.toString());
        root.put("image", input);
        root.put("labels", labels);
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
