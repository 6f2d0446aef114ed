package io.convscope.batch;

import java.nio.file.Path;
import java.util.Objects;

import io.convscope.UsageException;

/**
 * A batch run.
 *
 * @param images        the images, in table order
 * @param out           the batch folder (see {@link BatchFolder}); made when missing, its parent must exist
 * @param each          what is computed per image
 * @param table         the results table's format: "csv", or "parquet" where the Spark module is present
 * @param decodeThreads threads that read and prepare images while the model runs on the previous ones
 * @param parallel      images analysed at once, each on its own thread, all sharing the one model: for small
 *                      models, whose layers are too small for LibTorch's intra-op threads to split well, 2
 *                      images with 1 LibTorch thread each beat 1 image with 2
 */
public record BatchSpec(ImageList images, Path out, ImageSettings each, String table, int decodeThreads,
                        int parallel) {
    public static final int DEFAULT_DECODE_THREADS = 2;

    public BatchSpec {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(each, "each");
        Objects.requireNonNull(table, "table");
        if (decodeThreads < 1) {
            throw UsageException.of("decodeThreads", "must be 1 or more, got " + decodeThreads);
        }
        if (parallel < 1) {
            throw UsageException.of("parallel", "must be 1 or more, got " + parallel);
        }
    }

    /**
     * Every image of {@code images} into {@code out} with the default settings, a CSV table, 2 decoding threads,
     * one image at a time.
     */
    public static BatchSpec of(ImageList images, Path out) {
        return new BatchSpec(images, out, ImageSettings.defaults(), "csv", DEFAULT_DECODE_THREADS, 1);
    }

    public BatchSpec withEach(ImageSettings settings) {
        return new BatchSpec(images, out, settings, table, decodeThreads, parallel);
    }

    public BatchSpec withTable(String format) {
        return new BatchSpec(images, out, each, format, decodeThreads, parallel);
    }

    public BatchSpec withDecodeThreads(int threads) {
        return new BatchSpec(images, out, each, table, threads, parallel);
    }

    public BatchSpec withParallel(int images) {
        return new BatchSpec(this.images, out, each, table, decodeThreads, images);
    }
}
