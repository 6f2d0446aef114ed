package io.convscope.batch;

import java.util.List;
import java.util.function.Function;

/**
 * One column of the results table, in the order the table has them. Every writer (CSV here, Parquet in the
 * Spark module) walks this list, so the formats cannot disagree on names, order or types.
 *
 * @param name  the column's name, snake_case
 * @param type  what its values are; every column may be null
 * @param value the row's value, or null
 */
public record Column(String name, Type type, Function<BatchRow, Object> value) {
    public enum Type {
        STRING, INT, DOUBLE, INT_LIST, STRING_LIST, DOUBLE_LIST
    }

    public static final List<Column> ALL = List.of(
            new Column("image", Type.STRING, BatchRow::image),
            new Column("width", Type.INT, BatchRow::width),
            new Column("height", Type.INT, BatchRow::height),
            new Column("top_classes", Type.INT_LIST, BatchRow::topClasses),
            new Column("top_labels", Type.STRING_LIST, BatchRow::topLabels),
            new Column("top_probs", Type.DOUBLE_LIST, BatchRow::topProbs),
            new Column("target", Type.INT, BatchRow::target),
            new Column("label", Type.STRING, BatchRow::label),
            new Column("base_score", Type.DOUBLE, BatchRow::baseScore),
            new Column("map_rows", Type.INT, BatchRow::mapRows),
            new Column("map_cols", Type.INT, BatchRow::mapCols),
            new Column("max_drop", Type.DOUBLE, BatchRow::maxDrop),
            new Column("max_drop_row", Type.INT, BatchRow::maxDropRow),
            new Column("max_drop_col", Type.INT, BatchRow::maxDropCol),
            new Column("map", Type.STRING, BatchRow::map),
            new Column("overlay", Type.STRING, BatchRow::overlay),
            new Column("engine", Type.STRING, BatchRow::engine),
            new Column("ms", Type.DOUBLE, BatchRow::ms),
            new Column("error", Type.STRING, BatchRow::error));

    public boolean isList() {
        return type == Type.INT_LIST || type == Type.STRING_LIST || type == Type.DOUBLE_LIST;
    }
}
