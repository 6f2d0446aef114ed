package io.convscope.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import com.google.gson.GsonBuilder;

import io.convscope.model.LayerInfo;
import io.convscope.model.LayerInventory;
import io.convscope.model.TorchModel;
import io.convscope.rf.LayerTable;
import io.convscope.rf.ReceptiveField;
import io.convscope.rf.ReceptiveFields;

/**
 * {@code convscope layers}: every module with its index path, type, weight and output shapes, and the receptive
 * field of its units (size, jump and start in input pixels; {@code global} where every unit sees the whole input,
 * {@code -} where it is unknown).
 */
final class LayersCommand implements Command {
    @Override
    public String name() {
        return "layers";
    }

    @Override
    public String summary() {
        return "list the model's modules: index path, type, weight shape, output shape, receptive field";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(CommandLine line, Session session) {
        try (TorchModel model = session.loadModel()) {
            LayerInventory layers = model.layers();
            ReceptiveFields fields = ReceptiveFields.of(layers);
            if (session.json) {
                session.out.println(json(model, layers, fields));
            } else {
                printTable(model, layers, fields, session);
            }
        }
        return 0;
    }

    private static void printTable(TorchModel model, LayerInventory inventory, ReceptiveFields fields,
                                   Session session) {
        session.out.println("model " + model.file() + ": input " + LayerInfo.format(inventory.inputShape())
                + " (" + model.cardOrigin() + "), output " + LayerInfo.format(inventory.outputShape()));
        if (inventory.traceFailure() != null) {
            session.out.println("output shapes unknown: " + inventory.traceFailure());
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
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                text.append(i == row.size() - 1 ? row.get(i)
                        : String.format("%-" + (widths[i] + 2) + "s", row.get(i)));
            }
            session.out.println(text.toString().stripTrailing());
        }
    }

    private static String json(TorchModel model, LayerInventory inventory, ReceptiveFields fields) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model.file().toString());
        root.put("input", inventory.inputShape());
        root.put("inputFrom", model.cardOrigin());
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
