package io.convscope.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import com.google.gson.GsonBuilder;

/**
 * The built-in models with their cards: what {@code convscope models} lists. Reads the cards only; the models are
 * not loaded.
 *
 * @param entries one per built-in model, the default first
 */
public record BuiltinCatalog(List<Entry> entries) {
    /** A built-in model and its card. */
    public record Entry(BuiltinModel model, ModelCard card, int samples) {
    }

    public BuiltinCatalog {
        entries = List.copyOf(entries);
    }

    /** Every built-in model, the default first. */
    public static BuiltinCatalog read() {
        List<Entry> entries = new ArrayList<>();
        for (BuiltinModel m : BuiltinModel.values()) {
            ModelCard card = ModelCard.besideModel(m.modelFile());
            entries.add(new Entry(m, card, m.samples().size()));
        }
        return new BuiltinCatalog(entries);
    }

    /** A few indented lines per model: name, description, input and preprocessing, labels, score, source. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (Entry e : entries) {
            ModelCard c = e.card();
            out.append(e.model().spec()).append(e.model() == BuiltinModel.DEFAULT ? " (default)" : "").append('\n');
            if (c.description() != null) {
                out.append("  ").append(c.description()).append('\n');
            }
            out.append(String.format(Locale.ROOT, "  input %dx%dx%d (resize %d, crop %d), mean %s, std %s%n",
                    c.channels(), c.height(), c.width(), c.resize(), c.crop(), numbers(c.mean()), numbers(c.std())));
            out.append("  labels: ").append(c.labels().isEmpty() ? "none (the output is not class scores)"
                    : String.join(", ", c.labels())).append('\n');
            out.append("  occlusion score: ").append(c.score() == null ? "prob" : c.score()).append('\n');
            out.append("  samples: ").append(e.samples()).append('\n');
            if (c.source() != null) {
                out.append("  source: ").append(c.source()).append('\n');
            }
        }
        return out.toString();
    }

    /** The same as a JSON array of objects. */
    public String json() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Entry e : entries) {
            ModelCard c = e.card();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", e.model().spec());
            row.put("default", e.model() == BuiltinModel.DEFAULT);
            row.put("description", c.description());
            row.put("input", new int[] {c.channels(), c.height(), c.width()});
            row.put("resize", c.resize());
            row.put("crop", c.crop());
            row.put("mean", c.mean());
            row.put("std", c.std());
            row.put("labels", c.labels());
            row.put("score", c.score() == null ? "prob" : c.score());
            row.put("samples", e.samples());
            row.put("source", c.source());
            rows.add(row);
        }
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(rows) + "\n";
    }

    /** {@code 0.4815,0.4588,0.409}: at most four decimals, no trailing zeros. */
    private static String numbers(float[] values) {
        String[] parts = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            parts[i] = new java.math.BigDecimal(String.format(Locale.ROOT, "%.4f", values[i])).stripTrailingZeros()
                    .toPlainString();
        }
        return Arrays.stream(parts).collect(Collectors.joining(","));
    }
}
