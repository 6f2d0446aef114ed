package io.convscope.batch;

import java.nio.file.Path;
import java.util.List;

import io.convscope.Device;
import io.convscope.model.TorchModel;

/**
 * The door to a batch on one machine: the top-k predictions and the occlusion map of every image of a list,
 * each image's files written atomically with its row last (see {@link BatchFolder}), then one results table.
 * A run started again on the same folder skips the images with a successful row and retries the failed
 * ones; a bad image becomes a row with its error and the run goes on.
 *
 * <p>The model runs on the calling thread, one image after another, using LibTorch's intra-op threads (or on
 * {@link BatchSpec#parallel()} threads, an image each); {@link BatchSpec#decodeThreads()} threads read and
 * prepare the next images meanwhile ({@link ImagePipeline}).
 *
 * <pre>{@code
 * try (TorchModel model = TorchModel.load(Path.of("alexnet.pt"))) {
 *     BatchReport report = Batch.run(model, BatchSpec.of(ImageList.read(Path.of("val/")), Path.of("audit")),
 *             Device.AUTO, BatchListener.NONE);
 * }
 * }</pre>
 */
public final class Batch {
    private Batch() {
    }

    public static BatchReport run(TorchModel model, BatchSpec spec, Device device, BatchListener listener) {
        BatchFolder folder = BatchFolder.prepare(spec.out());
        TableWriter writer = TableWriter.forFormat(spec.table());
        List<Path> pending = ResultsTable.pending(folder, spec.images());
        int skipped = spec.images().size() - pending.size();
        listener.started(spec.images().size(), skipped);
        ImagePipeline.run(new ImageJob(model, spec.each(), device, folder), pending, spec.decodeThreads(),
                spec.parallel(), listener);
        return ResultsTable.write(folder, spec.images(), writer, skipped, pending.size());
    }
}
