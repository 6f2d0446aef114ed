package io.convscope.batch;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.convscope.ConvscopeException;
import io.convscope.Device;
import io.convscope.model.TorchModel;

/**
 * The door to a batch on one machine: the top-k predictions and the occlusion map of every image of a list,
 * each image's files written atomically with its row last (see {@link BatchFolder}), then one results table.
 * A run started again on the same folder skips the images with a successful row and retries the failed
 * ones; a bad image becomes a row with its error and the run goes on.
 *
 * <p>The model runs on the calling thread, one image after another, using LibTorch's intra-op threads;
 * {@link BatchSpec#decodeThreads()} threads read and prepare the next images meanwhile, a few ahead.
 *
 * <pre>{@code
 * try (TorchModel model = TorchModel.load(Path.of("alexnet.pt"))) {
 *     BatchReport report = Batch.run(model, BatchSpec.of(ImageList.read(Path.of("val/")), Path.of("audit")),
 *             Device.AUTO, BatchListener.NONE);
 * }
 * }</pre>
 */
public final class Batch {
    /** Images decoded ahead of the model per decoding thread: enough to hide a slow file, little memory. */
    private static final int AHEAD_PER_THREAD = 2;

    private Batch() {
    }

    public static BatchReport run(TorchModel model, BatchSpec spec, Device device, BatchListener listener) {
        BatchFolder folder = BatchFolder.prepare(spec.out());
        TableWriter writer = TableWriter.forFormat(spec.table());
        List<Path> pending = ResultsTable.pending(folder, spec.images());
        int skipped = spec.images().size() - pending.size();
        listener.started(spec.images().size(), skipped);
        ImageJob job = new ImageJob(model, spec.each(), device, folder);
        ExecutorService decoders = Executors.newFixedThreadPool(spec.decodeThreads(), r -> {
            Thread t = new Thread(r, "convscope-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            Deque<Future<DecodedImage>> ahead = new ArrayDeque<>();
            int submitted = 0;
            int window = spec.decodeThreads() * AHEAD_PER_THREAD;
            for (int i = 0; i < pending.size(); i++) {
                while (submitted < pending.size() && submitted < i + window) {
                    Path image = pending.get(submitted++);
                    ahead.add(decoders.submit(() -> job.decode(image)));
                }
                BatchRow row = job.run(next(ahead), listener);
                listener.imageDone(row, i + 1, pending.size());
            }
        } finally {
            decoders.shutdownNow();
        }
        return ResultsTable.write(folder, spec.images(), writer, skipped, pending.size());
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
