package io.convscope.batch;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The results table as RFC 4180 CSV: a header of {@link Column#ALL}'s names, then one line per row; a null is
 * an empty field, a list is its items joined by {@code ;}, a number is written as Java prints it (which
 * reads back to the same double).
 */
final class CsvTable implements TableWriter {
    @Override
    public String format() {
        return "csv";
    }

    @Override
    public byte[] encode(List<BatchRow> rows) {
        StringBuilder text = new StringBuilder();
        text.append(Column.ALL.stream().map(Column::name).collect(Collectors.joining(","))).append("\r\n");
        for (BatchRow row : rows) {
            text.append(Column.ALL.stream().map(c -> field(c.value().apply(row))).collect(Collectors.joining(",")))
                    .append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String field(Object value) {
        if (value == null) {
            return "";
        }
        String text = value instanceof List<?> list
                ? list.stream().map(String::valueOf).collect(Collectors.joining(";"))
                : String.valueOf(value);
        boolean quote = text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r");
        return quote ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }
}
