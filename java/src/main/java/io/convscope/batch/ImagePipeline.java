package io.convscope.batch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.convscope.ConvscopeException;

/**
 * Images through an {@link ImageJob}: {@code parallel} model threads each take the next image, while a few
 * decoding threads read and prepare the images ahead of them (decoding a JPEG costs about as much as a small
 * model's map, and needs no LibTorch threads). {@link Batch} runs its list this way and each Spark task its
 * partition. The listener is called from the model threads, one call at a time.
 */
public final class ImagePipeline {
    /** Images decoded ahead of the model per decoding thread: enough to hide a slow file, little memory. */
    private static final int AHEAD_PER_THREAD = 2;

    private final ImageJob job;
    private final List<Path> images;
    private final BatchListener listener;
    private final ExecutorService decoders;
    private final List<Future<DecodedImage>> decoded = new ArrayList<>();
    private final int window;
    private final List<BatchRow> rows = new ArrayList<>();
    private int taken;

    private ImagePipeline(ImageJob job, List<Path> images, int decodeThreads, BatchListener listener) {
        this.job = job;
        this.images = images;
        this.listener = listener;
        this.decoders = Executors.newFixedThreadPool(decodeThreads, daemons("convscope-decode"));
        this.window = decodeThreads * AHEAD_PER_THREAD;
    }

    /** The rows of {@code images}, in the order they were finished. */
    public static List<BatchRow> run(ImageJob job, List<Path> images, int decodeThreads, int parallel,
                                     BatchListener listener) {
        ImagePipeline pipeline = new ImagePipeline(job, images, decodeThreads, listener);
        try {
            if (parallel == 1) {
                pipeline.work();
            } else {
                pipeline.workOn(parallel);
            }
        } finally {
            pipeline.decoders.shutdownNow();
        }
        return pipeline.rows;
    }

    /** One model thread: takes images until none is left. */
    private void work() {
        for (Future<DecodedImage> next = take(); next != null; next = take()) {
            DecodedImage image = await(next);
            BatchRow row = job.run(image, new BatchListener() {
                @Override
                public void beforeRow(String key) {
                    synchronized (ImagePipeline.this) {
                        listener.beforeRow(key);
                    }
                }
            });
            synchronized (this) {
                rows.add(row);
                listener.imageDone(row, rows.size(), images.size());
            }
        }
    }

    private void workOn(int parallel) {
        ExecutorService models = Executors.newFixedThreadPool(parallel, daemons("convscope-model"));
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                workers.add(models.submit(this::work));
            }
            for (Future<?> worker : workers) {
                await(worker);
            }
        } finally {
            models.shutdownNow();
        }
    }

    /** The next image's decoding, with the ones after it started; null when every image is taken. */
    private synchronized Future<DecodedImage> take() {
        if (taken == images.size()) {
            return null;
        }
        while (decoded.size() < images.size() && decoded.size() < taken + window) {
            Path image = images.get(decoded.size());
            decoded.add(decoders.submit(() -> job.decode(image)));
        }
        return decoded.get(taken++);
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            // Image failures are values (rows with an error); what gets here is the run's: a full disk, an Error.
            if (e.getCause() instanceof ConvscopeException c) {
                throw c;
            }
            throw new ConvscopeException("the batch failed: " + Failures.oneLine(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConvscopeException("the batch was interrupted", e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemons(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
