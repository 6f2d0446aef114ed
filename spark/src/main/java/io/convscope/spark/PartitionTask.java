package io.convscope.spark;

import java.nio.charset.StandardCharsets;
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
import io.convscope.batch.ImagePipeline;
import io.convscope.batch.ImageSettings;
import io.convscope.batch.ResultsTable;

/**
 * One partition of the image list on an executor: its images through {@link ImagePipeline} and
 * {@link ImageJob}, the code a single machine runs, into the shared batch folder; returns their rows as JSON.
 * An image whose row is already there is skipped, so a task Spark runs again (a lost executor, a speculative
 * copy) redoes nothing that was finished.
 *
 * @param shippedModel  the model file's name among Spark's files, or null for the default built-in model
 * @param settings      what each image gets
 * @param out           the batch folder, a path every executor sees (a shared file system)
 * @param threads       LibTorch intra-op threads of the executor
 * @param decodeThreads threads of this task that read images while the model runs
 * @param device        where the model runs
 */
record PartitionTask(String shippedModel, ImageSettings settings, String out, int threads, int decodeThreads,
                     Device device) implements FlatMapFunction<Iterator<String>, String> {
    @Override
    public Iterator<String> call(Iterator<String> paths) {
        BatchFolder folder = new BatchFolder(Path.of(out));
        List<BatchRow> rows = new ArrayList<>();
        List<Path> toDo = new ArrayList<>();
        while (paths.hasNext()) {
            Path image = Path.of(paths.next());
            if (ResultsTable.isDone(folder, image)) {
                rows.add(ResultsTable.read(folder, image));
            } else {
                toDo.add(image);
            }
        }
        if (!toDo.isEmpty()) {
            ImageJob job = new ImageJob(ExecutorModel.get(shippedModel, threads), settings, device, folder);
            // One image at a time: Spark's task slots are the parallelism here.
            rows.addAll(ImagePipeline.run(job, toDo, decodeThreads, 1, BatchListener.NONE));
        }
        return rows.stream().map(row -> new String(row.json(), StandardCharsets.UTF_8)).iterator();
    }
}
