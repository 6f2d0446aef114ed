package io.convscope.rf;

import java.util.ArrayList;
import java.util.List;

import io.convscope.model.LayerInfo;
import io.convscope.model.LayerInventory;

/**
 * The layer table as {@code convscope layers} prints it and the report shows it: every module with its shapes
 * and the receptive field of its units, as text cells ({@code -} where there is nothing to show).
 */
public final class LayerTable {
    public static final List<String> HEADINGS = List.of("LAYER", "TYPE", "WEIGHT", "BIAS", "OUTPUT", "RF", "JUMP",
            "START");

    /**
     * One module.
     *
     * @param depth nesting level, 0 for the root's children (for indenting)
     * @param size  receptive field size in input pixels, {@code global}, or {@code -} when unknown
     */
    public record Row(String path, String type, String weight, String bias, String output, String size, String jump,
                      String start, int depth, boolean convolution) {
        /** The cells in {@link #HEADINGS} order. */
        public List<String> cells() {
            return List.of(path, type, weight, bias, output, size, jump, start);
        }
    }

    private LayerTable() {
    }

    public static List<Row> of(LayerInventory inventory, ReceptiveFields fields) {
        List<Row> rows = new ArrayList<>();
        for (LayerInfo l : inventory.all()) {
            ReceptiveField rf = fields.get(l).orElse(null);
            rows.add(new Row(l.path(), l.type(), LayerInfo.format(l.weightShape()), LayerInfo.format(l.biasShape()),
                    LayerInfo.format(l.outputShape()), rf == null ? "-" : rf.sizeText(),
                    rf == null ? "-" : rf.jumpText(), rf == null ? "-" : rf.startText(), l.depth(),
                    l.isConvolution()));
        }
        return rows;
    }
}
