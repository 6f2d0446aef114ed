package io.convscope.rf;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.GsonBuilder;

import io.convscope.Result;
import io.convscope.UsageException;
import io.convscope.image.Input;
import io.convscope.image.InputImage;
import io.convscope.model.LayerInfo;
import io.convscope.model.LayerInventory;
import io.convscope.model.TorchModel;

/**
 * Every module of a model with its index path, type, weight and output shapes and the receptive field of its
 * units (size, jump and start in input pixels; {@code global} where every unit sees the whole input, {@code -}
 * where it is unknown). Writes itself as a table (".txt") or JSON (".json").
 *
 * @param model     the model file
 * @param inputFrom where the input size came from: the card, or what was assumed without one
 */
public record LayerReport(Path model, String inputFrom, LayerInventory inventory, ReceptiveFields fields)
        implements Result {

    /** The door to the layer table: one dry forward pass on the card's input size. */
    public static LayerReport of(TorchModel model) {
        LayerInventory inventory = model.layers();
        return new LayerReport(model.file(), model.cardOrigin(), inventory, ReceptiveFields.of(inventory));
    }

    /**
     * The layer table for the size of {@code input}: a tensor is taken at its own size, so output shapes and
     * receptive fields are those of the input an analysis of it would run on.
     */
    public static LayerReport of(TorchModel model, Input input) {
        InputImage prepared = input.prepare(model.card());
        LayerInventory inventory = LayerInventory.of(model, new long[] {1, prepared.channels(), prepared.height(),
                prepared.width()});
        return new LayerReport(model.file(), "from " + prepared.source(), inventory, ReceptiveFields.of(inventory));
    }

    @Override
    public List<String> formats() {
        return List.of(".txt", ".json");
    }

    @Override
    public byte[] encode(String format) {
        return switch (format) {
            case ".txt" -> table().getBytes(StandardCharsets.UTF_8);
            case ".json" -> (json() + "\n").getBytes(StandardCharsets.UTF_8);
            default -> throw new UsageException("a layer table is written as .txt or .json, not " + format);
        };
    }

    /** A heading with the input and output shapes, then one aligned row per module. */
    public String table() {
        StringBuilder text = new StringBuilder();
        text.append("model ").append(model).append(": input ").append(LayerInfo.format(inventory.inputShape()))
                .append(" (").append(inputFrom).append("), output ").append(LayerInfo.format(inventory.outputShape()))
                .append('\n');
        if (inventory.traceFailure() != null) {
            text.append("output shapes unknown: ").append(inventory.traceFailure()).append('\n');
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(LayerTable.HEADINGS);
        LayerTable.of(inventory, fields).forEach(row -> rows.add(row.cells()));
        int[] widths = new int[LayerTable.HEADINGS.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + (widths[i] + 2) + "s", row.get(i)));
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }

    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model.toString());
        root.put("input", inventory.inputShape());
        root.put("inputFrom", inputFrom);
        root.put("output", inventory.outputShape());
        if (inventory.traceFailure() != null) {
            root.put("traceFailure", inventory.traceFailure());
        }
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerInfo l : inventory.all()) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("path", l.path());
            layer.put("type", l.type());
            layer.put("weight", l.weightShape());
            layer.put("bias", l.biasShape());
            layer.put("output", l.outputShape());
            layer.put("convolution", l.isConvolution());
            fields.get(l).ifPresent(rf -> layer.put("receptiveField", json(rf)));
            layers.add(layer);
        }
        root.put("layers", layers);
        return new GsonBuilder().setPrettyPrinting().create().toJson(root);
    }

    /** {@code {"global": true}}, or size, jump, start and output size as {@code [rows, cols]} pairs. */
    private static Map<String, Object> json(ReceptiveField rf) {
        Map<String, Object> field = new LinkedHashMap<>();
        field.put("global", rf.global());
        if (!rf.global()) {
            field.put("size", new long[] {rf.rows().size(), rf.cols().size()});
            field.put("jump", new long[] {rf.rows().jump(), rf.cols().jump()});
            field.put("start", new double[] {rf.rows().start(), rf.cols().start()});
            field.put("outputSize", new long[] {rf.rows().outputSize(), rf.cols().outputSize()});
        }
        return field;
    }
}
