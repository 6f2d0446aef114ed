package io.convscope.batch;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.convscope.ConvscopeException;

/**
 * Images through an {@link ImageJob} in order, the model on the calling thread, while a few threads read and
 * prepare the next images (a few ahead each): decoding a JPEG costs about as much as a small model's map, and
 * it needs no LibTorch threads. {@link Batch} runs its list this way and each Spark task its partition.
 */
public final class ImagePipeline {
    /** Images decoded ahead of the model per decoding thread: enough to hide a slow file, little memory. */
    private static final int AHEAD_PER_THREAD = 2;

    private ImagePipeline() {
    }

    /** The rows of {@code images}, in their order; {@code listener} hears of each as it is written. */
    public static List<BatchRow> run(ImageJob job, List<Path> images, int decodeThreads, BatchListener listener) {
        ExecutorService decoders = Executors.newFixedThreadPool(decodeThreads, r -> {
            Thread t = new Thread(r, "convscope-decode");
            t.setDaemon(true);
            return t;
        });
        List<BatchRow> rows = new ArrayList<>();
        try {
            Deque<Future<DecodedImage>> ahead = new ArrayDeque<>();
            int submitted = 0;
            int window = decodeThreads * AHEAD_PER_THREAD;
            for (int i = 0; i < images.size(); i++) {
                while (submitted < images.size() && submitted < i + window) {
                    Path image = images.get(submitted++);
                    ahead.add(decoders.submit(() -> job.decode(image)));
                }
                BatchRow row = job.run(next(ahead), listener);
                rows.add(row);
                listener.imageDone(row, i + 1, images.size());
            }
        } finally {
            decoders.shutdownNow();
        }
        return rows;
    }

    private static DecodedImage next(Deque<Future<DecodedImage>> ahead) {
        try {
            return ahead.remove().get();
        } catch (ExecutionException e) {
            // DecodedImage.read turns every failure into a value; only an Error (out of memory) gets here.
            throw new ConvscopeException("decoding an image failed: " + Failures.oneLine(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConvscopeException("the batch was interrupted", e);
        }
    }
}
