package io.convscope.spark;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import io.convscope.UsageException;
import io.convscope.batch.Batch;
import io.convscope.batch.BatchCluster;
import io.convscope.batch.BatchFolder;
import io.convscope.batch.BatchListener;
import io.convscope.batch.BatchReport;
import io.convscope.batch.BatchRow;
import io.convscope.batch.BatchSpec;
import io.convscope.batch.ClusterSettings;
import io.convscope.batch.ResultsTable;
import io.convscope.batch.TableWriter;
import io.convscope.model.ModelCard;

/**
 * A batch on Spark, with the files, rows, table and resume of {@link Batch#run}: the driver finds the images
 * without a row, cuts them into partitions, and each executor runs its partitions with one model per JVM
 * ({@link PartitionTask}); the driver then makes the table from the rows. The model file and its card travel
 * to the executors through {@code SparkContext.addFile}; the images and the batch folder must be on a file
 * system every executor sees under the same path.
 */
public final class SparkBatch implements BatchCluster {
    /** For {@link BatchCluster#find()} (the CLI's {@code --spark}); {@link #run(SparkSession, Path, BatchSpec,
     * ClusterSettings, BatchListener)} is the door for code that has a session. */
    public SparkBatch() {
    }

    /** Starts a session on {@code settings.master()}, runs the batch on it and stops it. */
    @Override
    public BatchReport run(Path modelFile, BatchSpec spec, ClusterSettings settings, BatchListener listener) {
        SparkSession spark = SparkSession.builder().master(settings.master()).appName("convscope batch")
                .config("spark.ui.showConsoleProgress", "false").getOrCreate();
        try {
            return run(spark, modelFile, spec, settings, listener);
        } finally {
            spark.stop();
        }
    }

    /**
     * Runs {@code spec} on {@code spark}'s cluster with the model in {@code modelFile} (null: the default
     * built-in model, which every executor has in its jar); {@code settings.master()} is not used, the session's master is.
     */
    public static BatchReport run(SparkSession spark, Path modelFile, BatchSpec spec, ClusterSettings settings,
                                  BatchListener listener) {
        BatchFolder folder = BatchFolder.prepare(spec.out());
        TableWriter writer = TableWriter.forFormat(spec.table());
        String shipped = ship(spark, modelFile);
        List<String> pending = ResultsTable.pending(folder, spec.images()).stream().map(Path::toString).toList();
        int skipped = spec.images().size() - pending.size();
        listener.started(spec.images().size(), skipped);
        if (!pending.isEmpty()) {
            int partitions = settings.partitions() > 0 ? settings.partitions()
                    : 2 * spark.sparkContext().defaultParallelism();
            PartitionTask task = new PartitionTask(shipped, spec.each(), folder.root().toString(), settings.threads(),
                    spec.decodeThreads(), settings.device());
            List<String> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(pending, Math.min(partitions, pending.size())).mapPartitions(task).collect();
            int done = 0;
            for (String row : rows) {
                listener.imageDone(BatchRow.parse(row.getBytes(StandardCharsets.UTF_8)), ++done, pending.size());
            }
        }
        return ResultsTable.write(folder, spec.images(), writer, skipped, pending.size());
    }

    /** Adds the model and its card (M.json beside M.pt) to the files every executor fetches; its name there. */
    private static String ship(SparkSession spark, Path modelFile) {
        if (modelFile == null) {
            return null;
        }
        if (!Files.isRegularFile(modelFile)) {
            throw UsageException.of("model", "file " + modelFile + " does not exist");
        }
        Path model = modelFile.toAbsolutePath();
        spark.sparkContext().addFile(model.toString());
        Path card = ModelCard.cardPathFor(model);
        if (Files.isRegularFile(card)) {
            spark.sparkContext().addFile(card.toString());
        }
        return model.getFileName().toString();
    }
}
