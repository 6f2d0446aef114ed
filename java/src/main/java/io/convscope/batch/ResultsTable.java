package io.convscope.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.convscope.ConvscopeException;
import io.convscope.Outputs;

/**
 * The rows a batch folder holds, and the table made of them. The table is always rebuilt from the rows, in
 * the list's order, so it has each image once however many runs it took.
 */
public final class ResultsTable {
    private ResultsTable() {
    }

    /** The images of {@code images} without a successful row: what a run still has to do. */
    public static List<Path> pending(BatchFolder folder, ImageList images) {
        List<Path> pending = new ArrayList<>();
        for (Path image : images.files()) {
            if (!isDone(folder, image)) {
                pending.add(image);
            }
        }
        return pending;
    }

    /**
     * Writes the table of every image's row with {@code writer}; fails when an image has no row (a run that
     * did not finish), naming how many and the first.
     */
    public static BatchReport write(BatchFolder folder, ImageList images, TableWriter writer, int skipped, int ran) {
        List<BatchRow> rows = new ArrayList<>();
        List<Path> missing = new ArrayList<>();
        for (Path image : images.files()) {
            BatchRow row = read(folder, image);
            if (row == null) {
                missing.add(image);
            } else {
                rows.add(row);
            }
        }
        if (!missing.isEmpty()) {
            throw new ConvscopeException(missing.size() + " of " + images.size() + " images have no row yet (first: "
                    + missing.get(0) + "); run the batch again to finish them");
        }
        new Outputs().add(folder.table(writer), writer.encode(rows)).write();
        int failed = (int) rows.stream().filter(r -> !r.ok()).count();
        return new BatchReport(images.size(), skipped, ran, failed, folder.table(writer).target());
    }

    /** Whether {@code image} has a successful row: a Spark task that is run again skips it. */
    public static boolean isDone(BatchFolder folder, Path image) {
        BatchRow row = read(folder, image);
        return row != null && row.ok();
    }

    /** The row of {@code image}, or null when there is none (or the file is not a row). */
    public static BatchRow read(BatchFolder folder, Path image) {
        Path file = folder.row(BatchFolder.key(image));
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return BatchRow.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConvscopeException("cannot read the row " + file + ": " + e.getMessage(), e);
        }
    }
}
