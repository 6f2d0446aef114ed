package io.convscope.batch;

import java.nio.file.Path;
import java.util.List;

import io.convscope.ConvscopeException;
import io.convscope.Device;
import io.convscope.Outputs;
import io.convscope.image.InputImage;
import io.convscope.model.TorchModel;
import io.convscope.occlusion.Occlusion;
import io.convscope.occlusion.OcclusionMap;
import io.convscope.occlusion.OcclusionResult;
import io.convscope.occlusion.Progress;
import io.convscope.predict.Prediction;
import io.convscope.predict.PredictSpec;
import io.convscope.predict.Predictions;

/**
 * One image of a batch, start to finish: its predictions and map, its files, then its row. The same code runs
 * on one machine ({@link Batch}) and in each Spark task, so both give the same files and rows.
 */
public final class ImageJob {
    private final TorchModel model;
    private final ImageSettings settings;
    private final Device device;
    private final BatchFolder folder;

    public ImageJob(TorchModel model, ImageSettings settings, Device device, BatchFolder folder) {
        this.model = model;
        this.settings = settings;
        this.device = device;
        this.folder = folder;
    }

    /** Reads, analyses and records {@code image}; a failure becomes the row's error, never an exception. */
    public BatchRow run(Path image, BatchListener listener) {
        return run(decode(image), listener);
    }

    DecodedImage decode(Path image) {
        return DecodedImage.read(image, model.card(), settings.maxPixels());
    }

    BatchRow run(DecodedImage decoded, BatchListener listener) {
        String key = BatchFolder.key(decoded.file());
        BatchRow row = decoded.error() != null
                ? BatchRow.failed(decoded.file().toString(), decoded.width(), decoded.height(), decoded.error())
                : analyse(key, decoded);
        listener.beforeRow(key);
        // The row goes last: once it is on disk the image counts as done, and its files are already there.
        new Outputs().add(folder.rowFile(key), row.json()).write();
        return row;
    }

    private BatchRow analyse(String key, DecodedImage decoded) {
        long start = System.nanoTime();
        String name = decoded.file().toString();
        try {
            InputImage image = decoded.image();
            // An embedding model has no classes to list; its map is scored by similarity.
            List<Prediction> top = Predictions.topOfClassifier(model, image, new PredictSpec(settings.topk(), null),
                    device);
            OcclusionResult occluded = Occlusion.run(model, image,
                    settings.occlusion().resolvedFor(Math.min(image.height(), image.width()), false, model.card()),
                    device, Progress.NONE);
            Outputs files = new Outputs().add(folder.mapFile(key), occluded.encode(".npy"));
            if (settings.overlays()) {
                files.add(folder.overlayFile(key), occluded.encode(".png"));
            }
            files.write();
            double ms = (System.nanoTime() - start) / 1e6;
            return row(name, decoded, top, occluded.map(), key, ms);
        } catch (ConvscopeException e) {
            return BatchRow.failed(name, decoded.width(), decoded.height(), e.getMessage());
        } catch (RuntimeException e) {
            // LibTorch's errors arrive as plain RuntimeExceptions: one image's failure, not the run's.
            return BatchRow.failed(name, decoded.width(), decoded.height(), Failures.oneLine(e));
        }
    }

    private BatchRow row(String name, DecodedImage decoded, List<Prediction> top, OcclusionMap map, String key,
                         double ms) {
        int best = map.argmax();
        return new BatchRow(name, decoded.width(), decoded.height(),
                top.stream().map(Prediction::index).toList(), top.stream().map(Prediction::label).toList(),
                top.stream().map(Prediction::probability).toList(), map.target(), map.label(),
                (double) map.baseScore(), map.rows(), map.cols(), (double) map.values()[best], best / map.cols(),
                best % map.cols(), folder.relative(folder.mapFile(key).target()),
                settings.overlays() ? folder.relative(folder.overlayFile(key).target()) : null,
                map.engine().engine().cliName(), Math.round(ms * 10) / 10.0, null);
    }
}
