package io.convscope.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.function.FlatMapFunction;

import io.convscope.Device;
import io.convscope.batch.BatchFolder;
import io.convscope.batch.BatchListener;
import io.convscope.batch.BatchRow;
import io.convscope.batch.ImageJob;
import io.convscope.batch.ImageSettings;
import io.convscope.batch.ResultsTable;

/**
 * One partition of the image list on an executor: each image through {@link ImageJob}, the code a single
 * machine runs, into the shared batch folder. An image whose row is already there is skipped, so a task
 * Spark runs again (a lost executor, a speculative copy) redoes nothing that was finished.
 *
 * @param shippedModel the model file's name among Spark's files, or null for the bundled model
 * @param settings     what each image gets
 * @param out          the batch folder, a path every executor sees (a shared file system)
 * @param threads      LibTorch intra-op threads of the executor
 * @param device       where the model runs
 */
record PartitionTask(String shippedModel, ImageSettings settings, String out, int threads, Device device)
        implements FlatMapFunction<Iterator<String>, String> {
    @Override
    public Iterator<String> call(Iterator<String> images) {
        BatchFolder folder = new BatchFolder(Path.of(out));
        ImageJob job = new ImageJob(ExecutorModel.get(shippedModel, threads), settings, device, folder);
        List<String> rows = new ArrayList<>();
        while (images.hasNext()) {
            Path image = Path.of(images.next());
            BatchRow row = ResultsTable.isDone(folder, image) ? ResultsTable.read(folder, image)
                    : job.run(image, BatchListener.NONE);
            rows.add(new String(row.json(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return rows.iterator();
    }
}
