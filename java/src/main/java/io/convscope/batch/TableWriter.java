package io.convscope.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import io.convscope.UsageException;

/**
 * Encodes the results table in one format. CSV is built in; Parquet comes from the convscope-spark module
 * (registered as a service), because its writer needs Hadoop classes that the core jar does not carry.
 */
public interface TableWriter {
    /** The format's name and the table file's extension: "csv", "parquet". */
    String format();

    /** The whole table, rows in the given order, columns as {@link Column#ALL}. */
    byte[] encode(List<BatchRow> rows);

    /** The writer for {@code format}; fails naming the field {@code table} when none is on the class path. */
    static TableWriter forFormat(String format) {
        List<String> known = new ArrayList<>();
        List<TableWriter> all = new ArrayList<>(List.of(new CsvTable()));
        ServiceLoader.load(TableWriter.class).forEach(all::add);
        for (TableWriter writer : all) {
            if (writer.format().equals(format)) {
                return writer;
            }
            known.add(writer.format());
        }
        String hint = format.equals("parquet") ? "; Parquet is written by the convscope-spark module: build it "
                + "(mvn install, then mvn -f spark/pom.xml package) and run through ./convscope, which adds it" : "";
        throw UsageException.of("table", "format '" + format + "' is not available (here: " + String.join(", ", known)
                + ")" + hint);
    }
}
